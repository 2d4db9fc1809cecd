// Play, pause, one step, reset and the step counter, with keyboard shortcuts: space plays or
// pauses, → takes one step, r resets (ignored while typing or on a focused control).
import { useEffect } from 'react';
import { formatRate } from '../format';

/** What a control that starts the run knows of it. */
export interface PlayControlProps {
  running: boolean;
  /** Built, with a student to train: Play can be pressed. */
  ready: boolean;
  step: number;
  onPlay: () => void;
}

interface Props extends PlayControlProps {
  /** Pause was pressed; the current step is finishing. */
  pausing: boolean;
  stepsPerSec: number;
  onPause: () => void;
  onStep: () => void;
  onReset: () => void;
}

/** Keys a focused element uses itself: all of them for fields, space for buttons and links. */
export function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return true;
  return key === ' ' && ['BUTTON', 'A', 'SUMMARY'].includes(target.tagName);
}

export function Transport({ running, pausing, ready, step, stepsPerSec, onPlay, onPause, onStep, onReset }: Props) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || ownsKey(e.target, e.key)) return;
      if (e.key === ' ') {
        e.preventDefault();
        if (running) onPause();
        else onPlay();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        onStep();
      } else if (e.key === 'r' || e.key === 'R') {
        e.preventDefault();
        onReset();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [running, onPlay, onPause, onStep, onReset]);

  return (
    <div className="transport" role="group" aria-label="Training">
      {running ? (
        <button className="primary" data-testid="pause" onClick={onPause} disabled={pausing} aria-keyshortcuts="Space" title="Pause (space)">
          {pausing ? 'Pausing…' : '❚❚ Pause'}
        </button>
      ) : (
        <button className="primary" data-testid="play" onClick={onPlay} disabled={!ready} aria-keyshortcuts="Space" title="Play (space)">
          ▶ Play
        </button>
      )}
      <button data-testid="step" onClick={onStep} disabled={!ready || running} aria-keyshortcuts="ArrowRight" title="One step (→)">
        Step
      </button>
      <button data-testid="reset" onClick={onReset} aria-keyshortcuts="R" title="Reset to step 0, same seed (r)">
        Reset
      </button>
      <span className="step-readout" aria-live="off">
        step <b data-testid="step-count">{step}</b>
        {running && <span className="muted"> · {formatRate(stepsPerSec)}</span>}
      </span>
    </div>
  );
}
