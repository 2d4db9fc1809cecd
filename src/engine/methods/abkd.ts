// ABKD (Wang et al., ICML 2025, arXiv 2505.04560): the α-β divergence (objectives/abkd.ts) at
// every dataset prefix.
import { maskedMean } from '../objectives/likelihood';
import { abDivergence } from '../objectives/abkd';
import type { HyperOf } from './types';
import type { ABKD } from './abkd.declaration';
import { datasetBatch, planOver, type MethodRuntime, type StepContext } from './runtime';
import { timed } from '../profile';

type AbkdHyper = HyperOf<typeof ABKD>;

export function abkd(): MethodRuntime<AbkdHyper> {
  return {
    prepare(ctx: StepContext<AbkdHyper>) {
      const { alpha, beta } = ctx.hyper;
      const b = datasetBatch(ctx);
      const teacherLogits = timed('teacherForward', () => ctx.teacher.forward(b.tokens));
      return planOver(b, 'dataset', () => maskedMean(abDivergence(teacherLogits, ctx.student.forward(b.tokens), alpha, beta), b.mask), [teacherLogits]);
    },
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {},
  };
}
