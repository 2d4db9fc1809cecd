// What every section of the benchmark shares: switching backends (webgpu in Node through Dawn on
// SwiftShader, set up once), the machine's load, and timing a run of training steps with the
// phase split and the read/kernel counters.
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { chooseBackend, type BackendName } from '../../engine/backend';
import { setPhaseSink, type Phase } from '../../engine/profile';
import { Trainer } from '../../engine/trainer';
import { installCounters, type Counters } from './counters';

let webgpuCleanup: (() => void) | null = null;
let counters: Counters | null = null;

export type BenchBackend = 'cpu' | 'webgpu' | 'wasm';

/** Switch to `name`; false (and why) when it cannot start here. */
export async function useBackend(name: BenchBackend): Promise<{ ok: boolean; adapter: string | null; error?: string }> {
  if (name === 'webgpu' && !webgpuCleanup) webgpuCleanup = await (await import('../nodeWebGpu')).setupNodeWebGpu();
  try {
    const report = await chooseBackend([name as BackendName]);
    return { ok: true, adapter: report.adapter ? `${report.adapter.description}${report.adapter.isFallbackAdapter ? ' (fallback adapter)' : ''}` : null };
  } catch (e) {
    return { ok: false, adapter: null, error: (e as Error).message };
  }
}

export function teardownBackends(): void {
  counters?.uninstall();
  webgpuCleanup?.();
}

export function counter(): Counters {
  counters ??= installCounters();
  return counters;
}

/** 1-minute load average, as `uptime` shows it. */
export function load(): number {
  return Number(loadavg()[0].toFixed(2));
}

export interface StepTiming {
  steps: number;
  msPerStep: number;
  readsPerStep: number;
  kernelsPerStep: number;
  /** Mean ms per step of each phase (profiled steps; the device is synced at the trainer's boundaries). */
  phases: Partial<Record<Phase, number>>;
  profiledSteps: number;
}

/**
 * `warmup` unmeasured steps (shader compilation, buffer pools), then `steps` plain steps
 * (ms, reads, kernels per step), then `profiled` steps with the phase split. No step evaluates
 * (the early evaluations at steps 1, 2, 4, … would fall inside otherwise); evaluation is timed
 * on its own.
 */
export async function timeSteps(trainer: Trainer, warmup: number, steps: number, profiled: number): Promise<StepTiming> {
  const c = counter();
  for (let i = 0; i < warmup; i++) await trainer.trainStep({ evaluate: false });
  const before = c.snapshot();
  const started = performance.now();
  for (let i = 0; i < steps; i++) await trainer.trainStep({ evaluate: false });
  const ms = performance.now() - started;
  const after = c.snapshot();
  const sums: Partial<Record<Phase, number>> = {};
  setPhaseSink((phase, t) => {
    sums[phase] = (sums[phase] ?? 0) + t;
  });
  try {
    for (let i = 0; i < profiled; i++) await trainer.trainStep({ evaluate: false });
  } finally {
    setPhaseSink(null);
  }
  const end = c.snapshot();
  const phases: Partial<Record<Phase, number>> = {};
  for (const [k, v] of Object.entries(sums)) phases[k as Phase] = v / Math.max(1, profiled);
  // With no plain steps (webgpu on SwiftShader, where every step is dear), the profiled steps give
  // the figures: their ms per step is prepare + studentStep, both synced.
  const fromProfiled = steps === 0;
  const n = fromProfiled ? profiled : steps;
  const counted = fromProfiled
    ? { reads: end.reads - after.reads, kernels: end.kernels - after.kernels }
    : { reads: after.reads - before.reads, kernels: after.kernels - before.kernels };
  return {
    steps: n,
    msPerStep: fromProfiled ? (phases.prepare ?? 0) + (phases.studentStep ?? 0) : ms / steps,
    readsPerStep: counted.reads / n,
    kernelsPerStep: counted.kernels / n,
    phases,
    profiledSteps: profiled,
  };
}

/** One evaluation, profiled: ms, reads and kernels. */
export async function timeEvaluation(trainer: Trainer): Promise<{ ms: number; reads: number; kernels: number }> {
  const c = counter();
  const before = c.snapshot();
  let ms = 0;
  setPhaseSink((phase, t) => {
    if (phase === 'evaluation') ms += t;
  });
  try {
    await trainer.evaluate();
  } finally {
    setPhaseSink(null);
  }
  const after = c.snapshot();
  return { ms, reads: after.reads - before.reads, kernels: after.kernels - before.kernels };
}

export function memory(): { numTensors: number; numBytes: number; numBytesInGPU: number | null; numBytesInGPUAllocated: number | null } {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesInGPUAllocated?: number; numBytesAllocatedInGPU?: number };
  return {
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    numBytesInGPU: m.numBytesInGPU ?? null,
    numBytesInGPUAllocated: m.numBytesInGPUAllocated ?? m.numBytesAllocatedInGPU ?? null,
  };
}
