// Per-position divergences between the teacher's next-token distribution p and the student's q,
// and the moment gap Σ_a (p − q)·f of a critic f. Definitions: docs/methods.md,
// "Token divergences". Everything is computed in log space (logSoftmax, log-sum-exp) so that a
// probability underflowing to 0 never reaches a log.
import * as tf from '@tensorflow/tfjs';
import { onWebGpu } from '../webgpu/device';
import { fusedTokenDivergence } from '../webgpu/divergence';
import { fusedMomentGap } from '../webgpu/momentGap';

export type DivergenceKind = 'fkl' | 'rkl' | 'tvd' | 'jsd' | 'skl' | 'srkl';

export const DIVERGENCE_KINDS: readonly DivergenceKind[] = ['fkl', 'rkl', 'tvd', 'jsd', 'skl', 'srkl'];

export interface DivergenceOptions {
  /** Generalized JSD weight of the teacher in the mixture m = β p + (1−β) q (GKD). Default 0.5. */
  beta?: number;
  /** Skew of skl / srkl (DistiLLM). Default 0.1. */
  alpha?: number;
  /** Both distributions are softmax(logits / τ). Default 1. */
  temperature?: number;
}

export const DEFAULT_BETA = 0.5;
export const DEFAULT_ALPHA = 0.1;

/**
 * Divergence between p = softmax(teacherLogits/τ) and q = softmax(studentLogits/τ) at every
 * position: [B, T, V] × [B, T, V] → [B, T]. Gradients flow to both arguments; a caller that
 * treats the teacher as a constant stops its gradient itself.
 */
export function tokenDivergence(kind: DivergenceKind, teacherLogits: tf.Tensor3D, studentLogits: tf.Tensor3D, opts: DivergenceOptions = {}): tf.Tensor2D {
  const tau = opts.temperature ?? 1;
  const beta = opts.beta ?? DEFAULT_BETA;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  if (!(tau > 0)) throw new Error(`tokenDivergence: temperature must be > 0, got ${tau}`);
  if (kind === 'jsd' && !(beta >= 0 && beta <= 1)) throw new Error(`tokenDivergence: beta must be in [0, 1], got ${beta}`);
  if ((kind === 'skl' || kind === 'srkl') && !(alpha >= 0 && alpha <= 1)) {
    throw new Error(`tokenDivergence: alpha must be in [0, 1], got ${alpha}`);
  }
  // webgpu: the same value and gradient in one dispatch each (webgpu/divergence.ts).
  if (onWebGpu() && DIVERGENCE_KINDS.includes(kind)) return fusedTokenDivergence(kind, teacherLogits, studentLogits, { beta, alpha, tau });
  return tf.tidy(() => {
    const logP = logProbs(teacherLogits, tau);
    const logQ = logProbs(studentLogits, tau);
    let value: tf.Tensor;
    switch (kind) {
      case 'fkl':
        value = kl(logP, logQ);
        break;
      case 'rkl':
        value = kl(logQ, logP);
        break;
      case 'tvd':
        value = tf.exp(logP).sub(tf.exp(logQ)).abs().sum(-1).mul(0.5);
        break;
      case 'jsd':
        // GKD's generalized JSD; the endpoints are exact (TRL special-cases them the same way):
        // the formula itself tends to 0 there, with slope fkl (β→0) or rkl (β→1).
        if (beta === 0) value = kl(logP, logQ);
        else if (beta === 1) value = kl(logQ, logP);
        else {
          const logM = logMixture(logP, beta, logQ);
          value = kl(logP, logM)
            .mul(beta)
            .add(kl(logQ, logM).mul(1 - beta));
        }
        break;
      case 'skl':
        // KL(p ‖ α p + (1−α) q): the mixture of probabilities (not of logits), q inside it too.
        value = kl(logP, logMixture(logP, alpha, logQ));
        break;
      case 'srkl':
        // KL(q ‖ (1−α) p + α q).
        value = kl(logQ, logMixture(logP, 1 - alpha, logQ));
        break;
      default:
        throw new Error(`tokenDivergence: unknown kind '${kind as string}'`);
    }
    // A divergence is ≥ 0; float rounding can leave −1e-9 when p ≈ q. maximum passes the
    // gradient wherever the value is ≥ 0, so this only touches rounding noise.
    return tf.maximum(value, 0) as tf.Tensor2D;
  });
}

/**
 * The moment gap of a critic at every position: g_f(s) = Σ_a (p(a|s) − q(a|s)) · f(s, a),
 * [B, T, V] ×3 → [B, T] (docs/methods.md, "AMMD"). Gradients flow to all three arguments.
 */
export function momentGap(teacherLogits: tf.Tensor3D, studentLogits: tf.Tensor3D, critic: tf.Tensor3D, opts: { temperature?: number } = {}): tf.Tensor2D {
  const tau = opts.temperature ?? 1;
  if (onWebGpu()) return fusedMomentGap(teacherLogits, studentLogits, critic, tau);
  return tf.tidy(() => {
    const p = tf.softmax(scaled(teacherLogits, tau));
    const q = tf.softmax(scaled(studentLogits, tau));
    return p.sub(q).mul(critic).sum(-1) as tf.Tensor2D;
  });
}

function scaled(logits: tf.Tensor, tau: number): tf.Tensor {
  return tau === 1 ? logits : logits.div(tau);
}

function logProbs(logits: tf.Tensor, tau: number): tf.Tensor {
  return tf.logSoftmax(scaled(logits, tau));
}

/** KL(a ‖ b) = Σ_v a (log a − log b) from log-probabilities; a term with a = 0 contributes 0. */
function kl(logA: tf.Tensor, logB: tf.Tensor): tf.Tensor {
  return tf.exp(logA).mul(logA.sub(logB)).sum(-1);
}

/**
 * log(w·p + (1−w)·q) elementwise, as a two-term log-sum-exp so that nothing underflows.
 * At w = 0 or 1 it is exactly log q or log p (no log 0 anywhere, in the value or the gradient).
 */
export function logMixture(logP: tf.Tensor, w: number, logQ: tf.Tensor): tf.Tensor {
  if (w <= 0) return logQ;
  if (w >= 1) return logP;
  const a = logP.add(Math.log(w));
  const b = logQ.add(Math.log(1 - w));
  const hi = tf.maximum(a, b);
  // hi is subtracted and added back, so the value (and its gradient) does not depend on which
  // branch tf.maximum's gradient picks.
  return hi.add(tf.log(tf.exp(a.sub(hi)).add(tf.exp(b.sub(hi)))));
}
