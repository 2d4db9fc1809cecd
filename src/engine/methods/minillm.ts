// MiniLLM (Gu et al., ICLR 2024, arXiv 2306.08543): continuations sampled from the
// teacher-mixed policy αp + (1−α)q, then the policy-gradient loss with the exact single-step
// term (objectives/minillm.ts).
import * as tf from '@tensorflow/tfjs';
import { minillmLoss } from '../objectives/minillm';
import type { HyperOf } from './types';
import type { MINILLM } from './minillm.declaration';
import { planOver, sampledBatch, type MethodRuntime, type StepContext } from './runtime';

type MinillmHyper = HyperOf<typeof MINILLM>;

export function minillm(): MethodRuntime<MinillmHyper> {
  return {
    prepare(ctx: StepContext<MinillmHyper>) {
      const { mixAlpha, clip, gamma, lengthNorm } = ctx.hyper;
      // The teacher ran on these tokens while mixing into the sampling: its logits come along.
      const b = sampledBatch(ctx, ctx.student, 1, { model: ctx.teacher, weight: mixAlpha }, true);
      b.logits?.dispose();
      const teacherLogits = b.mixLogits!;
      return planOver(
        b,
        'mixed',
        () => {
          const out = minillmLoss({
            studentLogits: ctx.student.forward(b.tokens),
            teacherLogits,
            targets: b.targets,
            mask: b.mask,
            mixAlpha,
            gamma,
            lengthNorm,
            clip: clip > 0 ? clip : null,
          });
          tf.dispose([out.pgLoss, out.singleStepLoss]);
          return out.loss;
        },
        [teacherLogits],
      );
    },
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {},
  };
}
