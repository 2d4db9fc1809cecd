// How long a lesson takes here. The verification (`npm run lessons`) timed every student of
// every seed (`runMs`), which gives its seconds per step of the whole race; once this page has
// run a lesson on its own setup, the ratio of its measured step time to that is this machine's
// speed, kept in the browser, and every lesson's time is scaled by it.
import { useSyncExternalStore } from 'react';
import type { LessonReference } from '../../state/lessons';

const KEY = 'alembic-lesson-speed';
/** Steps a run takes before its rate is taken as this machine's (the first ones compile and warm up). */
export const SETTLED_STEP = 5;

/** The verification's seconds per step of the whole race (every student once), or null. */
export function referenceSecondsPerStep(ref: LessonReference): number | null {
  const per = ref.runMs / 1000 / Math.max(1, ref.seeds.length) / Math.max(1, ref.effect.steps);
  return Number.isFinite(per) && per > 0 ? per : null;
}

let factor: number | null = readFactor();
const listeners = new Set<() => void>();

function readFactor(): number | null {
  try {
    const v = Number(globalThis.localStorage?.getItem(KEY));
    return Number.isFinite(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

/** This page's step time over the verification's, as measured on a lesson run here; null before one. */
export const speedFactor = (): number | null => factor;

/** speedFactor() as React state. */
export function useSpeedFactor(): number | null {
  return useSyncExternalStore((fn) => {
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, speedFactor);
}

/** A lesson running on its own setup measured `stepsPerSec` here: remember how fast this machine is. */
export function noteLessonRate(ref: LessonReference, stepsPerSec: number): void {
  const per = referenceSecondsPerStep(ref);
  if (!per || !(stepsPerSec > 0)) return;
  const measured = 1 / stepsPerSec / per;
  // Rounded, so a steady rate does not re-render every status.
  const next = Number((factor ? 0.7 * factor + 0.3 * measured : measured).toPrecision(2));
  if (next === factor) return;
  factor = next;
  try {
    globalThis.localStorage?.setItem(KEY, String(next));
  } catch {
    // Private mode: the factor lives as long as the page.
  }
  for (const fn of listeners) fn();
}

export interface LessonTime {
  /** Seconds to the checkpoint from step 0. */
  seconds: number;
  /** From this page's own measured rate (else from the verification machine's). */
  here: boolean;
}

/** The time to a lesson's checkpoint: at this page's speed once measured, else the verification's. */
export function lessonTime(ref: LessonReference, speed: number | null): LessonTime | null {
  const per = referenceSecondsPerStep(ref);
  if (!per) return null;
  return { seconds: per * (speed ?? 1) * ref.effect.checkpoint, here: speed !== null };
}

/** "45 s", "3 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 20) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90) return `${Math.round(seconds / 5) * 5} s`;
  return `${Math.round(seconds / 60)} min`;
}
