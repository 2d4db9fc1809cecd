// The wasm backend's BatchMatMul kernel, with batched and transposed products moved to our SIMD
// kernel (./assembly/batchMatMul.ts). tfjs-wasm 4.22 runs an unbatched, untransposed product on
// XNNPACK but every other (attention's scores and mixes, forward and backward; tf's own product
// gradients) on a scalar loop at 1–2 GFLOP/s. Ours runs them 4–6× faster over the backend's own
// memory (docs/bench/wasm-kernels.md). The rest still goes to tfjs's kernel.
import * as tf from '@tensorflow/tfjs';
import { BATCH_MATMUL_PLAIN, BATCH_MATMUL_SHARED } from './kernelBinaries';

/** The members of tfjs-backend-wasm's BackendWasm (4.22, pinned) used here. */
interface WasmBackendLike {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

type Product = (
  a: number,
  b: number,
  out: number,
  batch: number,
  M: number,
  K: number,
  N: number,
  transA: number,
  transB: number,
  aBatch: number,
  bBatch: number,
) => void;

const products = new WeakMap<object, Product | null>();

/** Our kernel instantiated over this backend's memory (once per backend), or null if it has none. */
function productFor(backend: WasmBackendLike): Product | null {
  if (products.has(backend)) return products.get(backend)!;
  // The threaded build creates its memory in JavaScript (wasmMemory); the plain one exports it.
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  let product: Product | null = null;
  if (memory instanceof WebAssembly.Memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Uint8Array.from(atob(shared ? BATCH_MATMUL_SHARED : BATCH_MATMUL_PLAIN), (c) => c.charCodeAt(0));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    product = instance.exports.batchMatMul as Product;
  }
  products.set(backend, product);
  return product;
}

const size = (dims: number[]) => dims.reduce((x, y) => x * y, 1);

/** The product on our kernel, or null to leave it to tfjs's. */
export function batchedProduct(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo | null {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const transA = Boolean(args.attrs?.transposeA);
  const transB = Boolean(args.attrs?.transposeB);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = size(outerA);
  const batchB = size(outerB);
  // Unbatched and untransposed: XNNPACK's product, about twice as fast as ours. Batches that
  // neither match nor broadcast: tfjs's error.
  if ((Math.max(batchA, batchB) <= 1 && !transA && !transB) || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return null;
  const [a1, a2] = a.shape.slice(-2);
  const [b1, b2] = b.shape.slice(-2);
  const [M, K] = transA ? [a2, a1] : [a1, a2];
  const [Kb, N] = transB ? [b2, b1] : [b1, b2];
  if (K !== Kb || M * K * N === 0) return null;
  const backend = args.backend as WasmBackendLike;
  const product = productFor(backend);
  if (!product) return null;
  const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const out = backend.makeOutput([...outer, M, N], 'float32');
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  product(at(a), at(b), at(out), Math.max(batchA, batchB), M, K, N, transA ? 1 : 0, transB ? 1 : 0, batchA, batchB);
  return out;
}

let installed = false;

/** Route the wasm backend's batched products to our kernel; call once the wasm backend is registered. */
export function installWasmBatchMatMul(): void {
  if (installed) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original) return;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: (args) => batchedProduct(args) ?? (original.kernelFunc(args) as tf.TensorInfo) });
  installed = true;
}
