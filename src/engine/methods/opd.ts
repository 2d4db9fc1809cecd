// On-policy distillation (Lu et al., Thinking Machines 2025; TRL's DistillationTrainer): each
// step the student samples continuations of the step's prompts, the teacher scores them, and the
// loss is the sampled-token policy gradient or the dense reverse KL (objectives/opd.ts).
import { opdDenseLoss, opdSampledLoss } from '../objectives/opd';
import type { HyperOf } from './types';
import type { OPD } from './opd.declaration';
import { planOver, sampledBatch, type MethodRuntime, type StepContext } from './runtime';
import { timed } from '../profile';

type OpdHyper = HyperOf<typeof OPD>;

export function opd(): MethodRuntime<OpdHyper> {
  return {
    prepare(ctx: StepContext<OpdHyper>) {
      const { variant, gamma, sampleTemperature } = ctx.hyper;
      const b = sampledBatch(ctx, ctx.student, sampleTemperature);
      const teacherLogits = timed('teacherForward', () => ctx.teacher.forward(b.tokens));
      return planOver(
        b,
        'student',
        () => {
          const args = { studentLogits: ctx.student.forward(b.tokens), teacherLogits, targets: b.targets, mask: b.mask };
          return variant === 'dense' ? opdDenseLoss(args) : opdSampledLoss({ ...args, gamma });
        },
        [teacherLogits],
      );
    },
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {},
  };
}
