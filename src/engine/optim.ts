// One optimiser step with global-norm gradient clipping, all on the device.
import * as tf from '@tensorflow/tfjs';

/**
 * Minimise `loss` over `vars` by one step of `optimizer`, clipping the global gradient norm to
 * `maxNorm` (≤ 0: no clipping). Returns the loss and the pre-clip gradient norm, both scalars
 * the caller owns and disposes. Nothing is read back here.
 */
export function clippedStep(optimizer: tf.Optimizer, vars: tf.Variable[], loss: () => tf.Scalar, maxNorm = 1): { loss: tf.Scalar; gradNorm: tf.Scalar } {
  const { value, grads } = tf.variableGrads(loss, vars);
  const gradNorm = tf.tidy(() => {
    const norm = globalNorm(Object.values(grads));
    const scale = maxNorm > 0 ? tf.minimum(1, tf.div(maxNorm, norm.add(1e-6))) : tf.scalar(1);
    const clipped: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = g.mul(scale);
    optimizer.applyGradients(clipped);
    return norm;
  });
  tf.dispose(grads);
  return { loss: value, gradNorm };
}

/**
 * √(Σ‖g‖²) over a list of tensors. Not tf.addN: its WebGPU kernel binds every input as a
 * storage buffer and silently returns stale values past the default limit of 8 per shader
 * stage (measured, tfjs 4.22 + Dawn), so the squares are added pairwise.
 */
export function globalNorm(tensors: tf.Tensor[]): tf.Scalar {
  return tf.tidy(
    () =>
      tensors
        .map((g) => g.square().sum())
        .reduce((a, b) => a.add(b))
        .sqrt() as tf.Scalar,
  );
}

/** Linear warm-up then cosine decay to 10% of the peak. */
export function warmupCosine(step: number, total: number, peak: number, warmup: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return peak * (0.1 + 0.45 * (1 + Math.cos(Math.PI * progress)));
}

/**
 * Change an optimiser's learning rate between steps. tf.js optimisers read the field at every
 * step but do not declare it writable, hence the one cast here.
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}
