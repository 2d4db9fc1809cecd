// The GPU bench's measurement: the peer cases' training steps (./stepCases) on each backend at a
// sweep of model widths, so the width where WebGPU overtakes wasm shows. The student is the
// default shape scaled (width w, 1 layer, 2 heads); the teacher is the shipped addition teacher
// (d64×3×4) where the student is no wider, else a randomly initialised teacher of the student's
// width (3 layers, 4 heads): a step's cost does not depend on the weights' values.
import { chooseBackend } from '../../engine/backend';
import { Rng } from '../../engine/rng';
import { Transformer } from '../../engine/model/transformer';
import { TEACHER_SIZES } from '../../engine/model/sizes';
import { Trainer, resolveConfig } from '../../engine/trainer';
import { VOCAB_SIZE } from '../../engine/tasks/vocab';
import { getTask } from '../../engine/tasks';
import { loadModelDir, teacherDir } from '../nodeModel';
import { installCounters } from './counters';
import type { StepCase } from './stepCases';
import { percentile } from './stats';

export type SweepBackend = 'webgpu' | 'wasm';

export interface SweepRow {
  backend: SweepBackend;
  width: number;
  case: string;
  teacher: string;
  studentParams: number;
  /** Median wall ms per step over the timed steps (the device is synced by each step's readback). */
  msPerStep: number;
  /** Each timed step's wall ms. */
  stepMs: number[];
  /** Kernels (WebGPU dispatches, wasm calls) per step. */
  kernelsPerStep: number;
}

export interface SweepPlan {
  widths: number[];
  warmup: number;
  steps: number;
}

export interface SweepResult {
  backends: Array<{ name: SweepBackend; ok: boolean; adapter: string | null; error?: string; wasmThreads?: number }>;
  rows: SweepRow[];
}

function teacherFor(width: number): { model: Transformer; label: string } {
  const shipped = TEACHER_SIZES.addition;
  if (width <= shipped.dModel)
    return { model: loadModelDir(teacherDir('addition')).model, label: `shipped d${shipped.dModel}×${shipped.nLayers}×${shipped.nHeads}` };
  const config = { vocabSize: VOCAB_SIZE, seqLen: getTask('addition').seqLen, dModel: width, nLayers: 3, nHeads: 4 };
  return { model: Transformer.init(config, new Rng(5), false), label: `random d${width}×3×4` };
}

/** Time every case at every width on each backend that starts; `wasmPaths` where the bundle keeps the binaries. */
export async function sweepSizes(
  backends: readonly SweepBackend[],
  cases: readonly StepCase[],
  plan: SweepPlan,
  opts: { wasmPaths?: Record<string, string>; log?: (s: string) => void } = {},
): Promise<SweepResult> {
  const log = opts.log ?? (() => {});
  const result: SweepResult = { backends: [], rows: [] };
  const counters = installCounters();
  try {
    for (const backend of backends) {
      try {
        const report = await chooseBackend([backend], { wasmPaths: opts.wasmPaths });
        result.backends.push({
          name: backend,
          ok: true,
          adapter: report.adapter ? `${report.adapter.description}${report.adapter.isFallbackAdapter ? ' (software fallback adapter)' : ''}` : null,
          wasmThreads: report.wasm?.threads,
        });
      } catch (e) {
        result.backends.push({ name: backend, ok: false, adapter: null, error: (e as Error).message });
        log(`${backend}: could not start (${(e as Error).message})`);
        continue;
      }
      for (const width of plan.widths) {
        const teacher = teacherFor(width);
        try {
          for (const k of cases) {
            const settings = { task: 'addition', seed: 1, evalEvery: 1000, studentWidth: width, studentLayers: 1, studentHeads: 2, studentInit: 'scratch' };
            const { config, problems } = resolveConfig({ method: k.method, settings, hyper: k.hyper });
            if (problems.length) throw new Error(problems.join('; '));
            const trainer = await Trainer.create(config, teacher.model, { backendName: backend, evalPrompts: 8 });
            try {
              for (let i = 0; i < plan.warmup; i++) await trainer.trainStep({ evaluate: false });
              const before = counters.snapshot();
              const stepMs: number[] = [];
              for (let i = 0; i < plan.steps; i++) {
                const t0 = performance.now();
                const outcome = await trainer.trainStep({ evaluate: false });
                stepMs.push(performance.now() - t0);
                if (outcome.halted) throw new Error(outcome.halted);
              }
              const after = counters.snapshot();
              const row: SweepRow = {
                backend,
                width,
                case: k.id,
                teacher: teacher.label,
                studentParams: trainer.student.parameterCount(),
                msPerStep: percentile(stepMs, 50),
                stepMs,
                kernelsPerStep: (after.kernels - before.kernels) / plan.steps,
              };
              result.rows.push(row);
              log(`${backend} width ${width} ${k.id}: ${row.msPerStep.toFixed(1)} ms/step, ${row.kernelsPerStep} kernels/step`);
            } finally {
              trainer.dispose();
            }
          }
        } finally {
          teacher.model.dispose();
        }
      }
    }
  } finally {
    counters.uninstall();
  }
  return result;
}
