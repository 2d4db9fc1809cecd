// On-policy distillation as practised since 2025 (Lu et al., "On-Policy Distillation", Thinking
// Machines Lab, 2025; the strong-to-weak stage of the Qwen3 technical report, arXiv 2505.09388;
// TRL's DistillationTrainer). The student samples; the teacher scores every sampled token. See
// docs/methods.md, "On-policy distillation". Two forms:
//   dense:   reverse KL over the whole vocabulary at every student prefix, Σ_v q log(q/p);
//   sampled: the per-token reverse KL of the sampled token, k_t = log q(y_t) − log p(y_t), is the
//            negative advantage of a policy gradient, A_t = −Σ_{t'≥t} γ^(t'−t) k_{t'}
//            (γ = 0 by default: each token's own −k_t).
import * as tf from '@tensorflow/tfjs';
import { tokenDivergence } from './divergences';
import { maskedMean } from './likelihood';
import { stopGradient } from './stopGradient';

export interface OpdArgs {
  studentLogits: tf.Tensor3D;
  teacherLogits: tf.Tensor3D;
  /** [B, T] int32: the sampled token y_t that logits[:, t] predict. */
  targets: tf.Tensor2D;
  /** [B, T]: 1 at sampled continuation positions. */
  mask: tf.Tensor2D;
}

/** Dense on-policy distillation: the batch mean of reverse KL(q‖p) over valid positions. */
export function opdDenseLoss(args: OpdArgs): tf.Scalar {
  return tf.tidy(() => maskedMean(tokenDivergence('rkl', stopGradient(args.teacherLogits), args.studentLogits), args.mask));
}

/**
 * Sampled on-policy distillation. The returned scalar's VALUE is the batch mean of the sampled
 * per-token reverse KL, mean_t k_t (what the loss chart shows); its GRADIENT is that of the
 * policy-gradient surrogate −mean_t sg(A_t)·log q_θ(y_t|s_t). Both teacher and sampled
 * log-probabilities are constants inside A_t; there is no baseline or whitening (Tinker's
 * recipe uses the raw −k_t).
 */
export function opdSampledLoss(args: OpdArgs & { gamma: number }): tf.Scalar {
  const { gamma } = args;
  if (!(gamma >= 0 && gamma <= 1)) throw new Error(`opdSampledLoss: gamma must be in [0, 1], got ${gamma}`);
  return tf.tidy(() => {
    const V = args.studentLogits.shape[2];
    const T = args.studentLogits.shape[1];
    const mask = args.mask.toFloat();
    const pick = tf.oneHot(args.targets.toInt(), V).toFloat();
    const logqY = pick.mul(tf.logSoftmax(args.studentLogits)).sum(-1); // with gradient
    const logpY = pick.mul(tf.logSoftmax(stopGradient(args.teacherLogits))).sum(-1);
    const k = stopGradient(logqY).sub(logpY).mul(mask); // k_t, a constant
    const advantage = futureSums(k, gamma, T).neg().mul(mask);
    const n = mask.sum().maximum(1);
    const surrogate = advantage.mul(logqY).sum().div(n).neg();
    const estimate = k.sum().div(n);
    // value: estimate; gradient: the surrogate's (its value is subtracted back out as a constant).
    return surrogate.sub(stopGradient(surrogate)).add(estimate) as tf.Scalar;
  });
}

/** Σ_{t'≥t} γ^(t'−t)·x_{t'} along the last axis, as a product with a fixed [T, T] matrix. */
function futureSums(x: tf.Tensor, gamma: number, T: number): tf.Tensor {
  if (gamma === 0) return x;
  const weights = new Float32Array(T * T);
  for (let src = 0; src < T; src++) for (let dst = 0; dst <= src; dst++) weights[src * T + dst] = Math.pow(gamma, src - dst);
  return x.matMul(tf.tensor2d(weights, [T, T]));
}
