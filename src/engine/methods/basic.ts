// The single-source methods: SFT and SeqKD (likelihood of dataset answers or of teacher samples)
// and the word-level divergences KD, RKL and TVD on dataset prefixes. See docs/methods.md.
import * as tf from '@tensorflow/tfjs';
import { maskedMean, tokenNll } from '../objectives/likelihood';
import { tokenDivergence, type DivergenceKind } from '../objectives/divergences';
import type { HyperOf } from './types';
import type { KD, SEQKD } from './basic.declaration';
import { datasetBatch, planOver, sampledBatch, type MethodRuntime, type StepContext, type StepPlan } from './runtime';
import { timed } from '../profile';

function stateless<H>(prepare: (ctx: StepContext<H>) => StepPlan): MethodRuntime<H> {
  return { prepare, extraVariables: () => [], extras: () => ({}), dispose() {} };
}

/** Negative log-likelihood of the reference answers. */
export function sft(): MethodRuntime<unknown> {
  return stateless((ctx) => {
    const b = datasetBatch(ctx);
    return planOver(b, 'dataset', () => maskedMean(tokenNll(ctx.student.forward(b.tokens), b.targets), b.mask));
  });
}

/** Negative log-likelihood of teacher samples at τ_s (Kim & Rush 2016). */
export function seqkd(): MethodRuntime<HyperOf<typeof SEQKD>> {
  return stateless((ctx) => {
    const b = sampledBatch(ctx, ctx.teacher, ctx.hyper.sampleTemperature);
    return planOver(b, 'teacher', () => maskedMean(tokenNll(ctx.student.forward(b.tokens), b.targets), b.mask));
  });
}

/**
 * A token divergence on dataset prefixes, scaled by `scale(hyper)`: KD is τ²·fkl at τ
 * (Hinton et al. 2015: τ² keeps the gradient's size independent of τ), RKL and TVD at τ = 1.
 */
function onDatasetPrefixes<H>(kind: DivergenceKind, temperature: (ctx: StepContext<H>) => number): MethodRuntime<H> {
  return stateless((ctx) => {
    const b = datasetBatch(ctx);
    const tau = temperature(ctx);
    const teacherLogits = timed('teacherForward', () => ctx.teacher.forward(b.tokens));
    return planOver(
      b,
      'dataset',
      () => maskedMean(tokenDivergence(kind, teacherLogits, ctx.student.forward(b.tokens), { temperature: tau }), b.mask).mul(tau * tau) as tf.Scalar,
      [teacherLogits],
    );
  });
}

export const kd = () => onDatasetPrefixes<HyperOf<typeof KD>>('fkl', (ctx) => ctx.hyper.temperature);
export const rkl = () => onDatasetPrefixes<unknown>('rkl', () => 1);
export const tvd = () => onDatasetPrefixes<unknown>('tvd', () => 1);
