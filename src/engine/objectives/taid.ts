// TAID (Shing et al., "TAID: Temporally Adaptive Interpolated Distillation for Efficient
// Knowledge Transfer in Language Models", ICLR 2025, arXiv 2501.16937, §3): forward KL toward
// an intermediate target p_t = softmax((1 − t)·sg(z_q) + t·z_p) that slides from the student's
// own distribution (t = 0) to the teacher's (t = 1), with t on an adaptive schedule. See
// docs/methods.md, "TAID". The loss is a tensor function; the schedule is plain TypeScript.
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from './stopGradient';

/**
 * KL(p_t ‖ q_θ) per position, p_t = softmax((1 − t)·sg(z_q) + t·z_p): [B, T, V] ×2 → [B, T].
 * The target carries no gradient (the student's logits in it are detached, the teacher is a
 * constant), so the gradient is that of the cross-entropy −Σ p_t log q_θ. At t = 1 this is
 * exactly forward KL(p ‖ q_θ).
 */
export function taidDivergence(teacherLogits: tf.Tensor3D, studentLogits: tf.Tensor3D, t: number): tf.Tensor2D {
  if (!(t >= 0 && t <= 1)) throw new Error(`taidDivergence: t must be in [0, 1], got ${t}`);
  return tf.tidy(() => {
    const mixed = stopGradient(studentLogits)
      .mul(1 - t)
      .add(stopGradient(teacherLogits).mul(t));
    const logTarget = tf.logSoftmax(mixed);
    const logQ = tf.logSoftmax(studentLogits);
    const value = tf.exp(logTarget).mul(logTarget.sub(logQ)).sum(-1);
    return tf.maximum(value, 0) as tf.Tensor2D;
  });
}

export interface TaidScheduleOptions {
  /** t at the first step (the paper's t_start, 0.4 by default). */
  tStart: number;
  /** t never exceeds this (1 in the paper). */
  tEnd: number;
  /** Step size α of the adaptive increment (5e-4). */
  alpha: number;
  /** Momentum β of the relative loss change (0.99). */
  beta: number;
  /** Off: t follows the linear schedule only (the official code's --taid_disable_adaptive). */
  adaptive: boolean;
}

/**
 * The interpolation parameter t and its update after each step (TAID, Algorithm 1):
 *   m ← β·m + (1 − β)·(ℓ_prev − ℓ)/(ℓ_prev + ε)   (relative fall of the loss, with momentum)
 *   δ = α·sigmoid(m)·(1 − t)
 *   t ← min(t_end, max(t_linear, t + δ)),  t_linear = t_start + (t_end − t_start)·step/steps
 * so t never lags the linear schedule and speeds up while the loss falls. The first update only
 * records the loss, as in the official code. The options are passed at every update, so a live
 * change of α, β or the adaptive switch applies from the next step.
 */
export class TaidSchedule {
  t: number;
  momentum = 0;
  private previousLoss: number | null = null;

  constructor(tStart: number) {
    if (!(tStart >= 0 && tStart <= 1)) throw new Error(`TaidSchedule: t_start must be in [0, 1], got ${tStart}`);
    this.t = tStart;
  }

  /** Take over another schedule's state (a copy of a run steps as the run would). */
  copyFrom(other: TaidSchedule): void {
    this.t = other.t;
    this.momentum = other.momentum;
    this.previousLoss = other.previousLoss;
  }

  /** After a step: `loss` is its loss, `step` the steps done before it (the official code's global step), `totalSteps` the planned length. */
  update(loss: number, step: number, totalSteps: number, opts: TaidScheduleOptions): void {
    if (!Number.isFinite(loss)) return; // a halted step changes nothing
    const { tStart, tEnd, alpha, beta, adaptive } = opts;
    if (!(tStart >= 0 && tStart <= tEnd && tEnd <= 1)) throw new Error(`TaidSchedule: need 0 ≤ t_start ≤ t_end ≤ 1, got ${tStart}, ${tEnd}`);
    if (!(alpha >= 0 && alpha <= 1)) throw new Error(`TaidSchedule: α must be in [0, 1], got ${alpha}`);
    if (!(beta >= 0 && beta < 1)) throw new Error(`TaidSchedule: β must be in [0, 1), got ${beta}`);
    if (this.previousLoss === null) {
      this.previousLoss = loss;
      return;
    }
    const progress = totalSteps > 0 ? Math.min(1, Math.max(0, step / totalSteps)) : 1;
    const linear = tStart + (tEnd - tStart) * progress;
    const change = (this.previousLoss - loss) / (this.previousLoss + 1e-15);
    this.momentum = beta * this.momentum + (1 - beta) * change;
    const delta = alpha * sigmoid(this.momentum) * (1 - this.t);
    this.t = adaptive ? Math.min(tEnd, Math.max(linear, this.t + delta)) : Math.min(tEnd, linear);
    this.previousLoss = loss;
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
