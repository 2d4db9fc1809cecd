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
