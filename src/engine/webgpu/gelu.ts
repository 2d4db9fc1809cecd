// GELU (tanh form, Hendrycks & Gimpel 2016) in one WebGPU dispatch, with the operations of
// layers.ts's `gelu` (x·sigmoid(2z), 2z = x·(k + 0.044715k·x²), k = 2√(2/π)); that version is
// five kernels. Gradient, one dispatch: with s = sigmoid(2z),
//   d/dx = s + x·s·(1 − s)·(k + 3·0.044715k·x²).
import * as tf from '@tensorflow/tfjs';
import { runProgram } from './device';
import { f32, threadProgram } from './program';
import { defineKernel, runKernel } from './registry';

const FORWARD = 'AlembicGelu';
const GRAD = 'AlembicGeluGrad';
const K = 2 * Math.sqrt(2 / Math.PI);
const C = 0.044715 * K;

const twoZ = `fn twoZ(x : f32) -> f32 { return (x * x * ${f32(C)} + ${f32(K)}) * x; }`;

function register(): void {
  defineKernel(
    FORWARD,
    ({ inputs }) => {
      const { xs } = inputs as Record<string, tf.TensorInfo>;
      const n = xs.shape.reduce((a, b) => a * b, 1);
      return runProgram(
        threadProgram({
          key: `gelu_${n}`,
          inputs: ['xs'],
          outputShape: xs.shape,
          threads: n,
          helpers: twoZ,
          body: `  result[index] = xs[index] * sigmoidOf(twoZ(xs[index]));`,
        }),
        [xs],
      );
    },
    { inputsToSave: ['xs'], gradFunc: (dy, [xs]) => ({ xs: () => runKernel(GRAD, { dy, xs }) }) },
  );
  defineKernel(GRAD, ({ inputs }) => {
    const { dy, xs } = inputs as Record<string, tf.TensorInfo>;
    const n = xs.shape.reduce((a, b) => a * b, 1);
    return runProgram(
      threadProgram({
        key: `gelug_${n}`,
        inputs: ['dy', 'xs'],
        outputShape: xs.shape,
        threads: n,
        helpers: twoZ,
        body: `
  let x = xs[index];
  let s = sigmoidOf(twoZ(x));
  result[index] = dy[index] * (s + x * s * (1.0 - s) * (${f32(K)} + ${f32(3 * C)} * x * x));`,
      }),
      [dy, xs],
    );
  });
}

/** GELU of every element (webgpu only). */
export function fusedGelu(x: tf.Tensor): tf.Tensor {
  register();
  return runKernel(FORWARD, { xs: x });
}
