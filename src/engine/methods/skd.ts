// SKD (Xu et al., ICLR 2025, arXiv 2410.11325): each step the student proposes continuations of
// the step's prompts token by token, the teacher replaces the proposals outside its top K
// (objectives/skd.ts), and the student minimises the chosen divergence on the result. Which
// tokens were replaced comes back with the step's one read, for the acceptance rate.
import { maskedMean } from '../objectives/likelihood';
import { tokenDivergence } from '../objectives/divergences';
import { SKD_STATUS, sampleSpeculative } from '../objectives/skd';
import { shiftTargets } from '../deviceBatch';
import type { HyperOf } from './types';
import type { SKD } from './skd.declaration';
import { planOver, stepPrompts, type MethodRuntime, type StepContext } from './runtime';
import { timed } from '../profile';

type SkdHyper = HyperOf<typeof SKD>;

export function skd(): MethodRuntime<SkdHyper> {
  // Proposals since the last record, and the rate reported then (kept while no step ran).
  let accepted = 0;
  let proposed = 0;
  let rate: number | null = null;
  return {
    prepare(ctx: StepContext<SkdHyper>) {
      const { topK, sampleTemperature, teacherTemperature, divergence } = ctx.hyper;
      const s = timed('sampling', () =>
        sampleSpeculative(ctx.student, ctx.teacher, stepPrompts(ctx), {
          studentTemperature: sampleTemperature,
          teacherTemperature,
          topK,
          rng: ctx.sampleRng,
          keepTeacherLogits: true,
        }),
      );
      const b = { tokens: s.tokens, targets: shiftTargets(s.tokens), mask: s.mask };
      const teacherLogits = s.teacherLogits!;
      const plan = planOver(b, 'speculative', () => maskedMean(tokenDivergence(divergence, teacherLogits, ctx.student.forward(b.tokens)), b.mask), [
        teacherLogits,
        s.status,
        s.proposals,
      ]);
      plan.readTokens = s.status;
      plan.afterRead = (codes) => {
        for (const c of codes) {
          if (c === SKD_STATUS.accepted) accepted++;
          if (c !== SKD_STATUS.none) proposed++;
        }
      };
      return plan;
    },
    metrics() {
      if (proposed > 0) rate = accepted / proposed;
      accepted = 0;
      proposed = 0;
      return rate === null ? {} : { skdAcceptance: rate };
    },
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {},
  };
}
