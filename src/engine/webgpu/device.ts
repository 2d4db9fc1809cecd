// The few parts of TensorFlow.js's WebGPU backend (4.22, pinned) that the fused kernels use:
// running a WGSL program through the backend (so tfjs owns buffers, pipelines and batching) and
// copying between tensors' GPU buffers inside tfjs's own command encoder (a copy is not a
// dispatch). The backend package is never imported here: everything goes through the backend
// object tfjs already runs, typed by the structural interface below.
import * as tf from '@tensorflow/tfjs';

/** A WGSL program as tfjs-backend-webgpu runs it (its `WebGPUProgram`). */
export interface GpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  getUserCode(): string;
}

export type ProgramUniforms = Array<{ type: 'float32' | 'int32' | 'uint32'; data: number[] }>;

interface GpuBufferLike {
  size: number;
}

interface TensorData {
  resource: GpuBufferLike | null;
  refCount: number;
}

/** The members of tfjs-backend-webgpu's WebGPUBackend used here. */
interface WebGpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  tensorMap: { get(dataId: tf.DataId): TensorData };
  commandEncoder: { copyBufferToBuffer(src: GpuBufferLike, srcOffset: number, dst: GpuBufferLike, dstOffset: number, size: number): void } | null;
  commandQueueOwnedIds: WeakSet<object>;
  runWebGPUProgram(program: GpuProgram, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: ProgramUniforms, output?: tf.TensorInfo): tf.TensorInfo;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  uploadToGPU(dataId: tf.DataId): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/**
 * Dispatches tfjs records per queue submission on webgpu (its default is 15). A step's read
 * submits whatever is left, and with no read per step the only cost of a larger batch is that
 * the GPU starts on a batch later; see docs/bench ("Dispatches per step on webgpu") for the
 * submissions per step and SwiftShader times at 15 to 128.
 */
export const SUBMIT_BATCH = 64;

/** Use SUBMIT_BATCH (or `n`) on webgpu; tfjs reads the flag at every dispatch. */
export function useSubmitBatch(n = SUBMIT_BATCH): void {
  if (onWebGpu()) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', n);
}

/** Whether the fused WebGPU kernels apply: the webgpu backend is the one running. */
export function onWebGpu(): boolean {
  return tf.getBackend() === 'webgpu';
}

export function webGpuBackend(): WebGpuBackendLike {
  if (!onWebGpu()) throw new Error(`The fused kernels run on the webgpu backend only (the backend is ${tf.getBackend()})`);
  return tf.backend() as unknown as WebGpuBackendLike;
}

/** Run `program` on `inputs` into a new tensor of `program.outputShape`. */
export function runProgram(program: GpuProgram, inputs: tf.TensorInfo[], dtype: tf.DataType = 'float32', uniforms?: ProgramUniforms): tf.TensorInfo {
  return webGpuBackend().runWebGPUProgram(program, inputs, dtype, uniforms);
}

/**
 * Run `program` writing into `target`'s own buffer (in place): the shader reads and writes
 * `result`, which is bound read-write. Only for a tensor this caller owns alone.
 */
export function runProgramInPlace(program: GpuProgram, inputs: tf.TensorInfo[], target: tf.Tensor, uniforms?: ProgramUniforms): void {
  const backend = webGpuBackend();
  const data = backend.tensorMap.get(target.dataId);
  if (data.refCount !== 1) throw new Error('runProgramInPlace: the target tensor shares its buffer');
  backend.runWebGPUProgram(program, inputs, target.dtype, uniforms, { dataId: target.dataId, shape: target.shape, dtype: target.dtype });
}

/** A tensor with a fresh GPU buffer and undefined contents, to be filled by copies. */
export function emptyGpuTensor(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
  const backend = webGpuBackend();
  const info = backend.makeTensorInfo(shape, dtype);
  backend.uploadToGPU(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/**
 * Queue copies of whole tensors (or the given element ranges) into `target` at element
 * offsets, in tfjs's command encoder: they run in order with the kernels around them, and no
 * buffer involved is recycled before the queue is submitted. 4-byte elements only.
 */
export function copyInto(target: tf.Tensor, parts: Array<{ source: tf.Tensor; at: number; from?: number; count?: number }>): void {
  const backend = webGpuBackend();
  backend.uploadToGPU(target.dataId);
  for (const p of parts) backend.uploadToGPU(p.source.dataId);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  const dst = backend.tensorMap.get(target.dataId).resource!;
  for (const p of parts) {
    const count = p.count ?? p.source.size;
    if (count === 0) continue;
    const src = backend.tensorMap.get(p.source.dataId).resource!;
    backend.commandEncoder!.copyBufferToBuffer(src, 4 * (p.from ?? 0), dst, 4 * p.at, 4 * count);
    backend.commandQueueOwnedIds.add(p.source.dataId as object);
  }
  backend.commandQueueOwnedIds.add(target.dataId as object);
}

/** Hand everything recorded so far to the GPU queue (tfjs otherwise batches until a read or a full batch). */
export function flushQueue(): void {
  if (!onWebGpu()) return;
  const backend = webGpuBackend();
  if (backend.commandEncoder) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}
