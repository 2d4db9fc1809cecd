// Token batches on the device: upload, the next-token targets, and disposal. Shared by the
// methods' training steps and the evaluation.
import * as tf from '@tensorflow/tfjs';
import type { TokenBatch } from './data';
import { PAD } from './tasks/vocab';

export interface DeviceBatch {
  tokens: tf.Tensor2D; // [B, T] int32
  targets: tf.Tensor2D; // [B, T] int32
  mask: tf.Tensor2D; // [B, T] float, 1 at continuation positions
}

/** targets[:, t] = tokens[:, t + 1], PAD in the last column: the token each position predicts. */
export function shiftTargets(tokens: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [B, T] = tokens.shape;
    return tf.concat([tokens.slice([0, 1], [B, T - 1]), tf.fill([B, 1], PAD, 'int32')], 1) as tf.Tensor2D;
  });
}

export function uploadBatch(batch: TokenBatch): DeviceBatch {
  const shape: [number, number] = [batch.batch, batch.seqLen];
  return {
    tokens: tf.tensor2d(batch.tokens, shape, 'int32'),
    targets: tf.tensor2d(batch.targets, shape, 'int32'),
    mask: tf.tensor2d(batch.mask, shape, 'float32'),
  };
}

export function disposeBatch(b: DeviceBatch | null | undefined): void {
  if (b) tf.dispose([b.tokens, b.targets, b.mask]);
}
