// What a lesson claims and what its verification found. A lesson states one effect: at a
// checkpoint step, one student's value of a metric is below another's, with the ±1 sd bands of
// several seeds apart (and optionally further comparisons at the same step, `also`, each held to
// the same rule). `npm run lessons` checks it headless and writes the reference each
// lesson's page shows (public/lessons/<id>.json); the page lists only lessons whose check holds.
// Plain data and one fetch: no TensorFlow.js here.
import type { PartialSpec } from '../shared/runSpec';

export interface LessonEffect {
  /** A metric record key (or an extra, e.g. partialCredit). */
  metric: string;
  /** The student (lane index) expected to be lower at the checkpoint. */
  lower: number;
  /** The student expected to be higher. */
  higher: number;
  /** The step at which the two are compared (≤ 400, and a step the page records). */
  checkpoint: number;
  /** Steps each verification run trains (≥ checkpoint); also the run's planned steps. */
  steps: number;
  /** Seeds the check runs (default 3, at least 3). */
  seeds?: number;
  /**
   * The first seed (default 1). A lesson redesigned after looking at some seeds is checked on
   * fresh ones, so its check is not the data it was designed from.
   */
  firstSeed?: number;
  /**
   * Further comparisons at the same checkpoint, each checked by the same rule; the lesson holds
   * only when every one does. The question and the expected band are about the first (`metric`).
   */
  also?: LessonComparison[];
}

/** One more "lower than" a lesson states: `lower`'s metric below `higher`'s at the checkpoint. */
export interface LessonComparison {
  metric: string;
  lower: number;
  higher: number;
}

/** The seeds a lesson's check runs: `count` of them from its first seed. */
export function lessonSeeds(effect: LessonEffect, count = effect.seeds ?? 3): number[] {
  const first = effect.firstSeed ?? 1;
  return Array.from({ length: count }, (_, i) => first + i);
}

export interface ArmAtCheckpoint {
  lane: number;
  label: string;
  mean: number;
  sd: number;
  n: number;
}

export interface EffectCheck {
  metric: string;
  checkpoint: number;
  lower: ArmAtCheckpoint;
  higher: ArmAtCheckpoint;
  /** mean(lower) < mean(higher). */
  direction: boolean;
  /** mean(lower) + sd(lower) < mean(higher) − sd(higher). */
  bandsApart: boolean;
  /** Both hold, with every seed run to the checkpoint. */
  holds: boolean;
  /** Why it does not hold, in words (empty when it holds). */
  reason: string;
}

export interface Trajectory {
  lane: number;
  label: string;
  steps: number[];
  /** Per metric: mean and sd over seeds at each step (null where no seed has a value). */
  metrics: Record<string, { mean: Array<number | null>; sd: Array<number | null> }>;
}

/** public/lessons/<id>.json */
export interface LessonReference {
  id: string;
  title: string;
  effect: LessonEffect;
  /** The lesson's experiment as declared when it was checked (a later redesign makes it stale). */
  spec: PartialSpec;
  seeds: number[];
  evalEvery: number;
  backend: string;
  check: EffectCheck;
  /** The checks of `effect.also`, in its order (absent for a lesson with one comparison). */
  alsoChecks?: EffectCheck[];
  trajectories: Trajectory[];
  commit: string;
  command: string;
  /** Summed wall-clock time of the runs, ms. */
  runMs: number;
}

/** Every check of the lesson holds: the main one and each of `also`. */
export function lessonHolds(ref: Pick<LessonReference, 'check' | 'alsoChecks'>): boolean {
  return ref.check.holds && (ref.alsoChecks ?? []).every((c) => c.holds);
}

/** public/lessons/index.json: every checked lesson and whether its check holds. */
export type LessonIndex = Record<string, { title: string; holds: boolean; seeds: number; checkpoint: number }>;

/** Where the lesson references are served, under the app's base URL. */
export const LESSONS_BASE = 'lessons/';

let indexLoading: Promise<LessonIndex | null> | null = null;

/** The lessons' index, fetched once; null when missing (the page then lists no lessons). */
export function loadLessonIndex(base = ''): Promise<LessonIndex | null> {
  indexLoading ??= fetchJson<LessonIndex>(`${base}${LESSONS_BASE}index.json`);
  return indexLoading;
}

const references = new Map<string, Promise<LessonReference | null>>();

/** One lesson's reference, fetched once; null when missing or unreadable. */
export function loadLessonReference(id: string, base = ''): Promise<LessonReference | null> {
  let p = references.get(id);
  if (!p) references.set(id, (p = fetchJson<LessonReference>(`${base}${LESSONS_BASE}${id}.json`)));
  return p;
}

function fetchJson<T>(url: string): Promise<T | null> {
  return fetch(url)
    .then((r) => (r.ok ? (r.json() as Promise<T>) : null))
    .catch(() => null);
}
