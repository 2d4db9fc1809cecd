// FlatAdam's update on webgpu in one dispatch over one state buffer [m | v | p | norm, ok],
// N elements each for the first moments m, the second moments v and the parameters p, written
// in place. The arithmetic per element is FlatAdam's (tf.train.adam's) in the same order:
//   m ← m·β1 + g·(1 − β1),  v ← v·β2 + g²·(1 − β2),  p ← (m/c1) / (√(v/c2) + ε) · (−lr) + p,
// with g the gradient times its clip factor and c1, c2 the bias corrections (from the CPU).
//
// The guarded form is the trainer's student step with nothing read back first: one workgroup
// takes the gradient's global norm, clips it to maxNorm (g·maxNorm/‖g‖ when ‖g‖ > maxNorm),
// and applies the update only if the loss, the norm and the second loss are finite and no
// earlier guarded step was refused; it records ‖g‖ and that verdict (1 or 0) at state[3N],
// state[3N + 1]. Once refused, every later guarded step changes nothing until `resumeGuard`,
// so the weights stay the last good ones while the CPU learns of the refusal later.
import type * as tf from '@tensorflow/tfjs';
import { runProgramInPlace, type ProgramUniforms } from './device';
import { threadProgram, workgroupProgram } from './program';

export interface AdamConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β1ᵗ and 1 − β2ᵗ of this step. */
  correction1: number;
  correction2: number;
  learningRate: number;
}

const UNIFORMS = 'beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, c1 : f32, c2 : f32, eps : f32, negLr : f32, maxNorm : f32,';

function uniforms(k: AdamConstants, maxNorm = 0): ProgramUniforms {
  return [k.beta1, 1 - k.beta1, k.beta2, 1 - k.beta2, k.correction1, k.correction2, k.epsilon, -k.learningRate, maxNorm].map((x) => ({
    type: 'float32' as const,
    data: [x],
  }));
}

/** WGSL: one element's update with the scaled gradient `grad`. */
function update(N: number): string {
  return `
    let m = result[i] * uniforms.beta1 + grad * uniforms.oneMinusBeta1;
    let v = result[${N} + i] * uniforms.beta2 + (grad * grad) * uniforms.oneMinusBeta2;
    result[i] = m;
    result[${N} + i] = v;
    result[${2 * N} + i] = ((m / uniforms.c1) / (sqrt(v / uniforms.c2) + uniforms.eps)) * uniforms.negLr + result[${2 * N} + i];`;
}

/** Length of the state buffer for N parameters. */
export const adamStateSize = (N: number): number => 3 * N + 2;

/** One Adam step with the gradient `g` [N] times `scale` (a [1] tensor), no guard. */
export function adamUpdate(state: tf.Tensor, g: tf.Tensor, scale: tf.Tensor, k: AdamConstants): void {
  const N = g.size;
  runProgramInPlace(
    threadProgram({
      key: `adam_${N}`,
      inputs: ['g', 'scale'],
      outputShape: state.shape,
      threads: N,
      uniforms: UNIFORMS,
      body: `
  let i = index;
  let grad = g[i] * scale[0];
  ${update(N)}`,
    }),
    [g, scale],
    state,
    uniforms(k),
  );
}

const SIZE = 256;

/** The trainer's guarded, clipped step (see the header); `loss` and `side` are scalars. */
export function guardedAdamUpdate(state: tf.Tensor, g: tf.Tensor, loss: tf.Tensor, side: tf.Tensor, k: AdamConstants, maxNorm: number): void {
  const N = g.size;
  runProgramInPlace(
    workgroupProgram({
      key: `adamguarded_${N}`,
      inputs: ['g', 'loss', 'side'],
      outputShape: state.shape,
      size: SIZE,
      uniforms: UNIFORMS,
      helpers: `var<workgroup> partial : array<f32, ${SIZE}>;`,
      body: `
  var s = 0.0;
  for (var i = tid; i < ${N}; i += ${SIZE}) { let x = g[i]; s += x * x; }
  partial[tid] = s;
  workgroupBarrier();
  for (var stride = ${SIZE / 2}; stride > 0; stride = stride / 2) {
    if (tid < stride) { partial[tid] += partial[tid + stride]; }
    workgroupBarrier();
  }
  let norm = sqrt(partial[0]);
  let ok = finite(loss[0]) && finite(norm) && finite(side[0]) && result[${3 * N + 1}] > 0.5;
  let scale = select(1.0, uniforms.maxNorm / norm, norm > uniforms.maxNorm);
  if (ok) {
    for (var i = tid; i < ${N}; i += ${SIZE}) {
      let grad = g[i] * scale;
      ${update(N)}
    }
  }
  storageBarrier();
  workgroupBarrier();
  if (tid == 0) {
    result[${3 * N}] = norm;
    result[${3 * N + 1}] = select(0.0, 1.0, ok);
  }`,
    }),
    [g, loss, side],
    state,
    uniforms(k, maxNorm),
  );
}

/** Accept guarded steps again after a refusal (state[3N + 1] ← 1). */
export function resumeGuard(state: tf.Tensor, N: number): void {
  runProgramInPlace(
    threadProgram({ key: `adamresume_${N}`, inputs: [], outputShape: state.shape, threads: 1, body: `  result[${3 * N + 1}] = 1.0;` }),
    [],
    state,
  );
}
