// Section "Dispatches per step on webgpu": the training steps of GKD on the student's samples and
// on the dataset, AMMD, DistiLLM and MiniLLM at their defaults (addition, batch 32, the shipped
// teacher, the d32×1×2 student), counted on webgpu in Node (Dawn on SwiftShader: the counts
// are what any GPU would get, the times are a software rasteriser's): compute dispatches, queue
// submissions and reads per step, where the dispatches come from, and SwiftShader ms per step.
import * as tf from '@tensorflow/tfjs';
import { Trainer, resolveConfig } from '../../engine/trainer';
import type { MethodId } from '../../engine/methods/types';
import { loadModelDir, teacherDir } from '../nodeModel';
import { installDispatchCounter, type DispatchCounts } from './counters';
import { counter, load, useBackend } from './env';

export interface DispatchCase {
  id: string;
  method: MethodId;
  hyper: Record<string, number>;
  /** What the batch is at these settings, for the table. */
  branch: string;
}

export const DISPATCH_CASES: DispatchCase[] = [
  { id: 'gkd-student', method: 'gkd', hyper: { lambda: 1 }, branch: 'student samples (λ = 1)' },
  { id: 'gkd-dataset', method: 'gkd', hyper: { lambda: 0 }, branch: 'dataset (λ = 0)' },
  { id: 'ammd', method: 'ammd', hyper: {}, branch: 'student and teacher samples, 2 critic steps' },
  { id: 'distillm', method: 'distillm', hyper: {}, branch: 'dataset (φ = 0 until the validation NLL rises)' },
  { id: 'minillm', method: 'minillm', hyper: {}, branch: 'teacher-mixed samples' },
];

export interface DispatchRow {
  id: string;
  method: MethodId;
  branch: string;
  steps: number;
  dispatchesPerStep: number;
  submitsPerStep: number;
  readsPerStep: number;
  /** Wall ms per step on SwiftShader, the deferred finiteness check of the last step included. */
  msPerStep: number;
  /** The biggest sources (engine function or backward kernel) and kernels, per step. */
  topSources: Array<[string, number]>;
  topKernels: Array<[string, number]>;
  load: number;
}

/** One case at one submission batch size (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE). */
export interface SubmitBatchRow {
  id: string;
  batchSize: number;
  submitsPerStep: number;
  msPerStep: number;
  load: number;
}

export interface DispatchSection {
  ok: boolean;
  adapter: string | null;
  error?: string;
  warmup: number;
  batchSize: number | null;
  rows: DispatchRow[];
  /** The same steps at other submission batch sizes (the engine's is SUBMIT_BATCH). */
  submitBatches: SubmitBatchRow[];
  /** The counts before the fused kernels, from the same counting (see BEFORE_FUSION). */
  before: typeof BEFORE_FUSION;
}

/**
 * Dispatches per step before the fused kernels, counted the same way (every runWebGPUProgram
 * call over steps after a warm-up step; Dawn on SwiftShader) at commit dc157c4, with tfjs's
 * default submission batch of 15. They cannot be re-measured from this tree.
 */
export const BEFORE_FUSION = {
  commit: 'dc157c4',
  dispatchesPerStep: { 'gkd-student': 992, 'gkd-dataset': 517, ammd: 2699, distillm: 500, minillm: 2137 } as Record<string, number>,
  msPerStep: { 'gkd-student': 15768, 'gkd-dataset': 5199, ammd: 31966, distillm: 6676, minillm: 17566 } as Record<string, number>,
  note: 'one step each after one warm-up, at load averages of 6–8 (other jobs shared the two cores), so the times are high; webgpu-fused.md has paired before/after times',
};

const perStep = (m: Record<string, number>, steps: number, n: number): Array<[string, number]> =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => [k, v / steps]);

/** `warmup` steps (pipelines compile, AMMD's critic warm-up), then `steps` counted and timed. */
export interface DispatchPlan {
  warmup: number;
  steps: number;
  cases?: DispatchCase[];
  /** Submission batch sizes to time (cases and steps). */
  submitBatches: { sizes: number[]; cases: string[]; steps: number };
}

export async function benchDispatches(plan: DispatchPlan, log: (s: string) => void = () => {}): Promise<DispatchSection> {
  const { warmup, steps, cases = DISPATCH_CASES } = plan;
  const started = await useBackend('webgpu');
  const section: DispatchSection = {
    ok: started.ok,
    adapter: started.adapter,
    error: started.error,
    warmup,
    batchSize: null,
    rows: [],
    submitBatches: [],
    before: BEFORE_FUSION,
  };
  if (!started.ok) {
    log(`dispatches: webgpu not available: ${started.error}`);
    return section;
  }
  const { model: teacher } = loadModelDir(teacherDir('addition'));
  const reads = counter();
  try {
    for (const c of cases) {
      const { config, problems } = resolveConfig({ method: c.method, settings: { task: 'addition', seed: 1, evalEvery: 1000 }, hyper: c.hyper });
      if (problems.length) throw new Error(problems.join('; '));
      const trainer = await Trainer.create(config, teacher, { backendName: 'webgpu', earlyEvalSteps: [] });
      section.batchSize = Number(tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'));
      try {
        for (let i = 0; i < warmup; i++) await trainer.trainStep({ evaluate: false });
        await trainer.settle();
        const dispatch = installDispatchCounter();
        let counted: DispatchCounts;
        const readsBefore = reads.snapshot().reads;
        const t0 = performance.now();
        try {
          for (let i = 0; i < steps; i++) {
            const o = await trainer.trainStep({ evaluate: false });
            if (o.halted) throw new Error(`${c.id}: ${o.halted}`);
          }
          const halted = await trainer.settle();
          if (halted) throw new Error(`${c.id}: ${halted}`);
          counted = dispatch.snapshot();
        } finally {
          dispatch.uninstall();
        }
        const ms = (performance.now() - t0) / steps;
        const row: DispatchRow = {
          id: c.id,
          method: c.method,
          branch: c.branch,
          steps,
          dispatchesPerStep: counted.dispatches / steps,
          submitsPerStep: counted.submits / steps,
          readsPerStep: (reads.snapshot().reads - readsBefore) / steps,
          msPerStep: ms,
          topSources: perStep(counted.bySource, steps, 12),
          topKernels: perStep(counted.byKernel, steps, 12),
          load: load(),
        };
        section.rows.push(row);
        log(
          `dispatches ${c.id}: ${row.dispatchesPerStep} dispatches, ${row.submitsPerStep} submits, ${row.readsPerStep} reads per step, ${ms.toFixed(0)} ms/step, load ${row.load}`,
        );
      } finally {
        trainer.dispose();
      }
    }
    for (const id of plan.submitBatches.cases) {
      const c = cases.find((k) => k.id === id)!;
      for (const size of plan.submitBatches.sizes) {
        const { config } = resolveConfig({ method: c.method, settings: { task: 'addition', seed: 1, evalEvery: 1000 }, hyper: c.hyper });
        const trainer = await Trainer.create(config, teacher, { backendName: 'webgpu', earlyEvalSteps: [] });
        tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', size); // after create, which sets the engine's own
        try {
          for (let i = 0; i < warmup; i++) await trainer.trainStep({ evaluate: false });
          await trainer.settle();
          const dispatch = installDispatchCounter();
          const t0 = performance.now();
          let submits = 0;
          try {
            for (let i = 0; i < plan.submitBatches.steps; i++) await trainer.trainStep({ evaluate: false });
            await trainer.settle();
            submits = dispatch.snapshot().submits;
          } finally {
            dispatch.uninstall();
          }
          const row = {
            id,
            batchSize: size,
            submitsPerStep: submits / plan.submitBatches.steps,
            msPerStep: (performance.now() - t0) / plan.submitBatches.steps,
            load: load(),
          };
          section.submitBatches.push(row);
          log(`dispatches ${id} at batch ${size}: ${row.submitsPerStep} submits, ${row.msPerStep.toFixed(0)} ms/step, load ${row.load}`);
        } finally {
          trainer.dispose();
        }
      }
    }
  } finally {
    teacher.dispose();
  }
  return section;
}

/** The issue's ceilings on dispatches per step. */
export const DISPATCH_LIMITS: Record<string, number> = { 'gkd-student': 400, 'gkd-dataset': 300, ammd: 1000 };

export function dispatchTargets(s: DispatchSection): Array<{ target: string; measured: string; met: boolean | null; note: string }> {
  return Object.entries(DISPATCH_LIMITS).map(([id, limit]) => {
    const row = s.rows.find((x) => x.id === id);
    if (!row)
      return { target: `dispatches per step ≤ ${limit.toLocaleString('en')} (${id}, webgpu)`, measured: 'not measured', met: null, note: s.error ?? '' };
    const before = s.before.dispatchesPerStep[id];
    const met = row.dispatchesPerStep <= limit;
    return {
      target: `dispatches per step ≤ ${limit.toLocaleString('en')} (${id}, webgpu)`,
      measured: `${Math.round(row.dispatchesPerStep)} (${before} before the fused kernels)`,
      met,
      note: met ? '' : `missed by ${Math.round(row.dispatchesPerStep - limit)}`,
    };
  });
}

const n0 = (x: number) => Math.round(x).toLocaleString('en');

export function renderDispatches(s: DispatchSection): string[] {
  const out: string[] = ['', '## Dispatches per step on webgpu (addition, default settings, shipped teacher)', ''];
  if (!s.ok) return [...out, `Not measured: ${s.error}`];
  out.push(
    `Dawn in Node on ${s.adapter}: a dispatch is a compute program tfjs records (a kernel that reshapes or runs on the CPU records none), the same count any GPU would get; the times are SwiftShader's, a CPU rasteriser's, and say nothing of a GPU. ${s.warmup} warm-up step(s), then ${s.rows[0]?.steps ?? 0} counted step(s) per case, the last step's deferred check included; submission batch ${s.batchSize} (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE, the engine's). "Before" is the same count at commit ${s.before.commit} (${s.before.note}).`,
    '',
    '| step | batch | dispatches/step | before | submits/step | reads/step | SwiftShader ms/step | before | load |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of s.rows)
    out.push(
      `| ${r.id} | ${r.branch} | ${n0(r.dispatchesPerStep)} | ${n0(s.before.dispatchesPerStep[r.id] ?? NaN)} | ${r.submitsPerStep.toFixed(1)} | ${r.readsPerStep.toFixed(1)} | ${n0(r.msPerStep)} | ${n0(s.before.msPerStep[r.id] ?? NaN)} | ${r.load} |`,
    );
  out.push('', 'Where the dispatches come from (per step: the engine function that ran the op, or the kernel a gradient ran in; the first 12):', '');
  for (const r of s.rows) out.push(`- ${r.id}: ${r.topSources.map(([k, v]) => `${k} ${n0(v)}`).join(', ')}`);
  out.push('', 'By kernel (the tfjs kernel / its WGSL program, `fused` for ours):', '');
  for (const r of s.rows) out.push(`- ${r.id}: ${r.topKernels.map(([k, v]) => `${k} ${n0(v)}`).join(', ')}`);
  if (s.submitBatches.length) {
    out.push(
      '',
      'Submission batch size (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE; tfjs default 15):',
      '',
      '| step | batch size | submits/step | SwiftShader ms/step | load |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const r of s.submitBatches) out.push(`| ${r.id} | ${r.batchSize} | ${r.submitsPerStep.toFixed(1)} | ${n0(r.msPerStep)} | ${r.load} |`);
  }
  return out;
}
