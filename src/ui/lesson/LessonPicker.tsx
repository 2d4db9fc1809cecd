// The lesson buttons: only lessons whose headless check holds (public/lessons/index.json) are
// offered, so the page never teaches an effect its own runs did not show. Each says how long it
// takes here. The same list sits in the sidebar and in the top bar's Lessons menu (key L).
import { memo } from 'react';
import { formatDuration, lessonTime, useSpeedFactor } from './lessonDuration';
import { useShippedLessons } from './useShippedLessons';

export interface LessonListProps {
  active: string | null;
  onPick: (id: string) => void;
  /** The id prefix of each button's data-testid (preset-<id> in the sidebar). */
  testPrefix?: string;
}

/** The offered lessons as buttons, each with its time to the checkpoint. */
export const LessonList = memo(function LessonList({ active, onPick, testPrefix = 'preset' }: LessonListProps) {
  const { lessons, references } = useShippedLessons();
  const speed = useSpeedFactor();
  if (lessons === undefined) return <p className="muted small">Loading lessons…</p>;
  if (lessons.length === 0) return <p className="muted small">No verified lessons are available.</p>;
  return (
    <div className="presets">
      {lessons.map((p) => {
        const ref = references[p.id];
        const time = ref ? lessonTime(ref, speed) : null;
        return (
          <button key={p.id} data-testid={`${testPrefix}-${p.id}`} onClick={() => onPick(p.id)} title={p.question} aria-pressed={active === p.id}>
            {p.title}
            {time && (
              <span className="lesson-time" data-testid={`${testPrefix}-time-${p.id}`}>
                {' '}
                · {time.here ? '' : '≈'}
                {formatDuration(time.seconds)}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
});

export const LessonPicker = memo(function LessonPicker({ active, onPick }: { active: string | null; onPick: (id: string) => void }) {
  return (
    <section className="panel" aria-label="Lessons">
      <h2>Lessons</h2>
      <LessonList active={active} onPick={onPick} />
    </section>
  );
});
