// The Lessons menu in the top bar: the offered lessons one click (or the L key) from the top of
// the page. Choosing one closes the menu; the lesson's panel then takes the focus.
import { memo, useEffect, useId, useRef, useState } from 'react';
import { ownsKey } from '../controls/Transport';
import { LessonList } from './LessonPicker';

export const LessonMenu = memo(function LessonMenu({ active, onPick }: { active: string | null; onPick: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || ownsKey(e.target, e.key)) return;
      if (e.key === 'l' || e.key === 'L') {
        e.preventDefault();
        setOpen(true);
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  // Opening moves the focus to the first lesson (once the list has loaded).
  useEffect(() => {
    if (!open) return;
    const first = () => list.current?.querySelector<HTMLButtonElement>('button');
    const b = first();
    if (b) return b.focus();
    const obs = new MutationObserver(() => first()?.focus());
    if (list.current) obs.observe(list.current, { childList: true, subtree: true });
    return () => obs.disconnect();
  }, [open]);

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <div
      className="lesson-menu"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={toggle}
        className="lesson-menu-toggle"
        data-testid="lessons-toggle"
        aria-expanded={open}
        aria-controls={id}
        aria-keyshortcuts="L"
        title="The verified lessons (L)"
        onClick={() => setOpen(!open)}
      >
        Lessons ▾
      </button>
      {open && (
        <div className="lesson-menu-list" id={id} ref={list} role="group" aria-label="Lessons" data-testid="lesson-menu">
          <LessonList
            active={active}
            testPrefix="menu"
            onPick={(lesson) => {
              setOpen(false);
              onPick(lesson);
            }}
          />
        </div>
      )}
    </div>
  );
});
