// A lesson's verification: every student of its preset, run headless over seeds 1..N through the
// study runner (the same Trainer the page's worker drives, the same settings the page resolves),
// then the mean and sd trajectories per student and the check at the lesson's checkpoint.
import { createHash } from 'node:crypto';
import { SHARED_PARAMS } from '../../engine/settings';
import type { Transformer } from '../../engine/model/transformer';
import { laneLabel } from '../../state/config';
import { resolveRun } from '../../shared/runSpec';
import type { Preset } from '../../state/presets';
import { lessonSeeds, type EffectCheck, type LessonComparison, type LessonReference, type Trajectory } from '../../state/lessons';
import type { Arm } from '../studies/study';
import { runArm, type RunResult } from '../studies/runner';
import { summarize } from '../studies/stats';
import { checkEffect, effectProblems } from './check';

export interface LessonRunOptions {
  /** How many seeds (the lesson's own count unless given). */
  seeds?: number;
  teacher: Transformer;
  backend: string;
  cacheDir: string;
  /** Held-out prompts per evaluation (the page's default, 64, unless a test asks for fewer). */
  evalPrompts?: number;
  onRun?: (lane: number, seed: number, run: RunResult, ms: number) => void;
}

export interface LessonArms {
  /** What runArm needs of a study: a name and the settings every arm shares. */
  study: { name: string; common: Record<string, unknown> };
  arms: Arm[];
  labels: string[];
  evalEvery: number;
  /** The page's evaluation prompts for this spec (its default unless the lesson sets it). */
  evalPrompts: number;
}

/** The preset's students as study arms, with the page's resolved settings (minus what runArm sets). */
export function lessonArms(preset: Preset): LessonArms {
  const { spec, problems, configs, page } = resolveRun(preset.spec);
  const declared = effectProblems(preset.effect, spec.lanes.length);
  if (problems.length || declared.length) throw new Error(`lesson ${preset.id}: ${[...problems, ...declared].join('; ')}`);
  const own = new Set(['task', 'seed', 'steps', 'evalEvery']);
  const common: Record<string, unknown> = {};
  for (const p of SHARED_PARAMS) if (!own.has(p.id)) common[p.id] = configs[0].settings[p.id];
  const task = spec.settings.task as Arm['task'];
  // The id carries a hash of the whole resolved configuration (defaults and the evaluation's
  // prompt count included), so neither a redesigned lesson nor a changed default reuses old runs.
  const arms = spec.lanes.map((lane, i) => {
    const hash = createHash('sha1')
      .update(JSON.stringify({ common, task, lane, resolved: configs[i].hyper, steps: preset.effect.steps, evalPrompts: page.evalPrompts }))
      .digest('hex')
      .slice(0, 10);
    return { id: `${preset.id}-s${i + 1}-${lane.method}-${hash}`, label: laneLabel(spec, i), task, method: lane.method, hyper: lane.hyper };
  });
  return {
    study: { name: `lesson-${preset.id}`, common },
    arms,
    labels: arms.map((a) => a.label),
    evalEvery: Number(spec.settings.evalEvery),
    evalPrompts: page.evalPrompts,
  };
}

/** Run (or read from the cache) every student × seed, seed-major, and summarise. */
export async function verifyLesson(
  preset: Preset,
  opts: LessonRunOptions,
): Promise<{ runs: RunResult[][]; reference: Omit<LessonReference, 'commit' | 'command'> }> {
  const { study, arms, labels, evalEvery, evalPrompts } = lessonArms(preset);
  const runs: RunResult[][] = arms.map(() => []);
  const seeds = lessonSeeds(preset.effect, opts.seeds);
  for (const seed of seeds) {
    for (const [lane, arm] of arms.entries()) {
      const t0 = performance.now();
      const run = await runArm(study, arm, seed, preset.effect.steps, evalEvery, opts.teacher, opts.backend, null, opts.cacheDir, {
        evalPrompts: opts.evalPrompts ?? evalPrompts,
      });
      runs[lane].push(run);
      opts.onRun?.(lane, seed, run, performance.now() - t0);
    }
  }
  const checks = checkAt(preset, runs, labels);
  const reference = {
    id: preset.id,
    title: preset.title,
    effect: preset.effect,
    spec: preset.spec,
    seeds,
    evalEvery,
    backend: opts.backend,
    ...checks,
    trajectories: runs.map((rs, lane) => trajectory(rs, lane, labels[lane])),
    runMs: Math.round(runs.flat().reduce((a, r) => a + r.wallMs, 0)),
  };
  return { runs, reference };
}

function valueAt(run: RunResult, metric: string, step: number): number | null {
  const v = run.records.find((r) => r.step === step)?.[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The lesson's main comparison at its checkpoint, and then each of `effect.also`. */
export function checkAt(preset: Preset, runs: RunResult[][], labels: string[]): { check: EffectCheck; alsoChecks?: EffectCheck[] } {
  const { effect } = preset;
  const compare = (c: LessonComparison) => {
    const arm = (lane: number) => ({ lane, label: labels[lane], values: runs[lane].map((r) => valueAt(r, c.metric, effect.checkpoint)) });
    return checkEffect({ ...effect, metric: c.metric }, arm(c.lower), arm(c.higher));
  };
  const check = compare(effect);
  return effect.also?.length ? { check, alsoChecks: effect.also.map(compare) } : { check };
}

const SKIP = new Set(['step', 'stepsPerSec']);

/** Mean and sd over seeds at every recorded step, for every numeric metric any seed recorded. */
export function trajectory(runs: RunResult[], lane: number, label: string): Trajectory {
  const steps = [...new Set(runs.flatMap((r) => r.records.map((x) => x.step as number)))].sort((a, b) => a - b);
  const keys = [...new Set(runs.flatMap((r) => r.records.flatMap((x) => Object.keys(x).filter((k) => !SKIP.has(k) && typeof x[k] === 'number'))))];
  const metrics: Trajectory['metrics'] = {};
  const round = (v: number) => Number(v.toPrecision(5));
  for (const k of keys) {
    const sums = steps.map((s) => summarize(runs.map((r) => valueAt(r, k, s))));
    metrics[k] = { mean: sums.map((x) => (x.n ? round(x.mean) : null)), sd: sums.map((x) => (x.n ? round(x.sd) : null)) };
  }
  return { lane, label, steps, metrics };
}
