// X-KD (Cai & Yuan, arXiv 2602.12674, adopting AVRIL): on teacher samples, the student's logits
// are Q-values and a Gaussian reward head on the student's hidden states is fitted jointly with
// the student by the same optimiser (objectives/xkd.ts). The head reads the hidden states
// through a stop-gradient: the reward model does not reshape the student's trunk.
import * as tf from '@tensorflow/tfjs';
import { RewardHead, xkdLoss } from '../objectives/xkd';
import { stopGradient } from '../objectives/stopGradient';
import type { DivergenceKind } from '../objectives/divergences';
import { num, str } from '../runConfig';
import { sampledBatch, planOver, type MethodRuntime, type MethodSetup, type StepContext } from './runtime';

export function xkd(setup: MethodSetup): MethodRuntime {
  const head = RewardHead.init(setup.studentConfig.dModel, setup.studentConfig.vocabSize, setup.initRng);
  return {
    prepare(ctx: StepContext) {
      // Teacher samples: the teacher's logits on them come back from the sampling.
      const b = sampledBatch(ctx, ctx.teacher, num(ctx.hyper, 'sampleTemperature'), undefined, true);
      const base = str(ctx.hyper, 'base') === 'divergence' ? 'divergence' : 'seq';
      const teacherLogits = b.logits!;
      const plan = planOver(
        b,
        'teacher',
        () => {
          const hidden = ctx.student.hidden(b.tokens);
          const { mu, logSigma } = head.gaussian(stopGradient(hidden));
          const out = xkdLoss({
            studentLogits: ctx.student.head(hidden),
            teacherLogits,
            mu,
            logSigma,
            targets: b.targets,
            mask: b.mask,
            lambda: num(ctx.hyper, 'lambda'),
            gamma: num(ctx.hyper, 'gamma'),
            base,
            divergence: str(ctx.hyper, 'divergence') as DivergenceKind,
          });
          plan.side?.dispose();
          plan.side = tf.keep(out.rewardLoss); // reported as the critic loss
          return out.loss;
        },
        [teacherLogits],
      );
      return plan;
    },
    extraVariables: () => head.variables(),
    extras: () => ({}),
    dispose() {
      head.dispose();
    },
  };
}
