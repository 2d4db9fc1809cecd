// DistiLLM-2 (Ko et al., "DistiLLM-2: A Contrastive Approach Boosts the Distillation of LLMs",
// ICML 2025, arXiv 2503.07067, §3): on the same prompts, skew forward KL on the teacher's
// responses (raising their likelihood) and skew reverse KL on the student's own responses
// (lowering it where q > p), each a per-sequence token mean. See docs/methods.md, "DistiLLM-2".
import * as tf from '@tensorflow/tfjs';
import { logMixture, tokenDivergence } from './divergences';
import { stopGradient } from './stopGradient';

/**
 * KL(q_θ ‖ (1 − α)·p + α·sg(q_θ)) per position, [B, T, V] ×2 → [B, T]: DistiLLM-2's skew
 * reverse KL, where the student inside the mixture carries no gradient (DistiLLM's `srkl` lets
 * it flow). The value equals `srkl`; only the gradient differs.
 */
export function stoppedSkewReverseKl(teacherLogits: tf.Tensor3D, studentLogits: tf.Tensor3D, alpha: number): tf.Tensor2D {
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`stoppedSkewReverseKl: alpha must be in [0, 1], got ${alpha}`);
  return tf.tidy(() => {
    const logP = tf.logSoftmax(teacherLogits);
    const logQ = tf.logSoftmax(studentLogits);
    const logMix = logMixture(logP, 1 - alpha, stopGradient(logQ));
    return tf.maximum(tf.exp(logQ).mul(logQ.sub(logMix)).sum(-1), 0) as tf.Tensor2D;
  });
}

/** One half of a DistiLLM-2 pair: logits of both models on one batch of responses, and its mask. */
export interface ResponseBatch {
  teacherLogits: tf.Tensor3D;
  studentLogits: tf.Tensor3D;
  mask: tf.Tensor2D;
}

export interface Distillm2Terms {
  /** (2 − β)·SKL + β·SRKL, the student's loss. */
  loss: tf.Scalar;
  /** mean over sequences of the per-sequence token mean of SKL on the teacher's responses. */
  skl: tf.Scalar;
  /** the same of the stopped SRKL on the student's responses. */
  srkl: tf.Scalar;
}

/**
 * DistiLLM-2's loss over B pairs (row b of both batches continues the same prompt):
 * mean_b [(2 − β)·mean_t SKL_α₁(y_T,b) + β·mean_t SRKL_α₂(y_S,b)]. A sequence without valid
 * positions contributes 0 to its term. The teacher is a constant.
 */
export function distillm2Loss(onTeacher: ResponseBatch, onStudent: ResponseBatch, opts: { alpha1: number; alpha2: number; beta: number }): Distillm2Terms {
  const { alpha1, alpha2, beta } = opts;
  if (!(beta >= 0 && beta <= 2)) throw new Error(`distillm2Loss: beta must be in [0, 2], got ${beta}`);
  return tf.tidy(() => {
    const skl = sequenceMean(tokenDivergence('skl', stopGradient(onTeacher.teacherLogits), onTeacher.studentLogits, { alpha: alpha1 }), onTeacher.mask);
    const srkl = sequenceMean(stoppedSkewReverseKl(stopGradient(onStudent.teacherLogits), onStudent.studentLogits, alpha2), onStudent.mask);
    const loss = skl.mul(2 - beta).add(srkl.mul(beta)) as tf.Scalar;
    return { loss, skl, srkl };
  });
}

/** Mean over sequences of each sequence's mean over its valid positions. */
function sequenceMean(values: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  const m = mask.toFloat();
  return values.mul(m).sum(-1).div(m.sum(-1).maximum(1)).mean() as tf.Scalar;
}
