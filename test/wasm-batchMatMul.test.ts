// Our SIMD batched product on the wasm backend (src/engine/wasm/batchMatMul.ts): the committed
// binaries are what the AssemblyScript source compiles to; every transpose combination, odd sizes
// (columns and depth not a multiple of the SIMD width) and a broadcast batch against float64
// products computed here; unbatched products left to tfjs; no tensor left behind.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../src/engine/backend';
import { Rng } from '../src/engine/rng';
import { batchedProduct } from '../src/engine/wasm/batchMatMul';
import { BINARIES_FILE, binariesModule, compileKernels } from '../src/cli/wasmKernels';
import { BATCH_MATMUL_PLAIN, BATCH_MATMUL_SHARED } from '../src/engine/wasm/kernelBinaries';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** op(A[p]) · op(B[p]) in float64, A and B stored as tfjs holds them (row-major). */
function product64(
  a: Float32Array,
  b: Float32Array,
  batch: number,
  M: number,
  K: number,
  N: number,
  tA: boolean,
  tB: boolean,
  aBatch: number,
  bBatch: number,
): Float64Array {
  const out = new Float64Array(batch * M * N);
  for (let p = 0; p < batch; p++) {
    const ao = aBatch === 1 ? 0 : p * M * K;
    const bo = bBatch === 1 ? 0 : p * K * N;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[ao + (tA ? k * M + i : i * K + k)] * b[bo + (tB ? j * K + k : k * N + j)];
        out[p * M * N + i * N + j] = s;
      }
  }
  return out;
}

describe('batched product on wasm', () => {
  it('the committed binaries are the compiled source (run npm run build:wasm if not)', async () => {
    const { plain, shared } = await compileKernels();
    expect(readFileSync(BINARIES_FILE, 'utf8')).toBe(binariesModule(plain, shared));
  }, 60_000);

  // The threaded page's memory is shared, which only the shared binary can import; Node's wasm
  // backend is the plain build, so both binaries are run here over memories of our own.
  for (const [name, binary, shared] of [
    ['plain', BATCH_MATMUL_PLAIN, false],
    ['shared', BATCH_MATMUL_SHARED, true],
  ] as const) {
    it(`the ${name} binary imports a ${name} memory and multiplies in it`, () => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared });
      const bytes = Uint8Array.from(atob(binary), (c) => c.charCodeAt(0));
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      const f32 = new Float32Array(memory.buffer);
      // Two batches of [2, 3]·[3, 2] at byte offsets 0, 256 and 512.
      const a = [1, 2, 3, 4, 5, 6, -1, 0, 1, 0, 2, 0];
      const b = [1, 0, 0, 1, 1, 1, 2, 1, 0, 3, 1, 0];
      f32.set(a, 0);
      f32.set(b, 64);
      (exports.batchMatMul as (...args: number[]) => void)(0, 256, 512, 2, 2, 3, 2, 0, 0, 2, 2);
      // By hand: [[1+3, 2+3], [4+6, 5+6]] and [[-2+1, -1+0], [0, 6]].
      expect(Array.from(f32.subarray(128, 136))).toEqual([4, 5, 10, 11, -1, -1, 0, 6]);
    });
  }

  const cases: Array<{ outerA: number[]; outerB: number[]; M: number; K: number; N: number }> = [
    { outerA: [2, 3], outerB: [2, 3], M: 16, K: 16, N: 16 }, // attention's shape, smaller batch
    { outerA: [4], outerB: [4], M: 3, K: 5, N: 7 }, // nothing a multiple of 4
    { outerA: [5], outerB: [1], M: 6, K: 9, N: 10 }, // B broadcast over the batch
    { outerA: [1], outerB: [3], M: 1, K: 8, N: 13 }, // A broadcast, one row (decoding)
  ];
  for (const c of cases)
    for (const [tA, tB] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      it(`${JSON.stringify(c)} transposeA ${tA} transposeB ${tB}`, async () => {
        await chooseBackend(['wasm']);
        expect(tf.getBackend()).toBe('wasm');
        const { outerA, outerB, M, K, N } = c;
        const rng = new Rng(M * 100 + K * 10 + N);
        const aBatch = outerA.reduce((x, y) => x * y, 1);
        const bBatch = outerB.reduce((x, y) => x * y, 1);
        const aVals = rng.normals(aBatch * M * K, 1);
        const bVals = rng.normals(bBatch * K * N, 1);
        const before = tf.memory().numTensors;
        const a = tf.tensor(aVals, [...outerA, ...(tA ? [K, M] : [M, K])]);
        const b = tf.tensor(bVals, [...outerB, ...(tB ? [N, K] : [K, N])]);
        // Our kernel takes it (not tfjs's loop), and tf.matMul reaches it.
        const direct = batchedProduct({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA: tA, transposeB: tB } });
        expect(direct).not.toBeNull();
        tf.engine().makeTensorFromTensorInfo(direct!).dispose();
        const y = tf.matMul(a, b, tA, tB);
        const batch = Math.max(aBatch, bBatch);
        expect(y.shape).toEqual([...(aBatch >= bBatch ? outerA : outerB), M, N]);
        const got = await y.data();
        tf.dispose([a, b, y]);
        expect(tf.memory().numTensors).toBe(before);
        const want = product64(aVals, bVals, batch, M, K, N, tA, tB, aBatch, bBatch);
        expect(got.length).toBe(want.length);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        expect(worst).toBeLessThan(1e-5 * K);
      });
    }

  it('takes an unbatched transposed product, and leaves an untransposed one to tfjs (XNNPACK)', async () => {
    await chooseBackend(['wasm']);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const w = tf.tensor2d([1, 0, -1, 2, 1, 0], [3, 2]);
    const taken = batchedProduct({ inputs: { a: x, b: w }, backend: tf.backend(), attrs: { transposeA: true, transposeB: false } });
    expect(taken).not.toBeNull();
    tf.engine().makeTensorFromTensorInfo(taken!).dispose();
    // xᵀ·w by hand: [[1·1 + 3·(−1) + 5·1, 1·0 + 3·2 + 5·0], [2·1 + 4·(−1) + 6·1, 2·0 + 4·2 + 6·0]].
    const y = tf.matMul(x, w, true, false);
    expect(Array.from(await y.data())).toEqual([3, 6, 4, 8]);
    tf.dispose([x, w, y]);
  });

  it('leaves unbatched untransposed products to tfjs (XNNPACK)', async () => {
    await chooseBackend(['wasm']);
    const a = tf.ones([1, 4, 3]);
    const b = tf.ones([3, 5]);
    expect(batchedProduct({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA: false, transposeB: false } })).toBeNull();
    const y = tf.matMul(a, b);
    expect(Array.from(await y.data())).toEqual(new Array(20).fill(3));
    tf.dispose([a, b, y]);
  });
});
