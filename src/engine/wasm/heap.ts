// The two members of tfjs-backend-wasm's BackendWasm (4.22, pinned) that the fused wasm kernels
// use: allocating an output in the module's heap and viewing a tensor's heap bytes. The backend
// package is never imported here; the kernels get the backend object tfjs already runs.
import * as tf from '@tensorflow/tfjs';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Whether the fused wasm kernels apply: the wasm backend is the one running. */
export function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * A float32 output of `shape` and float32 views of it and of `inputs`, in that order. The views
 * are taken after the allocation: allocating may grow the heap, which detaches older views.
 */
export function heapViews(backend: tf.KernelBackend, shape: number[], inputs: tf.TensorInfo[]): { out: tf.TensorInfo; views: Float32Array[] } {
  const wasm = backend as unknown as WasmBackendLike;
  const out = wasm.makeOutput(shape, 'float32');
  const views = [out, ...inputs].map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
  return { out, views };
}
