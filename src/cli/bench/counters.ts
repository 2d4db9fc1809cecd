// Counters for the benchmark only: GPU→CPU reads (every read that reaches the backend: tensor
// data()/array() and their sync forms) and kernels dispatched (every kernel the engine runs,
// gradients included). Installed by patching the engine instance; `uninstall` restores it.
import * as tf from '@tensorflow/tfjs';

export interface Counts {
  reads: number;
  kernels: number;
}

export interface Counters {
  snapshot(): Counts;
  uninstall(): void;
}

export function installCounters(): Counters {
  const engine = tf.engine() as unknown as Record<string, (...args: unknown[]) => unknown>;
  const counts: Counts = { reads: 0, kernels: 0 };
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
