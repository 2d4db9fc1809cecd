// Layer norm over the last axis as one wasm-backend kernel written in JavaScript over the
// module's heap: y = (x − mean)·rsqrt(var + ε)·g + b, the operations of Transformer's tf.moments
// version, which is about 10 kernels forward and 30 with its gradient and the tape's copies. At
// our widths (d 16–64) a kernel's fixed cost outweighs its arithmetic, so one loop is faster.
// Gradient as in ../webgpu/layerNorm.ts: three kernels, each recomputing the row statistics.
// For a row with x̂ = (x − mean)·r and ĝ = dy·g:
//   dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  dg = Σ_rows dy·x̂,  db = Σ_rows dy.
import * as tf from '@tensorflow/tfjs';
import { defineKernel, runKernel } from '../kernelRegistry';
import { heapViews } from './heap';

const FORWARD = 'AlembicWasmLayerNorm';
const GRAD_X = 'AlembicWasmLayerNormGradX';
const GRAD_G = 'AlembicWasmLayerNormGradGamma';
const GRAD_B = 'AlembicWasmLayerNormGradBeta';

function dims(x: tf.TensorInfo): { N: number; D: number } {
  const D = x.shape[x.shape.length - 1];
  return { N: x.shape.reduce((a, b) => a * b, 1) / D, D };
}

/** The mean of the D numbers from offset o. */
function rowMean(x: Float32Array, o: number, D: number): number {
  let s = 0;
  for (let c = 0; c < D; c++) s += x[o + c];
  return s / D;
}

/** rsqrt(var + ε) of the D numbers from offset o, the biased variance as tf.moments computes it. */
function rowRsqrt(x: Float32Array, o: number, D: number, mean: number, eps: number): number {
  let v = 0;
  for (let c = 0; c < D; c++) {
    const dv = x[o + c] - mean;
    v += dv * dv;
  }
  return 1 / Math.sqrt(v / D + eps);
}

function register(): void {
  defineKernel(
    FORWARD,
    ({ inputs, attrs, backend }) => {
      const { xs, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
      const eps = attrs!.eps as number;
      const { N, D } = dims(xs);
      const { out, views } = heapViews(backend, xs.shape, [xs, gamma, beta]);
      const [y, x, g, b] = views;
      for (let row = 0; row < N; row++) {
        const o = row * D;
        const mean = rowMean(x, o, D);
        const r = rowRsqrt(x, o, D, mean, eps);
        for (let c = 0; c < D; c++) y[o + c] = (x[o + c] - mean) * r * g[c] + b[c];
      }
      return out;
    },
    {
      inputsToSave: ['xs', 'gamma'],
      gradFunc: (dy, [xs, gamma], attrs) => ({
        xs: () => runKernel(GRAD_X, { dy, xs, gamma }, attrs),
        gamma: () => runKernel(GRAD_G, { dy, xs }, attrs),
        beta: () => runKernel(GRAD_B, { dy }, attrs),
      }),
    },
    'wasm',
  );
  defineKernel(
    GRAD_X,
    ({ inputs, attrs, backend }) => {
      const { dy, xs, gamma } = inputs as Record<string, tf.TensorInfo>;
      const eps = attrs!.eps as number;
      const { N, D } = dims(xs);
      const { out, views } = heapViews(backend, xs.shape, [dy, xs, gamma]);
      const [dx, d, x, g] = views;
      for (let row = 0; row < N; row++) {
        const o = row * D;
        const mean = rowMean(x, o, D);
        const r = rowRsqrt(x, o, D, mean, eps);
        let sg = 0;
        let sgx = 0;
        for (let c = 0; c < D; c++) {
          const gc = d[o + c] * g[c];
          sg += gc;
          sgx += gc * (x[o + c] - mean) * r;
        }
        const mg = sg / D;
        const mgx = sgx / D;
        for (let c = 0; c < D; c++) dx[o + c] = r * (d[o + c] * g[c] - mg - (x[o + c] - mean) * r * mgx);
      }
      return out;
    },
    undefined,
    'wasm',
  );
  defineKernel(
    GRAD_G,
    ({ inputs, attrs, backend }) => {
      const { dy, xs } = inputs as Record<string, tf.TensorInfo>;
      const eps = attrs!.eps as number;
      const { N, D } = dims(xs);
      const { out, views } = heapViews(backend, [D], [dy, xs]);
      const [dg, d, x] = views;
      dg.fill(0);
      for (let row = 0; row < N; row++) {
        const o = row * D;
        const mean = rowMean(x, o, D);
        const r = rowRsqrt(x, o, D, mean, eps);
        for (let c = 0; c < D; c++) dg[c] += d[o + c] * (x[o + c] - mean) * r;
      }
      return out;
    },
    undefined,
    'wasm',
  );
  defineKernel(
    GRAD_B,
    ({ inputs, backend }) => {
      const { dy } = inputs as Record<string, tf.TensorInfo>;
      const { N, D } = dims(dy);
      const { out, views } = heapViews(backend, [D], [dy]);
      const [db, d] = views;
      db.fill(0);
      for (let row = 0; row < N; row++) for (let c = 0; c < D; c++) db[c] += d[row * D + c];
      return out;
    },
    undefined,
    'wasm',
  );
}

/** Layer norm of `x` over its last axis with gain `g` and bias `b` (wasm only). */
export function wasmLayerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps = 1e-5): tf.Tensor {
  register();
  return runKernel(FORWARD, { xs: x, gamma: g, beta: b }, { eps });
}
