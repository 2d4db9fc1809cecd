// The transformer's two building blocks beyond tf's own ops: a dense layer whose gradient the
// wasm backend runs fast, and the GELU nonlinearity. On webgpu both take fewer dispatches: the
// product and its bias are one fused kernel, GELU is one kernel of our own (../webgpu/gelu.ts).
import * as tf from '@tensorflow/tfjs';
import { onWebGpu } from '../webgpu/device';
import { fusedGelu } from '../webgpu/gelu';

/**
 * x [..., din] · w [din, dout] + b. Under a gradient tape the product's gradient transposes
 * explicitly (see `product`); with no tape (sampling, teacher logits, evaluation) tfjs's own.
 */
export function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const flat = x.reshape([-1, shape[shape.length - 1]]) as tf.Tensor2D;
  if (onWebGpu()) {
    // One dispatch forward (product and bias), three backward (dx, dw and db; the matMul
    // shader reads transposed operands in place, so no transposes are dispatched).
    const y = tf.fused.matMul({ a: flat, b: w as tf.Tensor2D, bias: b });
    return y.reshape([...shape.slice(0, -1), w.shape[1] as number]);
  }
  const xw = recordingGradients() ? product(flat, w as tf.Tensor2D) : flat.matMul(w as tf.Tensor2D);
  const y = b ? xw.add(b) : xw;
  return y.reshape([...shape.slice(0, -1), w.shape[1] as number]);
}

/**
 * x [n, din] · w [din, dout] whose gradient keeps every product plain (no transpose flag, no
 * batch): dx = dy · transpose(w), dw = transpose(x) · dy. The wasm backend runs only plain 2-D
 * products on XNNPACK; transposed ones (tfjs's own matMul gradient) take a scalar loop ~20×
 * slower. The two explicit transposes are cheap copies.
 */
type GradientFunc = Parameters<typeof tf.customGrad>[0];
const product = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: (x as tf.Tensor2D).matMul(w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
      (dy as tf.Tensor2D).matMul(ws.transpose() as tf.Tensor2D),
      (xs.transpose() as tf.Tensor2D).matMul(dy as tf.Tensor2D),
    ],
  };
}) as unknown as GradientFunc) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** Whether a gradient tape records the ops run now (inside tf.grad / variableGrads). */
export function recordingGradients(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

/** 2·√(2/π): GELU's tanh argument, doubled for the sigmoid form below. */
const GELU_SCALE = 2 * Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (Hendrycks & Gimpel 2016): 0.5·x·(1 + tanh z) with
 * z = √(2/π)(x + 0.044715x³). Computed as x·sigmoid(2z), the same function exactly
 * (0.5(1 + tanh z) = sigmoid(2z)), and 2z = x·(k + 0.044715k·x²) with k = 2√(2/π): a square
 * instead of `pow` and a sigmoid instead of tanh, both far cheaper on wasm, in 5 kernels.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (onWebGpu()) return fusedGelu(x);
  const twoZ = x
    .square()
    .mul(0.044715 * GELU_SCALE)
    .add(GELU_SCALE)
    .mul(x);
  return x.mul(tf.sigmoid(twoZ));
}
