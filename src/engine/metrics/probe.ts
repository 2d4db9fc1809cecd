// What an evaluation hands a method's critics: continuations with both models' logits. Types
// only, so the methods and the evaluation can both name them.
import type * as tf from '@tensorflow/tfjs';

/** Continuations and both models' logits on them, for a critic to score. */
export interface Probe {
  tokens: tf.Tensor2D;
  mask: tf.Tensor2D;
  teacherLogits: tf.Tensor3D;
  studentLogits: tf.Tensor3D;
}

/**
 * The critics' distances L_on (student continuations) and L_off (teacher continuations), and
 * what the best critic of their penalised objective would find at the same states.
 */
export type CriticEstimates = (on: Probe, off: Probe) => { on: tf.Scalar; off: tf.Scalar; onPenalised: tf.Scalar; offPenalised: tf.Scalar };
