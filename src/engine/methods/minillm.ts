// MiniLLM (Gu et al., ICLR 2024, arXiv 2306.08543): continuations sampled from the
// teacher-mixed policy αp + (1−α)q, then the policy-gradient loss with the exact single-step
// term (objectives/minillm.ts).
import * as tf from '@tensorflow/tfjs';
import { minillmLoss } from '../objectives/minillm';
import { bool, num } from '../runConfig';
import { planOver, sampledBatch, type MethodRuntime, type StepContext } from './runtime';

export function minillm(): MethodRuntime {
  return {
    prepare(ctx: StepContext) {
      const mixAlpha = num(ctx.hyper, 'mixAlpha');
      // The teacher ran on these tokens while mixing into the sampling: its logits come along.
      const b = sampledBatch(ctx, ctx.student, 1, { model: ctx.teacher, weight: mixAlpha }, true);
      b.logits?.dispose();
      const teacherLogits = b.mixLogits!;
      const clip = num(ctx.hyper, 'clip');
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
            gamma: num(ctx.hyper, 'gamma'),
            lengthNorm: bool(ctx.hyper, 'lengthNorm'),
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
