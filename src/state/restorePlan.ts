// Which saved run a tab takes up when it opens, and what it says about it. Pure functions over
// the runs' summaries, so every rule is tested without a browser.
import { specsEqual, type RunSpec } from '../shared/runSpec';
import type { RunSummary } from './runs';

const TAB_KEY = 'alembic-tab';
const PROGRESS_KEY = 'alembic-progress';

/** This tab's save slot: kept in sessionStorage, so a reload keeps it and another tab has its own. */
export function tabId(storage: Pick<Storage, 'getItem' | 'setItem'> | null, random: () => string = randomId): string {
  try {
    const known = storage?.getItem(TAB_KEY);
    if (known) return known;
    const id = `tab-${random()}`;
    storage?.setItem(TAB_KEY, id);
    return id;
  } catch {
    return `tab-${random()}`; // storage refused (privacy settings): a slot for this page load only
  }
}

function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : Math.random().toString(36).slice(2);
}

/** The furthest step this tab reached, written as it trains, read after a reload. */
export interface Progress {
  step: number;
  at: number;
}

export function writeProgress(storage: Pick<Storage, 'setItem'> | null, p: Progress): void {
  try {
    storage?.setItem(PROGRESS_KEY, JSON.stringify(p));
  } catch {
    /* best effort: only the "lost since" sentence depends on it */
  }
}

export function readProgress(storage: Pick<Storage, 'getItem'> | null): Progress | null {
  try {
    const v = JSON.parse(storage?.getItem(PROGRESS_KEY) ?? 'null') as Progress | null;
    return v && Number.isFinite(v.step) && Number.isFinite(v.at) ? v : null;
  } catch {
    return null;
  }
}

export interface RestorePlan {
  /** The run to take up, or null to start fresh. */
  restore: RunSummary | null;
  /** Another tab's run of the same experiment saved after the one restored: offer it, never take it silently. */
  newer: RunSummary | null;
}

/**
 * This tab's own run if it has one that fits the link, else the most recent one that does (a
 * new tab continuing a closed one). An empty link fits any run. Runs whose configuration no
 * longer resolves cleanly (`usable` false) and runs with no step trained are passed over.
 */
export function planRestore(
  tab: string,
  summaries: readonly RunSummary[],
  link: { empty: boolean; spec: RunSpec },
  usable: (spec: RunSpec) => boolean,
): RestorePlan {
  const fits = summaries.filter((s) => s.step > 0 && usable(s.spec) && (link.empty || specsEqual(s.spec, link.spec)));
  const mine = fits.find((s) => s.id === tab) ?? null;
  const others = fits.filter((s) => s.id !== tab).sort((a, b) => b.savedAt - a.savedAt);
  if (!mine) return { restore: others[0] ?? null, newer: null };
  const newer = others.find((s) => s.savedAt > mine.savedAt && (link.empty ? specsEqual(s.spec, mine.spec) : true)) ?? null;
  return { restore: mine, newer };
}

/** The sentence after a restore: which step, saved when, and what was trained since and lost. */
export function restoreMessage(restored: RunSummary, progress: Progress | null, ownRun: boolean, when: (t: number) => string): string {
  const head = `Restored ${ownRun ? 'your run' : 'the most recent saved run of this experiment'} at step ${restored.step} (saved ${when(restored.savedAt)}).`;
  if (!ownRun || !progress) return `${head} Reset starts it again from step 0.`;
  const lost = progress.step - restored.step;
  const tail =
    lost > 0
      ? ` The ${lost} step${lost === 1 ? '' : 's'} trained after that save (up to step ${progress.step}) were lost.`
      : ' Nothing trained since was lost.';
  return `${head}${tail} Reset starts it again from step 0.`;
}
