// What a findings study is: its arms, the metrics its page tabulates, and the rule that turns
// the seeds' numbers into a verdict on a paper's claim. Every arm of a study shares the student
// size, steps and learning rate (the playground defaults unless `common` or the arm's own
// `settings` say otherwise). The studies themselves live one per file beside this one.
import { formatSummary, type Summary } from './stats';
import type { Verdict } from '../../shared/findings';
import type { TaskId } from '../../engine/tasks';

export interface Arm {
  /** File-safe id, unique in the study. */
  id: string;
  label: string;
  task: TaskId;
  method: string;
  hyper?: Record<string, unknown>;
  /** Run settings this arm changes from the study's `common` (e.g. its learning rate). */
  settings?: Record<string, unknown>;
}

export interface MetricSpec {
  key: string;
  label: string;
  /** Shown in the chart. */
  chart?: boolean;
}

export type { Verdict };

export interface ClaimResult {
  claim: string;
  verdict: Verdict;
  /** One line with the numbers. */
  line: string;
}

/** What the verdict rules can ask about the finished runs. */
export interface Results {
  /** Summary over seeds of `metric` at the last record of `arm` (or at `step`). */
  at(arm: string, metric: string, step?: 'first' | 'last'): Summary;
  /** Every record value of a metric over all runs of the arms (for invariants). */
  all(arms: string[], metric: string): Array<number | null>;
  has(arm: string): boolean;
  /** One value per run (seed) of `arm` at the last record (or at `step`), for per-seed rules. */
  seeds(arm: string, metric: string, step?: 'first' | 'last'): Array<number | null>;
  expectedSeeds: number;
}

export interface Study {
  name: string;
  title: string;
  claims: string[];
  /** Shared settings of every arm (besides task, seed, steps, evalEvery). */
  common: Record<string, unknown>;
  defaultSteps: number;
  arms: Arm[];
  metrics: MetricSpec[];
  /** Grammar arms get the exact-distribution probe at every record. */
  grammarProbe?: boolean;
  notes: string[];
  verdict(r: Results): ClaimResult[];
}

/** A summary as the study pages print it: mean ± sd to 3 decimals. */
export const fmt = (x: Summary) => formatSummary(x, undefined, 3);

/** reproduced when every check holds, partly when some do, not reproduced when none do. */
export function tally(checks: boolean[]): Verdict {
  if (!checks.length) return 'not run';
  const n = checks.filter(Boolean).length;
  return n === checks.length ? 'reproduced' : n > 0 ? 'partly' : 'not reproduced';
}
