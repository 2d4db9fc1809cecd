// Adam (Kingma & Ba 2015) over all of a model's variables at once. tf.train.adam updates each
// variable with its own ~14 kernels; at our sizes every kernel costs about the same fixed
// overhead whatever its size, so the gradients are joined into one vector, updated with one set
// of kernels and split back. The arithmetic per element is tf.train.adam's (same operations in
// the same order); only the bias corrections 1 − βᵗ are computed on the CPU in double precision.
//
// On webgpu the moments and a copy of the parameters live in one state buffer that one fused
// dispatch updates in place (webgpu/adam.ts); the gradients are joined and the parameters handed
// back to the variables by buffer copies, which are not dispatches. The guarded step lets the
// trainer check a step's finiteness later without the weights ever taking a bad update.
import * as tf from '@tensorflow/tfjs';
import { copyInto, emptyGpuTensor, onWebGpu } from './webgpu/device';
import { adamStateSize, adamUpdate, guardedAdamUpdate, resumeGuard, type AdamConstants } from './webgpu/adam';

export class FlatAdam {
  learningRate: number;
  private readonly sizes: number[];
  private readonly offsets: number[];
  private readonly total: number;
  private m: tf.Tensor1D | null = null;
  private v: tf.Tensor1D | null = null;
  private steps = 0;
  private readonly epsilon: number;
  /** webgpu: whether the fused update runs (decided when the optimiser is made). */
  readonly fused: boolean;
  /** webgpu: [m | v | p | norm, ok] (webgpu/adam.ts). */
  private state: tf.Tensor1D | null = null;
  /** webgpu: each variable's data when the state's copy of it was last made or handed back. */
  private synced: Array<tf.DataId | null> = [];

  constructor(
    readonly variables: readonly tf.Variable[],
    learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
  ) {
    this.learningRate = learningRate;
    this.sizes = variables.map((x) => x.size);
    this.offsets = this.sizes.map((_, i) => this.sizes.slice(0, i).reduce((a, b) => a + b, 0));
    this.total = this.sizes.reduce((a, b) => a + b, 0);
    this.fused = onWebGpu();
    if (!this.fused) {
      this.m = tf.keep(tf.zeros([this.total]) as tf.Tensor1D);
      this.v = tf.keep(tf.zeros([this.total]) as tf.Tensor1D);
    }
    this.epsilon = tf.backend().epsilon(); // tf.train.adam's default
  }

  /**
   * The gradients of `grads` (by variable name) in this optimiser's variable order as one
   * vector; a variable without a gradient contributes zeros.
   */
  flatten(grads: tf.NamedTensorMap): tf.Tensor1D {
    if (this.fused) {
      const flat = emptyGpuTensor([this.total]) as tf.Tensor1D;
      const zeros = this.variables.map((x) => (grads[x.name] ? null : tf.zeros([x.size])));
      copyInto(
        flat,
        this.variables.map((x, i) => ({ source: grads[x.name] ?? zeros[i]!, at: this.offsets[i] })),
      );
      tf.dispose(zeros.filter((z): z is tf.Tensor => z !== null));
      return flat;
    }
    return tf.tidy(() => tf.concat(this.variables.map((x) => (grads[x.name] ?? tf.zerosLike(x)).reshape([-1])))) as tf.Tensor1D;
  }

  /** One Adam step with the flat gradient `g` times `scale` (a clip factor, a number or a scalar tensor). */
  apply(g: tf.Tensor1D, scale: number | tf.Scalar = 1): void {
    this.steps++;
    const correction1 = 1 - this.beta1 ** this.steps;
    const correction2 = 1 - this.beta2 ** this.steps;
    if (this.fused) {
      const state = this.gpuState();
      const factor = typeof scale === 'number' ? tf.tensor1d([scale]) : scale.reshape([1]);
      adamUpdate(state, g, factor, this.constants(correction1, correction2));
      factor.dispose();
      this.handBack(state);
      return;
    }
    const { m, v } = tf.tidy(() => {
      const grad = scale === 1 ? g : g.mul(scale);
      return {
        m: this.m!.mul(this.beta1).add(grad.mul(1 - this.beta1)) as tf.Tensor1D,
        v: this.v!.mul(this.beta2).add(grad.square().mul(1 - this.beta2)) as tf.Tensor1D,
      };
    });
    tf.dispose([this.m!, this.v!]);
    // Kept: apply may run inside a caller's tidy, which must not take the moments with it.
    this.m = tf.keep(m);
    this.v = tf.keep(v);
    tf.tidy(() => {
      const update = m.div(correction1).div(v.div(correction2).sqrt().add(this.epsilon)).mul(-this.learningRate);
      const parts = tf.split(update, this.sizes);
      this.variables.forEach((x, i) => x.assign(parts[i].reshape(x.shape).add(x)));
    });
  }

  /**
   * webgpu only: the trainer's step, clipped to `maxNorm` and guarded (webgpu/adam.ts): applied
   * only if `loss`, the gradient norm and `side` are finite and no earlier guarded step was
   * refused. Returns [loss, gradient norm, applied (1 or 0), side] followed by `extra`'s raw
   * 32-bit words (int32 tokens, read back as float32 bits), for one read whenever the caller likes.
   */
  guardedStep(g: tf.Tensor1D, loss: tf.Scalar, side: tf.Scalar, maxNorm: number, extra?: tf.Tensor): tf.Tensor1D {
    if (!this.fused) throw new Error('FlatAdam.guardedStep runs on webgpu only');
    this.steps++;
    const state = this.gpuState();
    guardedAdamUpdate(state, g, loss, side, this.constants(1 - this.beta1 ** this.steps, 1 - this.beta2 ** this.steps), maxNorm);
    this.handBack(state);
    const report = emptyGpuTensor([4 + (extra?.size ?? 0)]) as tf.Tensor1D;
    copyInto(report, [
      { source: loss, at: 0 },
      { source: state, at: 1, from: 3 * this.total, count: 2 },
      { source: side, at: 3 },
      ...(extra ? [{ source: extra, at: 4 }] : []),
    ]);
    return report;
  }

  /**
   * After the caller has seen that a guarded step was refused: forget the `count` latest
   * guarded steps (refused ones, which changed nothing) and accept guarded steps again.
   */
  resumeAfterRefusal(count: number): void {
    this.steps = Math.max(0, this.steps - count);
    if (this.state) resumeGuard(this.state, this.total);
  }

  /**
   * Take `other`'s moments and step count (an optimiser over variables of the same sizes), so
   * this one's next update is the one `other` would make for the same gradient. The parameters
   * stay this optimiser's own variables'.
   */
  copyStateFrom(other: FlatAdam): void {
    if (other.total !== this.total || other.fused !== this.fused) throw new Error('FlatAdam.copyStateFrom: the optimisers do not match');
    this.steps = other.steps;
    if (!this.fused) {
      tf.dispose([this.m!, this.v!]);
      // Non-fused updates make new tensors, never write in place: a shared copy is safe.
      this.m = tf.keep(other.m!.clone());
      this.v = tf.keep(other.v!.clone());
      return;
    }
    this.state?.dispose();
    this.state = null;
    if (!other.state) return;
    // The fused update writes its state in place: copy into a buffer of our own. The parameter
    // part is refreshed from our variables at the next step (none synced yet).
    const state = emptyGpuTensor([other.state.size]) as tf.Tensor1D;
    copyInto(state, [{ source: other.state, at: 0 }]);
    this.state = tf.keep(state);
    this.synced = this.variables.map(() => null);
  }

  dispose(): void {
    tf.dispose([this.m, this.v, this.state].filter((t): t is tf.Tensor1D => t !== null));
  }

  private constants(correction1: number, correction2: number): AdamConstants {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, correction1, correction2, learningRate: this.learningRate };
  }

  /** The state buffer, its parameter copy brought up to date with any variable changed from outside. */
  private gpuState(): tf.Tensor1D {
    const N = this.total;
    if (!this.state) {
      const init = new Float32Array(adamStateSize(N));
      init[3 * N + 1] = 1; // guarded steps accepted
      this.state = tf.keep(tf.tensor1d(init));
      this.synced = this.variables.map(() => null);
    }
    const stale = this.variables.map((x, i) => (x.dataId === this.synced[i] ? -1 : i)).filter((i) => i >= 0);
    if (stale.length) {
      copyInto(
        this.state,
        stale.map((i) => ({ source: this.variables[i], at: 2 * N + this.offsets[i] })),
      );
      for (const i of stale) this.synced[i] = this.variables[i].dataId;
    }
    return this.state;
  }

  /** Each variable takes a new tensor holding its part of the state's parameters (copies, no dispatch). */
  private handBack(state: tf.Tensor1D): void {
    const N = this.total;
    this.variables.forEach((x, i) => {
      const fresh = emptyGpuTensor(x.shape);
      copyInto(fresh, [{ source: state, at: 0, from: 2 * N + this.offsets[i], count: x.size }]);
      x.assign(fresh);
      fresh.dispose();
      this.synced[i] = x.dataId;
    });
  }
}
