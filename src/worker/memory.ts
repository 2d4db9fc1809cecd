// TensorFlow.js's memory counters as the status event reports them (GPU bytes where known).
import * as tf from '@tensorflow/tfjs';
import type { MemoryInfo } from './protocol';

export function memoryInfo(): MemoryInfo {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesInGPUAllocated?: number };
  return {
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    numBytesInGPU: m.numBytesInGPU ?? null,
    numBytesInGPUAllocated: m.numBytesInGPUAllocated ?? null,
  };
}
