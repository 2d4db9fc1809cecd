// Section "Per method": every method at its default settings on addition against the shipped
// teacher, ms per training step split by phase, reads and kernels per step, and one
// evaluation's cost and share at the default evalEvery; on each backend.
import { SHARED_PARAMS } from '../../engine/settings';
import { METHOD_IDS } from '../../engine/methods/declarations';
import { Trainer, resolveConfig } from '../../engine/trainer';
import type { MethodId } from '../../engine/methods/types';
import { loadModelDir, teacherDir } from '../nodeModel';
import { load, timeEvaluation, timeSteps, useBackend, type BenchBackend, type StepTiming } from './env';

export const DEFAULT_EVAL_EVERY = SHARED_PARAMS.find((p) => p.id === 'evalEvery')!.default as number;

export interface MethodRow extends StepTiming {
  method: MethodId;
  backend: BenchBackend;
  evalMs: number;
  evalReads: number;
  evalKernels: number;
  /** One evaluation over (evalEvery steps + the evaluation), at the default evalEvery. */
  evalShare: number;
  load: number;
}

export interface MethodsSection {
  backends: Array<{
    backend: BenchBackend;
    ok: boolean;
    adapter: string | null;
    error?: string;
    steps: number;
    warmup: number;
    profiled: number;
    evaluate: string;
  }>;
  rows: MethodRow[];
}

export interface MethodsPlan {
  backend: BenchBackend;
  warmup: number;
  steps: number;
  profiled: number;
  /** Time an evaluation per method ('all'), for the first method only ('first', the others share its figure), or not. */
  evaluate: 'all' | 'first' | 'none';
  /** Methods on this backend (default: all). */
  methods?: readonly MethodId[];
}

export async function benchMethods(
  plans: MethodsPlan[],
  methods: readonly MethodId[] = METHOD_IDS,
  log: (s: string) => void = () => {},
): Promise<MethodsSection> {
  const section: MethodsSection = { backends: [], rows: [] };
  for (const plan of plans) {
    const started = await useBackend(plan.backend);
    section.backends.push({
      backend: plan.backend,
      ok: started.ok,
      adapter: started.adapter,
      error: started.error,
      steps: plan.steps,
      warmup: plan.warmup,
      profiled: plan.profiled,
      evaluate: plan.evaluate,
    });
    if (!started.ok) {
      log(`methods: ${plan.backend} not available: ${started.error}`);
      continue;
    }
    const { model: teacher } = loadModelDir(teacherDir('addition'));
    try {
      let shared: { ms: number; reads: number; kernels: number } | null = null;
      for (const method of plan.methods ?? methods) {
        const { config, problems } = resolveConfig({ method, settings: { task: 'addition', seed: 1, evalEvery: 1000 } });
        if (problems.length) throw new Error(problems.join('; '));
        const trainer = await Trainer.create(config, teacher, { backendName: plan.backend });
        try {
          const t = await timeSteps(trainer, plan.warmup, plan.steps, plan.profiled);
          let e: { ms: number; reads: number; kernels: number } = shared ?? { ms: NaN, reads: NaN, kernels: NaN };
          if (plan.evaluate === 'all' || (plan.evaluate === 'first' && !shared)) {
            await timeEvaluation(trainer); // the first evaluation compiles its programs
            e = await timeEvaluation(trainer);
            if (plan.evaluate === 'first') shared = e;
          }
          const row: MethodRow = {
            ...t,
            method,
            backend: plan.backend,
            evalMs: e.ms,
            evalReads: e.reads,
            evalKernels: e.kernels,
            evalShare: e.ms / (e.ms + DEFAULT_EVAL_EVERY * t.msPerStep),
            load: load(),
          };
          section.rows.push(row);
          log(
            `methods ${plan.backend} ${method}: ${t.msPerStep.toFixed(1)} ms/step, ${t.readsPerStep} reads, ${t.kernelsPerStep} kernels, eval ${e.ms.toFixed(0)} ms, load ${row.load}`,
          );
        } finally {
          trainer.dispose();
        }
      }
    } finally {
      teacher.dispose();
    }
  }
  return section;
}
