// X-KD (Experiential Knowledge Distillation), which adopts AVRIL (Chan & van der Schaar,
// "Scalable Bayesian Inverse Reinforcement Learning", ICLR 2021): the student's logits are read
// as action values Q(s, ·) with policy softmax(Q), and a reward head gives a Gaussian belief
// N(μ(s, a), σ(s, a)²) over the reward of each action. On the teacher's samples (its
// experience), per valid position t with action y_t (docs/methods.md, "X-KD"; the mapping onto language
// models is ours):
//   loss_t = L_KD,t + KL(N(μ_t, σ_t²) ‖ N(0, 1)) − λ·log N(Q(s_t, y_t) − γ·Q(s_{t+1}, y_{t+1}); μ_t, σ_t),
// with μ_t, σ_t read at (s_t, y_t), Q(s_{t+1}, ·) = 0 after EOS, averaged over the valid positions.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { dense } from '../model/layers';
import { tokenDivergence, type DivergenceKind, type DivergenceOptions } from './divergences';
import { stopGradient } from './stopGradient';
import { uniqueVariableName } from '../model/variableName';

/** log σ is kept in (−LOG_SIGMA_BOUND, LOG_SIGMA_BOUND) by a soft tanh bound (identity near 0). */
export const LOG_SIGMA_BOUND = 4;

/** A dense head on the student's hidden states: [B, T, d] → μ, log σ, each [B, T, V]. */
export class RewardHead {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  readonly vocabSize: number;

  private constructor(w: tf.Variable, b: tf.Variable, vocabSize: number) {
    this.w = w;
    this.b = b;
    this.vocabSize = vocabSize;
  }

  /** Small random weights and zero bias: μ ≈ 0, σ ≈ 1 (the prior) at the start. */
  static init(dModel: number, vocabSize: number, rng: Rng): RewardHead {
    const w0 = tf.tensor2d(rng.normals(dModel * 2 * vocabSize, 0.02), [dModel, 2 * vocabSize]);
    const b0 = tf.zeros([2 * vocabSize]);
    const head = new RewardHead(tf.variable(w0, true, uniqueVariableName('reward.w')), tf.variable(b0, true, uniqueVariableName('reward.b')), vocabSize);
    tf.dispose([w0, b0]);
    return head;
  }

  gaussian(hidden: tf.Tensor3D): { mu: tf.Tensor3D; logSigma: tf.Tensor3D } {
    return tf.tidy(() => {
      const [B, T] = hidden.shape;
      const V = this.vocabSize;
      const out = dense(hidden, this.w, this.b);
      const mu = out.slice([0, 0, 0], [B, T, V]) as tf.Tensor3D;
      const raw = out.slice([0, 0, V], [B, T, V]);
      const logSigma = tf.tanh(raw.div(LOG_SIGMA_BOUND)).mul(LOG_SIGMA_BOUND) as tf.Tensor3D;
      return { mu, logSigma };
    });
  }

  variables(): tf.Variable[] {
    return [this.w, this.b];
  }

  dispose(): void {
    this.w.dispose();
    this.b.dispose();
  }
}

export interface XkdArgs {
  /** Read as Q(s, ·). */
  studentLogits: tf.Tensor3D;
  teacherLogits: tf.Tensor3D;
  mu: tf.Tensor3D;
  logSigma: tf.Tensor3D;
  /** [B, T] int32 teacher-sampled next tokens y_t. */
  targets: tf.Tensor2D;
  mask: tf.Tensor2D;
  /** Weight λ of the TD likelihood. */
  lambda: number;
  /** Discount γ of the TD target. */
  gamma: number;
  /** 'seq': L_KD is SeqKD's NLL of y_t; 'divergence': a token divergence on teacher prefixes. */
  base: 'seq' | 'divergence';
  divergence?: DivergenceKind;
  /** Options of that divergence (β, α, τ). */
  divergenceOptions?: DivergenceOptions;
}

export type XkdLoss = { loss: tf.Scalar; rewardLoss: tf.Scalar };

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The X-KD loss and its reward part (KL to the prior + λ·TD negative log-likelihood), both means
 * over the valid positions. Gradients reach Q (the student) through L_KD and both Q terms of the
 * TD residual, and the reward head through μ and σ; the teacher is a constant.
 */
export function xkdLoss(args: XkdArgs): XkdLoss {
  const { lambda, gamma } = args;
  const [, T, V] = args.studentLogits.shape;
  return tf.tidy(() => {
    const mask = args.mask.toFloat();
    const pick = tf.oneHot(args.targets.toInt(), V).toFloat();
    const Q = args.studentLogits;

    let kd: tf.Tensor;
    if (args.base === 'seq') {
      kd = pick.mul(tf.logSoftmax(Q)).sum(-1).neg();
    } else {
      kd = tokenDivergence(args.divergence ?? 'fkl', stopGradient(args.teacherLogits), Q, args.divergenceOptions);
    }

    const qY = pick.mul(Q).sum(-1); // Q(s_t, y_t)
    const mu = pick.mul(args.mu).sum(-1);
    const logSigma = pick.mul(args.logSigma).sum(-1);
    // Q(s_{t+1}, y_{t+1}) where t+1 is valid, 0 after EOS: a [T, T] shift of the masked values.
    const shift = new Float32Array(T * T);
    for (let t = 0; t + 1 < T; t++) shift[(t + 1) * T + t] = 1; // row t+1 → column t
    const nextQ = qY.mul(mask).matMul(tf.tensor2d(shift, [T, T]));
    const td = qY.sub(nextQ.mul(gamma));

    const klToPrior = tf.exp(logSigma.mul(2)).add(mu.square()).sub(1).mul(0.5).sub(logSigma);
    const tdLogLik = td
      .sub(mu)
      .square()
      .mul(tf.exp(logSigma.mul(-2)))
      .mul(-0.5)
      .sub(logSigma)
      .sub(HALF_LOG_2PI);
    const rewardTerms = klToPrior.sub(tdLogLik.mul(lambda));

    const n = mask.sum().maximum(1);
    const rewardLoss = rewardTerms.mul(mask).sum().div(n) as tf.Scalar;
    const kdLoss = kd.mul(mask).sum().div(n);
    return { loss: kdLoss.add(rewardLoss) as tf.Scalar, rewardLoss };
  });
}
