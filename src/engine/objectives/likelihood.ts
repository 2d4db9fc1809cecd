// Negative log-likelihood of target tokens, and the masked means every loss reduces with.
import * as tf from '@tensorflow/tfjs';

/** −log softmax(logits)[target] per position: [B, T]. */
export function tokenNll(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const V = logits.shape[2];
    const picked = tf.oneHot(targets.toInt(), V).toFloat().mul(tf.logSoftmax(logits)).sum(-1);
    return picked.neg() as tf.Tensor2D;
  });
}

/** Mean over the valid positions of the whole batch (the training-loss convention). */
export function maskedMean(values: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => values.mul(mask).sum().div(mask.sum().maximum(1)) as tf.Scalar);
}

/** Sum over each sequence's valid positions, averaged over sequences (a sequence quantity). */
export function maskedSequenceMean(values: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => values.mul(mask).sum(-1).mean() as tf.Scalar);
}
