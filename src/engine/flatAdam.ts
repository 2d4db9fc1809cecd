// Adam (Kingma & Ba 2015) over all of a model's variables at once. tf.train.adam updates each
// variable with its own ~14 kernels; at our sizes every kernel costs about the same fixed
// overhead whatever its size, so the gradients are joined into one vector, updated with one set
// of kernels and split back. The arithmetic per element is tf.train.adam's (same operations in
// the same order); only the bias corrections 1 − βᵗ are computed on the CPU in double precision.
import * as tf from '@tensorflow/tfjs';

export class FlatAdam {
  learningRate: number;
  private readonly sizes: number[];
  private readonly total: number;
  private m: tf.Tensor1D;
  private v: tf.Tensor1D;
  private steps = 0;
  private readonly epsilon: number;

  constructor(
    readonly variables: readonly tf.Variable[],
    learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
  ) {
    this.learningRate = learningRate;
    this.sizes = variables.map((x) => x.size);
    this.total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.keep(tf.zeros([this.total]));
    this.v = tf.keep(tf.zeros([this.total]));
    this.epsilon = tf.backend().epsilon(); // tf.train.adam's default
  }

  /**
   * The gradients of `grads` (by variable name) in this optimiser's variable order as one
   * vector; a variable without a gradient contributes zeros.
   */
  flatten(grads: tf.NamedTensorMap): tf.Tensor1D {
    return tf.tidy(() => tf.concat(this.variables.map((x) => (grads[x.name] ?? tf.zerosLike(x)).reshape([-1])))) as tf.Tensor1D;
  }

  /** One Adam step with the flat gradient `g` times `scale` (a clip factor, a number or a scalar tensor). */
  apply(g: tf.Tensor1D, scale: number | tf.Scalar = 1): void {
    this.steps++;
    const correction1 = 1 - this.beta1 ** this.steps;
    const correction2 = 1 - this.beta2 ** this.steps;
    const { m, v } = tf.tidy(() => {
      const grad = scale === 1 ? g : g.mul(scale);
      return {
        m: this.m.mul(this.beta1).add(grad.mul(1 - this.beta1)) as tf.Tensor1D,
        v: this.v.mul(this.beta2).add(grad.square().mul(1 - this.beta2)) as tf.Tensor1D,
      };
    });
    tf.dispose([this.m, this.v]);
    // Kept: apply may run inside a caller's tidy, which must not take the moments with it.
    this.m = tf.keep(m);
    this.v = tf.keep(v);
    tf.tidy(() => {
      const update = m.div(correction1).div(v.div(correction2).sqrt().add(this.epsilon)).mul(-this.learningRate);
      const parts = tf.split(update, this.sizes);
      this.variables.forEach((x, i) => x.assign(parts[i].reshape(x.shape).add(x)));
    });
  }

  dispose(): void {
    tf.dispose([this.m, this.v]);
  }
}
