// AssemblyScript, compiled to WebAssembly by `npm run build:wasm` (src/cli/buildWasmKernels.ts):
// the batched matrix product for tfjs's wasm backend, in 128-bit SIMD, over the backend's own
// memory (imported, so no copies). tfjs-wasm 4.22 sends batched and transposed products to a
// scalar loop (about 2 GFLOP/s); at attention's sizes ([B·H, 16, 16]) this is 4–5× faster.
// Not TypeScript: v128, usize and load/store are AssemblyScript's.

/**
 * out[p] = op(A[p]) · op(B[p]) for p < batch, op(A) [M, K], op(B) [K, N], row-major float32.
 * A is stored [M, K], or [K, M] when transA; B is [K, N], or [N, K] when transB. aBatch or
 * bBatch is 1 for an operand broadcast over the batch, else batch. Pointers are byte offsets.
 */
export function batchMatMul(a: usize, b: usize, out: usize, batch: i32, M: i32, K: i32, N: i32, transA: i32, transB: i32, aBatch: i32, bBatch: i32): void {
  const aSize = (<usize>(M * K)) << 2;
  const bSize = (<usize>(K * N)) << 2;
  const oSize = (<usize>(M * N)) << 2;
  for (let p = 0; p < batch; p++) {
    const A = a + (aBatch == 1 ? 0 : <usize>p * aSize);
    const B = b + (bBatch == 1 ? 0 : <usize>p * bSize);
    const O = out + <usize>p * oSize;
    if (transB == 0) rowsTimesB(A, B, O, M, K, N, transA);
    else dotsWithRowsOfB(A, B, O, M, K, N, transA);
  }
}

/** B stored [K, N]: each output row is Σ_k A[i, k]·B[k, :], four columns at a time. */
function rowsTimesB(A: usize, B: usize, O: usize, M: i32, K: i32, N: i32, transA: i32): void {
  const n4 = N & ~3;
  for (let i = 0; i < M; i++) {
    const row = O + ((<usize>(i * N)) << 2);
    for (let j = 0; j < n4; j += 4) v128.store(row + ((<usize>j) << 2), f32x4.splat(0));
    for (let j = n4; j < N; j++) store<f32>(row + ((<usize>j) << 2), 0);
    for (let k = 0; k < K; k++) {
      const aik = load<f32>(A + ((<usize>(transA ? k * M + i : i * K + k)) << 2));
      const av = f32x4.splat(aik);
      const bRow = B + ((<usize>(k * N)) << 2);
      for (let j = 0; j < n4; j += 4) {
        const o = row + ((<usize>j) << 2);
        v128.store(o, f32x4.add(v128.load(o), f32x4.mul(av, v128.load(bRow + ((<usize>j) << 2)))));
      }
      for (let j = n4; j < N; j++) {
        const o = row + ((<usize>j) << 2);
        store<f32>(o, load<f32>(o) + aik * load<f32>(bRow + ((<usize>j) << 2)));
      }
    }
  }
}

/** B stored [N, K]: each output is the dot product of a row of op(A) with a row of B. */
function dotsWithRowsOfB(A: usize, B: usize, O: usize, M: i32, K: i32, N: i32, transA: i32): void {
  const k4 = K & ~3;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const bRow = B + ((<usize>(j * K)) << 2);
      let s: f32 = 0;
      if (transA == 0) {
        const aRow = A + ((<usize>(i * K)) << 2);
        let acc = f32x4.splat(0);
        for (let k = 0; k < k4; k += 4) {
          acc = f32x4.add(acc, f32x4.mul(v128.load(aRow + ((<usize>k) << 2)), v128.load(bRow + ((<usize>k) << 2))));
        }
        for (let k = k4; k < K; k++) s += load<f32>(aRow + ((<usize>k) << 2)) * load<f32>(bRow + ((<usize>k) << 2));
        s += f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      } else {
        for (let k = 0; k < K; k++) s += load<f32>(A + ((<usize>(k * M + i)) << 2)) * load<f32>(bRow + ((<usize>k) << 2));
      }
      store<f32>(O + ((<usize>(i * N + j)) << 2), s);
    }
  }
}
