// An optional profiling hook for the benchmark: the phases of a training step are timed only
// while a sink is installed; without one `timed` just calls its function, so results and
// speed are unchanged. Timings are wall clock of the synchronous code; on an asynchronous
// backend (webgpu) they measure dispatch, unless the caller syncs at the boundaries it owns.
import * as tf from '@tensorflow/tfjs';

/** 'prepare' is the whole of a method's batch building (sampling, teacher forward, critic, data). */
export type Phase = 'sampling' | 'teacherForward' | 'critic' | 'prepare' | 'studentStep' | 'evaluation';
export type PhaseSink = (phase: Phase, ms: number) => void;

let sink: PhaseSink | null = null;

/** Install (or remove, with null) the receiver of phase timings. */
export function setPhaseSink(s: PhaseSink | null): void {
  sink = s;
}

export function profiling(): boolean {
  return sink !== null;
}

export function timed<T>(phase: Phase, fn: () => T): T {
  if (!sink) return fn();
  const started = performance.now();
  const result = fn();
  sink(phase, performance.now() - started);
  return result;
}

export function report(phase: Phase, ms: number): void {
  sink?.(phase, ms);
}

/**
 * Wait until the device has finished all submitted work, without reading a tensor (no
 * GPU→CPU transfer). Only the webgpu backend queues work; on cpu and wasm this returns at once.
 */
export async function syncDevice(): Promise<void> {
  const backend = tf.backend() as unknown as {
    device?: { queue?: { onSubmittedWorkDone(): Promise<void> } };
    commandEncoder?: unknown;
    endComputePassEncoder?: () => void;
    submitQueue?: () => void;
  };
  if (!backend.device?.queue) return;
  // Flush what tfjs has recorded but not yet submitted (as its own read() does), then wait.
  if (backend.commandEncoder) {
    backend.endComputePassEncoder?.();
    backend.submitQueue?.();
  }
  await backend.device.queue.onSubmittedWorkDone();
}

/** Milliseconds from a monotonic clock where there is one. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
