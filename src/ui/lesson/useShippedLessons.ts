// The lessons the page offers (those whose headless check holds, public/lessons/index.json),
// each with its reference once loaded (for its time here). Fetched once per page.
import { useEffect, useState } from 'react';
import { PRESETS, type Preset } from '../../state/presets';
import { loadLessonIndex, loadLessonReference, type LessonIndex, type LessonReference } from '../../state/lessons';

const BASE = import.meta.env.BASE_URL;

export interface ShippedLessons {
  /** undefined while the index loads. */
  lessons: Preset[] | undefined;
  references: Record<string, LessonReference | null>;
}

export function useShippedLessons(): ShippedLessons {
  const [index, setIndex] = useState<LessonIndex | null | undefined>(undefined);
  const [references, setReferences] = useState<Record<string, LessonReference | null>>({});
  useEffect(() => {
    let live = true;
    void loadLessonIndex(BASE).then((i) => {
      if (!live) return;
      setIndex(i);
      for (const p of PRESETS.filter((p) => i?.[p.id]?.holds)) {
        void loadLessonReference(p.id, BASE).then((r) => live && setReferences((all) => ({ ...all, [p.id]: r })));
      }
    });
    return () => {
      live = false;
    };
  }, []);
  return { lessons: index === undefined ? undefined : PRESETS.filter((p) => index?.[p.id]?.holds), references };
}
