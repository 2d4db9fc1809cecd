// Whether the page still runs a lesson's own setup, and its reference as a React hook.
import { useEffect, useState } from 'react';
import { resolveSpec, specsEqual, type RunSpec } from '../../shared/runSpec';
import { loadLessonReference, type LessonReference } from '../../state/lessons';
import type { Preset } from '../../state/presets';

/** Settings that leave the expected band meaningful: another seed is another draw from it. */
const FREE = ['seed', 'backend'];

export function runsLessonSetup(preset: Preset, spec: RunSpec): boolean {
  const lesson = resolveSpec(preset.spec).spec;
  const strip = (s: RunSpec): RunSpec => ({ ...s, settings: Object.fromEntries(Object.entries(s.settings).filter(([k]) => !FREE.includes(k))) });
  return specsEqual(strip(lesson), strip(spec));
}

const BASE = import.meta.env.BASE_URL;

/** The lesson's reference: undefined while loading, null when missing. */
export function useLessonReference(id: string | null): LessonReference | null | undefined {
  const [ref, setRef] = useState<{ id: string; value: LessonReference | null } | null>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    void loadLessonReference(id, BASE).then((value) => live && setRef({ id, value }));
    return () => {
      live = false;
    };
  }, [id]);
  return id && ref?.id === id ? ref.value : undefined;
}
