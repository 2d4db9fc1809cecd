// The α-β divergence of ABKD (Wang et al., "ABKD: Pursuing a Proper Allocation of the
// Probability Mass in Knowledge Distillation via α-β-Divergence", ICML 2025, arXiv 2505.04560,
// which takes it from Cichocki, Cruces & Amari, "Generalized Alpha-Beta Divergences and Their
// Application to Robust Nonnegative Matrix Factorization", Entropy 2011). See docs/methods.md,
// "ABKD". Forward KL is (α, β) = (1, 0), reverse KL (0, 1).
//
// Every power is an exponential of a log-probability (p^a = exp(a·log p)), so a probability that
// underflows never meets a log or a 0^negative. The special branches are the continuous limits
// of the general formula (each divides by the square of the parameter that remains).
import * as tf from '@tensorflow/tfjs';

/** |a| below this counts as 0 (the general formula divides by α, β and α + β). */
export const AB_ZERO = 1e-6;

/**
 * D_AB^(α,β)(p ‖ q) per position, p = softmax(teacherLogits), q = softmax(studentLogits):
 * [B, T, V] × [B, T, V] → [B, T]. Gradients flow to both arguments.
 *   general:  −1/(αβ) Σ_v [p^α q^β − α/(α+β) p^(α+β) − β/(α+β) q^(α+β)]
 *   α = 0:    1/β² Σ_v [q^β log(q^β/p^β) − q^β + p^β]
 *   β = 0:    1/α² Σ_v [p^α log(p^α/q^α) − p^α + q^α]
 *   α = −β:   1/α² Σ_v [log(q^α/p^α) + (q^α/p^α)^−1 − 1]
 *   α = β = 0: ½ Σ_v (log q − log p)²
 */
export function abDivergence(teacherLogits: tf.Tensor3D, studentLogits: tf.Tensor3D, alpha: number, beta: number): tf.Tensor2D {
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) throw new Error(`abDivergence: α and β must be finite, got (${alpha}, ${beta})`);
  const zero = (x: number) => Math.abs(x) < AB_ZERO;
  return tf.tidy(() => {
    const logP = tf.logSoftmax(teacherLogits);
    const logQ = tf.logSoftmax(studentLogits);
    const pow = (logX: tf.Tensor, a: number) => tf.exp(logX.mul(a));
    let value: tf.Tensor;
    if (zero(alpha) && zero(beta)) {
      value = logQ.sub(logP).square().sum(-1).mul(0.5);
    } else if (zero(alpha)) {
      // q^β · β(log q − log p) − q^β + p^β
      const qb = pow(logQ, beta);
      value = qb
        .mul(logQ.sub(logP).mul(beta))
        .sub(qb)
        .add(pow(logP, beta))
        .sum(-1)
        .div(beta * beta);
    } else if (zero(beta)) {
      const pa = pow(logP, alpha);
      value = pa
        .mul(logP.sub(logQ).mul(alpha))
        .sub(pa)
        .add(pow(logQ, alpha))
        .sum(-1)
        .div(alpha * alpha);
    } else if (zero(alpha + beta)) {
      // α(log q − log p) + exp(α(log p − log q)) − 1
      const r = logQ.sub(logP).mul(alpha);
      value = r
        .add(tf.exp(r.neg()))
        .sub(1)
        .sum(-1)
        .div(alpha * alpha);
    } else {
      const s = alpha + beta;
      const cross = tf.exp(logP.mul(alpha).add(logQ.mul(beta)));
      const terms = cross.sub(pow(logP, s).mul(alpha / s)).sub(pow(logQ, s).mul(beta / s));
      value = terms.sum(-1).mul(-1 / (alpha * beta));
    }
    // A divergence is ≥ 0; rounding can leave −1e-9 at p ≈ q (maximum passes the gradient where ≥ 0).
    return tf.maximum(value, 0) as tf.Tensor2D;
  });
}
