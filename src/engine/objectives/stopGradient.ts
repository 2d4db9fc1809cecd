// tfjs 4.22 has no tf.stopGradient: this is the identity with a zero gradient, so quantities
// that a surrogate loss treats as constants (rewards, importance weights, advantages, the
// teacher) pass no gradient back to what produced them.
import * as tf from '@tensorflow/tfjs';

const identityWithoutGradient = tf.customGrad((...inputs: Array<tf.Tensor | ((save: tf.Tensor[]) => void)>) => {
  const x = inputs[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityWithoutGradient(x) as T;
}
