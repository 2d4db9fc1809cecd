// MiniLLM: sequence-level reverse KL by policy gradient (Gu et al., "MiniLLM: Knowledge
// Distillation of Large Language Models", ICLR 2024, arXiv 2306.08543, §2.2, Eq. 5–7), on
// continuations sampled from the teacher-mixed policy p̃ = α p + (1−α) q. See docs/methods.md,
// "MiniLLM".
// Everything stays on the device; the returns are a [T, T] matrix product (tfjs 4.22's cumsum
// gradient is wrong on non-last axes, and a matrix product keeps shapes fixed).
import * as tf from '@tensorflow/tfjs';
import { logMixture, tokenDivergence } from './divergences';
import { stopGradient } from './stopGradient';

export interface MiniLlmArgs {
  studentLogits: tf.Tensor3D;
  teacherLogits: tf.Tensor3D;
  /** [B, T] int32: the sampled token y_t that logits[:, t] predict. */
  targets: tf.Tensor2D;
  /** [B, T]: 1 at sampled continuation positions. */
  mask: tf.Tensor2D;
  /** Teacher weight α of the sampling mixture (0.2 in the paper). */
  mixAlpha: number;
  /** Discount γ of the long-term return. */
  gamma: number;
  /** Divide each return by the number of tokens it sums. */
  lengthNorm: boolean;
  temperature?: number;
  /**
   * PPO-style clipping ε of the importance weight, off when null/undefined. With one update per
   * sample, PPO's clipped surrogate min(w·A, clip(w, 1−ε, 1+ε)·A) has zero gradient exactly at
   * tokens with A > 0, w > 1+ε or A < 0, w < 1−ε; those tokens are dropped from the surrogate.
   */
  clip?: number | null;
}

// A type alias (not an interface) so that it is a tf.TensorContainer for tf.tidy / tf.dispose.
export type MiniLlmLoss = {
  loss: tf.Scalar;
  pgLoss: tf.Scalar;
  singleStepLoss: tf.Scalar;
};

/** Variance floor of the whitening, as in TRL's whiten (rsqrt(var + 1e-8)). */
export const WHITEN_EPS = 1e-8;

/**
 * loss = −mean_t w_t·A_t·log q(y_t|s_t) + mean_t KL(q‖p)(s_t), means over the batch's valid
 * positions. w_t = q(y_t)/p̃(y_t) and A_t, the whitened return R_{t+1}, carry no gradient; the
 * single-step term is the exact expectation over y_t, differentiated through q. Teacher
 * logits are treated as constants.
 */
export function minillmLoss(args: MiniLlmArgs): MiniLlmLoss {
  const { mixAlpha: alpha, gamma, lengthNorm } = args;
  const tau = args.temperature ?? 1;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`minillmLoss: mixAlpha must be in [0, 1], got ${alpha}`);
  if (!(tau > 0)) throw new Error(`minillmLoss: temperature must be > 0, got ${tau}`);
  const V = args.studentLogits.shape[2];
  return tf.tidy(() => {
    const mask = args.mask.toFloat();
    const teacher = stopGradient(args.teacherLogits) as tf.Tensor3D;
    const logQ = tf.logSoftmax(args.studentLogits.div(tau));
    const logP = tf.logSoftmax(teacher.div(tau));
    const pick = tf.oneHot(args.targets.toInt(), V).toFloat();
    const logqY = pick.mul(logQ).sum(-1) as tf.Tensor2D; // log q(y_t|s_t), with gradient
    const logpY = pick.mul(logP).sum(-1);
    const logqYConst = stopGradient(logqY);

    let weight = importanceWeightsFromLogs(logpY, logqYConst, alpha);
    const rewards = logpY.sub(logqYConst).mul(mask); // r_t = log p − log q, no gradient
    const returns = discountedReturnsTensor(rewards, mask, gamma, lengthNorm);
    const advantage = whiten(returns, mask);

    const clip = args.clip;
    if (clip !== null && clip !== undefined && clip > 0) {
      // Indicators from sign() (it has a zero gradient; tfjs has none for greater/logicalOr,
      // and the tape needs one for every op between the inputs and the loss).
      const positive = (x: tf.Tensor) => tf.relu(tf.sign(x));
      const flat = positive(advantage)
        .mul(positive(weight.sub(1 + clip)))
        .add(positive(advantage.neg()).mul(positive(tf.scalar(1 - clip).sub(weight))));
      weight = weight.mul(tf.scalar(1).sub(flat));
    }

    const n = mask.sum().maximum(1);
    const pgLoss = weight.mul(advantage).mul(logqY).mul(mask).sum().div(n).neg() as tf.Scalar;
    const single = tokenDivergence('rkl', teacher, args.studentLogits, { temperature: tau });
    const singleStepLoss = single.mul(mask).sum().div(n) as tf.Scalar;
    return { loss: pgLoss.add(singleStepLoss) as tf.Scalar, pgLoss, singleStepLoss };
  });
}

/**
 * The per-token importance weights w_t = q(y_t|s_t) / (α p(y_t|s_t) + (1−α) q(y_t|s_t)), [B, T],
 * without gradient (softmax(logits/τ) for both models).
 */
export function importanceWeights(
  studentLogits: tf.Tensor3D,
  teacherLogits: tf.Tensor3D,
  targets: tf.Tensor2D,
  mixAlpha: number,
  temperature = 1,
): tf.Tensor2D {
  return tf.tidy(() => {
    const V = studentLogits.shape[2];
    const pick = tf.oneHot(targets.toInt(), V).toFloat();
    const logqY = pick.mul(tf.logSoftmax(studentLogits.div(temperature))).sum(-1);
    const logpY = pick.mul(tf.logSoftmax(teacherLogits.div(temperature))).sum(-1);
    return stopGradient(importanceWeightsFromLogs(logpY, logqY, mixAlpha)) as tf.Tensor2D;
  });
}

/** q/p̃ in log space: exp(log q − log(α p + (1−α) q)). */
function importanceWeightsFromLogs(logpY: tf.Tensor, logqY: tf.Tensor, alpha: number): tf.Tensor {
  return tf.exp(logqY.sub(logMixture(logpY, alpha, logqY)));
}

/**
 * R_{t+1} = Σ_{t'>t} γ^{t'−t−1} r_{t'} over valid t', optionally divided by the number of valid
 * t' > t (0 where there are none): [B, T] via [B, T]·[T, T] products. `rewards` [B, T] should be
 * zero at invalid positions or is masked here.
 */
export function discountedReturnsTensor(rewards: tf.Tensor2D | tf.Tensor, mask: tf.Tensor2D | tf.Tensor, gamma: number, lengthNorm: boolean): tf.Tensor2D {
  return tf.tidy(() => futureReturns(rewards.mul(mask), mask, gamma, lengthNorm, rewards.shape[1] as number));
}

function futureReturns(maskedRewards: tf.Tensor, mask: tf.Tensor, gamma: number, lengthNorm: boolean, T: number): tf.Tensor2D {
  const discount = new Float32Array(T * T);
  const after = new Float32Array(T * T);
  for (let src = 0; src < T; src++) {
    for (let dst = 0; dst < src; dst++) {
      discount[src * T + dst] = Math.pow(gamma, src - dst - 1); // row t' (source), column t
      after[src * T + dst] = 1;
    }
  }
  const G = tf.tensor2d(discount, [T, T]);
  const R = maskedRewards.matMul(G);
  if (!lengthNorm) return R as tf.Tensor2D;
  const count = mask.matMul(tf.tensor2d(after, [T, T]));
  return R.div(count.maximum(1)) as tf.Tensor2D;
}

/** (x − mean) / sqrt(var + ε) with mean and (population) variance over the valid positions. */
function whiten(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const n = mask.sum().maximum(1);
  const mean = x.mul(mask).sum().div(n);
  const centred = x.sub(mean);
  const variance = centred.square().mul(mask).sum().div(n);
  return centred.mul(tf.rsqrt(variance.add(WHITEN_EPS)));
}

/**
 * Float64 reference of the returns (used by tests and handy for explaining the method):
 * R[b][t] = Σ_{t'>t, mask} γ^{t'−t−1} r[b][t'], divided by the count of those t' when
 * lengthNorm (0 where there are none).
 */
export function discountedReturns(rewards: number[][], mask: number[][], gamma: number, lengthNorm: boolean): number[][] {
  return rewards.map((row, b) =>
    row.map((_, t) => {
      let sum = 0;
      let count = 0;
      for (let u = t + 1; u < row.length; u++) {
        if (!mask[b][u]) continue;
        sum += Math.pow(gamma, u - t - 1) * row[u];
        count++;
      }
      return lengthNorm && count > 0 ? sum / count : sum;
    }),
  );
}
