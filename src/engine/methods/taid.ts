// TAID (Shing et al., ICLR 2025, arXiv 2501.16937): forward KL on dataset prefixes toward the
// interpolated target p_t (objectives/taid.ts); after each step the loss moves t on its schedule.
import { maskedMean } from '../objectives/likelihood';
import { TaidSchedule, taidDivergence } from '../objectives/taid';
import type { HyperOf } from './types';
import type { TAID } from './taid.declaration';
import { datasetBatch, planOver, type MethodRuntime, type MethodSetup, type StepContext } from './runtime';
import { timed } from '../profile';

type TaidHyper = HyperOf<typeof TAID>;

export function taid(setup: MethodSetup<TaidHyper>): MethodRuntime<TaidHyper> {
  const schedule = new TaidSchedule(setup.hyper.tStart);
  return {
    prepare(ctx: StepContext<TaidHyper>) {
      const b = datasetBatch(ctx);
      const t = schedule.t;
      const teacherLogits = timed('teacherForward', () => ctx.teacher.forward(b.tokens));
      const plan = planOver(b, 'dataset', () => maskedMean(taidDivergence(teacherLogits, ctx.student.forward(b.tokens), t), b.mask), [teacherLogits]);
      const { alpha, beta, adaptive } = ctx.hyper;
      const opts = { tStart: setup.hyper.tStart, tEnd: 1, alpha, beta, adaptive };
      plan.afterStep = (loss) => schedule.update(loss, ctx.step, ctx.settings.steps, opts);
      return plan;
    },
    metrics: () => ({ taidT: schedule.t }),
    plainState: () => [schedule],
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {},
  };
}
