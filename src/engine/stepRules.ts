// The rules every student step follows, whatever the method: the learning-rate warm-up, the
// gradient clip, when a step halts the run, and which steps end with an evaluation.

/** Global gradient-norm clip of every student step. */
export const MAX_GRAD_NORM = 1;

/**
 * Steps evaluated whatever evalEvery says, so the first curve points come within seconds of
 * Play (a warm student changes fastest at the start); after them, every evalEvery steps.
 */
export const EARLY_EVAL_STEPS: readonly number[] = [1, 2, 4, 8, 16];

/** Whether the trainer records an evaluation after step `step` (0 is the caller's first record). */
export function isEvalStep(step: number, evalEvery: number, early: readonly number[] = EARLY_EVAL_STEPS): boolean {
  return step % evalEvery === 0 || early.includes(step);
}

/** The learning rate of step `step` (0-based): linear warm-up over `warmup` steps, then `lr`. */
export function warmedUp(lr: number, step: number, warmup: number): number {
  return warmup > 0 && step < warmup ? (lr * (step + 1)) / warmup : lr;
}

/**
 * Why step `step` (1-based) halts the run, or null: a non-finite loss, gradient norm or second
 * loss (named `sideLoss` by the method's declaration; 0 when the method reports none).
 */
export function haltReason(step: number, loss: number, gradNorm: number, side: number, sideLoss: string | null): string | null {
  const what = !Number.isFinite(loss)
    ? `the loss is ${loss}`
    : !Number.isFinite(gradNorm)
      ? `the gradient norm is ${gradNorm}`
      : !Number.isFinite(side)
        ? `the ${sideLoss ?? 'second'} loss is ${side}`
        : null;
  if (!what) return null;
  return `Halted at step ${step}: ${what}. The weights are kept from step ${step - 1}; lower the learning rate or reset the run.`;
}
