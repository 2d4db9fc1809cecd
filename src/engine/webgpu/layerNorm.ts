// Layer norm over the last axis in one WebGPU dispatch: y = (x − mean)·rsqrt(var + ε)·g + b, the
// same operations as Transformer's tf.moments version (about 10 kernels). Its gradient is three
// dispatches (dx per row; dg and db per column), each recomputing the row statistics rather
// than keeping them: one output per program, and recomputing d numbers is cheaper than a
// dispatch. For a row with x̂ = (x − mean)·r and ĝ = dy·g:
//   dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  dg = Σ_rows dy·x̂,  db = Σ_rows dy.
import * as tf from '@tensorflow/tfjs';
import { runProgram } from './device';
import { f32, threadProgram } from './program';
import { defineKernel, runKernel } from './registry';

const FORWARD = 'AlembicLayerNorm';
const GRAD_X = 'AlembicLayerNormGradX';
const GRAD_G = 'AlembicLayerNormGradGamma';
const GRAD_B = 'AlembicLayerNormGradBeta';

/** WGSL: mean and r = rsqrt(var + ε) of row `row` of `src` (D columns), as tf.moments computes them. */
function rowStats(D: number, eps: number): string {
  return `
fn rowMean(row : i32) -> f32 {
  var s = 0.0;
  for (var c = 0; c < ${D}; c++) { s += xs[row * ${D} + c]; }
  return s / ${f32(D)};
}
fn rowRsqrt(row : i32, mean : f32) -> f32 {
  var s = 0.0;
  for (var c = 0; c < ${D}; c++) { let dv = xs[row * ${D} + c] - mean; s += dv * dv; }
  return inverseSqrt(s / ${f32(D)} + ${f32(eps)});
}`;
}

function dims(x: tf.TensorInfo): { N: number; D: number } {
  const D = x.shape[x.shape.length - 1];
  return { N: x.shape.reduce((a, b) => a * b, 1) / D, D };
}

function register(): void {
  defineKernel(
    FORWARD,
    ({ inputs, attrs }) => {
      const { xs, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
      const eps = attrs!.eps as number;
      const { N, D } = dims(xs);
      return runProgram(
        threadProgram({
          key: `ln_${N}_${D}_${eps}`,
          inputs: ['xs', 'gamma', 'beta'],
          outputShape: xs.shape,
          threads: N,
          helpers: rowStats(D, eps),
          body: `
  let mean = rowMean(index);
  let r = rowRsqrt(index, mean);
  for (var c = 0; c < ${D}; c++) {
    let i = index * ${D} + c;
    result[i] = (xs[i] - mean) * r * gamma[c] + beta[c];
  }`,
        }),
        [xs, gamma, beta],
      );
    },
    {
      inputsToSave: ['xs', 'gamma'],
      gradFunc: (dy, [xs, gamma], attrs) => ({
        xs: () => runKernel(GRAD_X, { dy, xs, gamma }, attrs),
        gamma: () => runKernel(GRAD_G, { dy, xs }, attrs),
        beta: () => runKernel(GRAD_B, { dy }, attrs),
      }),
    },
  );
  defineKernel(GRAD_X, ({ inputs, attrs }) => {
    const { dy, xs, gamma } = inputs as Record<string, tf.TensorInfo>;
    const eps = attrs!.eps as number;
    const { N, D } = dims(xs);
    return runProgram(
      threadProgram({
        key: `lngx_${N}_${D}_${eps}`,
        inputs: ['dy', 'xs', 'gamma'],
        outputShape: xs.shape,
        threads: N,
        helpers: rowStats(D, eps),
        body: `
  let mean = rowMean(index);
  let r = rowRsqrt(index, mean);
  var sg = 0.0;
  var sgx = 0.0;
  for (var c = 0; c < ${D}; c++) {
    let i = index * ${D} + c;
    let g = dy[i] * gamma[c];
    sg += g;
    sgx += g * (xs[i] - mean) * r;
  }
  let mg = sg / ${f32(D)};
  let mgx = sgx / ${f32(D)};
  for (var c = 0; c < ${D}; c++) {
    let i = index * ${D} + c;
    result[i] = r * (dy[i] * gamma[c] - mg - (xs[i] - mean) * r * mgx);
  }`,
      }),
      [dy, xs, gamma],
    );
  });
  defineKernel(GRAD_G, ({ inputs, attrs }) => {
    const { dy, xs } = inputs as Record<string, tf.TensorInfo>;
    const eps = attrs!.eps as number;
    const { N, D } = dims(xs);
    return runProgram(
      threadProgram({
        key: `lngg_${N}_${D}_${eps}`,
        inputs: ['dy', 'xs'],
        outputShape: [D],
        threads: D,
        helpers: rowStats(D, eps),
        body: `
  var s = 0.0;
  for (var row = 0; row < ${N}; row++) {
    let mean = rowMean(row);
    let r = rowRsqrt(row, mean);
    let i = row * ${D} + index;
    s += dy[i] * (xs[i] - mean) * r;
  }
  result[index] = s;`,
      }),
      [dy, xs],
    );
  });
  defineKernel(GRAD_B, ({ inputs }) => {
    const { dy } = inputs as Record<string, tf.TensorInfo>;
    const { N, D } = dims(dy);
    return runProgram(
      threadProgram({
        key: `lngb_${N}_${D}`,
        inputs: ['dy'],
        outputShape: [D],
        threads: D,
        body: `
  var s = 0.0;
  for (var row = 0; row < ${N}; row++) { s += dy[row * ${D} + index]; }
  result[index] = s;`,
      }),
      [dy],
    );
  });
}

/** Layer norm of `x` over its last axis with gain `g` and bias `b` (webgpu only). */
export function fusedLayerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps = 1e-5): tf.Tensor {
  register();
  return runKernel(FORWARD, { xs: x, gamma: g, beta: b }, { eps });
}
