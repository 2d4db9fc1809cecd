// The lesson buttons: only lessons whose headless check holds (public/lessons/index.json) are
// offered, so the page never teaches an effect its own runs did not show.
import { memo, useEffect, useState } from 'react';
import { PRESETS } from '../../state/presets';
import { loadLessonIndex, type LessonIndex } from '../../state/lessons';

const BASE = import.meta.env.BASE_URL;

export const LessonPicker = memo(function LessonPicker({ active, onPick }: { active: string | null; onPick: (id: string) => void }) {
  const [index, setIndex] = useState<LessonIndex | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void loadLessonIndex(BASE).then((i) => live && setIndex(i));
    return () => {
      live = false;
    };
  }, []);
  const shipped = PRESETS.filter((p) => index?.[p.id]?.holds);
  return (
    <section className="panel" aria-label="Lessons">
      <h2>Lessons</h2>
      {index === undefined ? (
        <p className="muted small">Loading lessons…</p>
      ) : shipped.length === 0 ? (
        <p className="muted small">No verified lessons are available.</p>
      ) : (
        <div className="presets">
          {shipped.map((p) => (
            <button key={p.id} data-testid={`preset-${p.id}`} onClick={() => onPick(p.id)} title={p.question} aria-pressed={active === p.id}>
              {p.title}
            </button>
          ))}
        </div>
      )}
    </section>
  );
});
