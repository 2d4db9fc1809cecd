// Adversarial moment matching (AMMD; Jia, "Adversarial Moment-Matching Distillation of Large
// Language Models", NeurIPS 2024, arXiv 2406.02959), as reconstructed in docs/methods.md, "AMMD":
//   min_θ max_{f_on, f_off}  β·L_on(θ, f_on) + (1−β)·L_off(θ, f_off),
//   L_on  = E_{y∼q}[Σ_t g_f(s_t)],  L_off = E_{y∼p}[Σ_t g_f(s_t)],  g_f(s) = Σ_a (p − q)(a|s)·f(s, a).
// Expectations are sequence quantities: the sum over a sequence's valid positions, averaged
// over the batch's sequences (docs/methods.md, "Notation"), estimated on sampled continuations.
import * as tf from '@tensorflow/tfjs';
import { shiftTargets } from '../deviceBatch';
import { momentGap, tokenDivergence } from './divergences';
import type { ActionValues, CriticInput } from './critic';
import { penalisedOptimum } from './exactCritic';
import { stopGradient } from './stopGradient';
import { maskedSequenceMean } from './likelihood';

/** Continuations with both models' logits (and optionally hidden states) on them. */
export interface AmmdBatch extends CriticInput {
  /** [B, T]: 1 where position t's target tokens[t + 1] is a continuation token. */
  mask: tf.Tensor2D;
  /** [B, T] int32 next tokens; derived from `tokens` (shifted left) when absent. */
  targets?: tf.Tensor2D;
}

export interface CriticLossArgs {
  critic: ActionValues;
  /** Student-sampled continuations (on-policy). */
  on: AmmdBatch;
  /** Teacher-sampled continuations (off-policy). */
  off: AmmdBatch;
  beta: number;
  /** c of the L2 penalty c·Σ_t Σ_a f(s_t, a)² on the critic's outputs. */
  penalty: number;
  temperature?: number;
}

export type CriticLossResult = { loss: tf.Scalar; lOn: tf.Scalar; lOff: tf.Scalar };

/**
 * The critics' loss (minimised by the critic's optimiser):
 *   −(β·L_on + (1−β)·L_off) + c·(β·P_on + (1−β)·P_off),   P = E[Σ_t Σ_a f(s_t, a)²],
 * every term a sequence quantity (sum over a sequence's valid positions, mean over sequences).
 * The logits are constants here. Per state the maximiser of g_f − c·Σ_a f² with |f| ≤ R is
 * f = clip((p − q)/(2c), −R, R). lOn and lOff are the game values L_on, L_off (mmOnCritic,
 * mmOffCritic).
 */
export function criticLoss(args: CriticLossArgs): CriticLossResult {
  const { critic, on, off, beta, penalty } = args;
  checkBeta(beta);
  if (!(penalty >= 0)) throw new Error(`criticLoss: penalty must be ≥ 0, got ${penalty}`);
  const opts = { temperature: args.temperature ?? 1 };
  return tf.tidy(() => {
    const f = critic.valuesFor(on, off);
    const term = (batch: AmmdBatch, head: 'on' | 'off') => {
      const mask = batch.mask.toFloat();
      const gap = momentGap(stopGradient(batch.teacherLogits), stopGradient(batch.studentLogits), f[head], opts);
      const value = maskedSequenceMean(gap, mask);
      const size = maskedSequenceMean(f[head].square().sum(-1), mask);
      return { value, size };
    };
    const tOn = term(on, 'on');
    const tOff = term(off, 'off');
    const game = tOn.value.mul(beta).add(tOff.value.mul(1 - beta));
    const reg = tOn.size
      .mul(beta)
      .add(tOff.size.mul(1 - beta))
      .mul(penalty);
    return { loss: reg.sub(game) as tf.Scalar, lOn: tOn.value as tf.Scalar, lOff: tOff.value as tf.Scalar };
  });
}

export interface StudentLossArgs {
  critic: ActionValues;
  on: AmmdBatch;
  off: AmmdBatch;
  beta: number;
  /** Add the score-function term of the on-policy prefix distribution (off by default). */
  policyGradient: boolean;
  temperature?: number;
}

/**
 * The student's loss with the critics fixed (no gradient into them):
 *   β·[L_on single-step + policy-gradient surrogate] + (1−β)·L_off.
 * - Off-policy: teacher prefixes are data; L_off is differentiated exactly through q.
 * - On-policy single step: Σ_t g(s_t) on the student's own prefixes, differentiated through q
 *   at fixed prefixes.
 * - Policy gradient (when on): E[Σ_t log q(y_t|s_t) · stop(A_t)], A_t = Σ_{t'>t} g(s_{t'}) minus
 *   the batch mean of that sum at position t (over the sequences valid there); the future sums
 *   are a [T, T] matrix product. Its value is a surrogate, its gradient the score-function term.
 * Teacher logits are treated as constants.
 */
export function studentLoss(args: StudentLossArgs): tf.Scalar {
  const { critic, on, off, beta, policyGradient } = args;
  checkBeta(beta);
  const tau = args.temperature ?? 1;
  return tf.tidy(() => {
    // The critics are constants for the student; one trunk pass when both terms are needed.
    const f =
      beta > 0 && beta < 1
        ? critic.valuesFor(on, off)
        : beta === 1
          ? { on: critic.valueFor(on, 'on'), off: null }
          : { on: null, off: critic.valueFor(off, 'off') };
    let loss = tf.scalar(0);
    if (beta < 1 && f.off) {
      const gap = momentGap(stopGradient(off.teacherLogits), off.studentLogits, stopGradient(f.off), { temperature: tau });
      loss = loss.add(maskedSequenceMean(gap, off.mask.toFloat()).mul(1 - beta));
    }
    if (beta > 0 && f.on) {
      const mask = on.mask.toFloat();
      const gap = momentGap(stopGradient(on.teacherLogits), on.studentLogits, stopGradient(f.on), { temperature: tau });
      let onTerm = maskedSequenceMean(gap, mask);
      if (policyGradient) {
        const advantage = stopGradient(futureGapAdvantage(stopGradient(gap), mask));
        const V = on.studentLogits.shape[2];
        const targets = on.targets ?? shiftTargets(on.tokens);
        const logq = tf.logSoftmax(on.studentLogits.div(tau));
        const logqY = tf.oneHot(targets.toInt(), V).toFloat().mul(logq).sum(-1);
        onTerm = onTerm.add(maskedSequenceMean(logqY.mul(advantage), mask));
      }
      loss = loss.add(onTerm.mul(beta));
    }
    return loss as tf.Scalar;
  });
}

/**
 * The best critic's value with |f| ≤ R: f* = R·sign(p − q) gives Σ_t 2R·tvd(s_t) per
 * sequence, averaged over sequences (mmOnExact on student samples, mmOffExact on teacher's).
 */
export function exactDistance(teacherLogits: tf.Tensor3D, studentLogits: tf.Tensor3D, mask: tf.Tensor2D, R: number): tf.Scalar {
  return tf.tidy(() => exactFromTokenTvd(tokenDivergence('tvd', teacherLogits, studentLogits), mask, R));
}

/** exactDistance from the per-token total variation [B, T] already at hand (the evaluation's). */
export function exactFromTokenTvd(tvd: tf.Tensor, mask: tf.Tensor, R: number): tf.Scalar {
  return tf.tidy(() => maskedSequenceMean(tvd, mask.toFloat()).mul(2 * R) as tf.Scalar);
}

/**
 * The moment gap of the best penalised critic f_c = clip((p − q)/(2c), −R, R) (penalisedOptimum),
 * Σ_t Σ_a (p − q)·f_c per sequence, averaged over sequences: what a critic trained on the
 * penalised objective can find at these states (the oracle's 2R·Σ_t tvd when c = 0).
 */
export function penalisedDistance(teacherLogits: tf.Tensor3D, studentLogits: tf.Tensor3D, mask: tf.Tensor2D, c: number, R: number): tf.Scalar {
  return tf.tidy(() => maskedSequenceMean(momentGap(teacherLogits, studentLogits, penalisedOptimum(teacherLogits, studentLogits, c, R)), mask.toFloat()));
}

/**
 * A_t = F_t − mean_b F_t with F_t = Σ_{t'>t, valid} g(s_{t'}) (strictly later positions), the
 * mean over the sequences valid at t; 0 at invalid positions. [B, T].
 */
export function futureGapAdvantage(gap: tf.Tensor2D | tf.Tensor, mask: tf.Tensor2D | tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const T = gap.shape[1] as number;
    const later = new Float32Array(T * T);
    for (let src = 0; src < T; src++) for (let dst = 0; dst < src; dst++) later[src * T + dst] = 1; // row t', column t
    const future = gap.mul(mask).matMul(tf.tensor2d(later, [T, T]));
    const count = mask.sum(0, true);
    const baseline = future.mul(mask).sum(0, true).div(count.maximum(1));
    return future.sub(baseline).mul(mask) as tf.Tensor2D;
  });
}

function checkBeta(beta: number): void {
  if (!(beta >= 0 && beta <= 1)) throw new Error(`AMMD: beta must be in [0, 1], got ${beta}`);
}
