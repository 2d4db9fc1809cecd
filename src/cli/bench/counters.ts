// Counters for the benchmark only: GPU→CPU reads (every read that reaches the backend: tensor
// data()/array() and their sync forms) and kernels dispatched (every kernel the engine runs,
// gradients included), and the floating-point operations of matrix products (2·m·k·n each, the
// bulk of a step's arithmetic: for achieved GFLOP/s). Installed by patching the engine instance;
// `uninstall` restores it.
import * as tf from '@tensorflow/tfjs';

export interface Counts {
  reads: number;
  kernels: number;
  /** 2·m·k·n over every BatchMatMul / _FusedMatMul kernel. */
  matMulFlops: number;
}

interface KernelCall {
  kernelName?: string;
  inputs?: Record<string, { shape: number[] } | undefined>;
  attrs?: { transposeA?: boolean; transposeB?: boolean };
}

/** 2·m·k·n·batch of a (batched) matrix product's kernel call, 0 for any other kernel. */
export function matMulFlops(call: KernelCall): number {
  if (call.kernelName !== 'BatchMatMul' && call.kernelName !== '_FusedMatMul') return 0;
  const a = call.inputs?.a?.shape;
  const b = call.inputs?.b?.shape;
  if (!a || !b) return 0;
  const m = call.attrs?.transposeA ? a[a.length - 1] : a[a.length - 2];
  const k = call.attrs?.transposeA ? a[a.length - 2] : a[a.length - 1];
  const n = call.attrs?.transposeB ? b[b.length - 2] : b[b.length - 1];
  const batch = Math.max(
    a.slice(0, -2).reduce((x, y) => x * y, 1),
    b.slice(0, -2).reduce((x, y) => x * y, 1),
  );
  return 2 * batch * m * k * n;
}

export interface Counters {
  snapshot(): Counts;
  uninstall(): void;
}

export function installCounters(): Counters {
  const engine = tf.engine() as unknown as Record<string, (...args: unknown[]) => unknown>;
  const counts: Counts = { reads: 0, kernels: 0, matMulFlops: 0 };
  const originals = { read: engine.read, readSync: engine.readSync, runKernelFunc: engine.runKernelFunc };
  engine.read = function (...args: unknown[]) {
    counts.reads++;
    return originals.read.apply(this, args);
  };
  engine.readSync = function (...args: unknown[]) {
    counts.reads++;
    return originals.readSync.apply(this, args);
  };
  engine.runKernelFunc = function (...args: unknown[]) {
    counts.kernels++;
    counts.matMulFlops += matMulFlops(args[0] as KernelCall);
    return originals.runKernelFunc.apply(this, args);
  };
  return {
    snapshot: () => ({ ...counts }),
    uninstall() {
      engine.read = originals.read;
      engine.readSync = originals.readSync;
      engine.runKernelFunc = originals.runKernelFunc;
    },
  };
}

/** WebGPU dispatches (compute programs recorded) and queue submissions, with where they came from. */
export interface DispatchCounts {
  dispatches: number;
  submits: number;
  /** Per `kernel/program`: the tfjs kernel a dispatch ran in and its WGSL program's class. */
  byKernel: Record<string, number>;
  /** Per engine function that ran the op (file:function), or `backward: kernel` in a gradient. */
  bySource: Record<string, number>;
}

export interface DispatchCounter {
  snapshot(): DispatchCounts;
  uninstall(): void;
}

/**
 * The engine function (file:function) of the innermost src/engine frame of the current stack
 * outside the kernel plumbing (webgpu/: the kernel's name says which fused kernel it is).
 */
function engineSource(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 80;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack.split('\n').slice(3);
  const frame = frames.find((l) => l.includes('/src/engine/') && !l.includes('/src/engine/profile.ts') && !l.includes('/src/engine/webgpu/'));
  const m = frame?.match(/at (?:\S+\.)?(\S+) \(.*\/src\/engine\/(.*?):\d+/);
  return m ? `${m[2]}:${m[1] === '<anonymous>' ? '(inline)' : m[1]}` : 'outside the engine';
}

/**
 * Count what the current webgpu backend records: every program run (a dispatch) by the kernel
 * it ran in and the engine function behind it, and every queue submission. Reading the call
 * stack per dispatch is slow: for counting runs only.
 */
export function installDispatchCounter(): DispatchCounter {
  const backend = tf.backend() as unknown as Record<string, (...args: unknown[]) => unknown>;
  if (typeof backend.runWebGPUProgram !== 'function') throw new Error('installDispatchCounter: the backend is not webgpu');
  const engine = tf.engine() as unknown as Record<string, (...args: unknown[]) => unknown> & { state: { scopeStack: Array<{ name: string }> } };
  const counts: DispatchCounts = { dispatches: 0, submits: 0, byKernel: {}, bySource: {} };
  const kernels: string[] = [];
  const originals = { run: backend.runWebGPUProgram, submit: backend.submitQueue, kernel: engine.runKernelFunc };
  const add = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);
  engine.runKernelFunc = function (...args: unknown[]) {
    kernels.push((args[0] as KernelCall).kernelName ?? 'customGrad');
    try {
      return originals.kernel.apply(this, args);
    } finally {
      kernels.pop();
    }
  };
  backend.runWebGPUProgram = function (...args: unknown[]) {
    counts.dispatches++;
    const kernel = kernels[kernels.length - 1] ?? 'direct';
    add(counts.byKernel, `${kernel}/${(args[0] as object).constructor.name === 'Object' ? 'fused' : (args[0] as object).constructor.name}`);
    const backward = engine.state.scopeStack.some((s) => s.name === 'backward');
    add(counts.bySource, backward ? `backward: ${kernel}` : engineSource());
    return originals.run.apply(this, args);
  };
  backend.submitQueue = function (...args: unknown[]) {
    counts.submits++;
    return originals.submit.apply(this, args);
  };
  return {
    snapshot: () => ({ ...counts, byKernel: { ...counts.byKernel }, bySource: { ...counts.bySource } }),
    uninstall() {
      backend.runWebGPUProgram = originals.run;
      backend.submitQueue = originals.submit;
      engine.runKernelFunc = originals.kernel;
    },
  };
}
