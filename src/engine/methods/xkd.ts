// X-KD (Cai & Yuan, arXiv 2602.12674, adopting AVRIL): on teacher samples, the student's logits
// are Q-values and a Gaussian reward head on the student's hidden states is fitted jointly with
// the student by the same optimiser (objectives/xkd.ts). The head reads the hidden states
// through a stop-gradient: the reward model does not reshape the student's trunk.
import * as tf from '@tensorflow/tfjs';
import { RewardHead, xkdLoss } from '../objectives/xkd';
import { stopGradient } from '../objectives/stopGradient';
import type { HyperOf } from './types';
import type { XKD } from './xkd.declaration';
import { sampledBatch, planOver, type MethodRuntime, type MethodSetup, type StepContext } from './runtime';

type XkdHyper = HyperOf<typeof XKD>;

export function xkd(setup: MethodSetup<XkdHyper>): MethodRuntime<XkdHyper> {
  const head = RewardHead.init(setup.studentConfig.dModel, setup.studentConfig.vocabSize, setup.initRng);
  return {
    prepare(ctx: StepContext<XkdHyper>) {
      const { sampleTemperature, base, lambda, gamma, divergence } = ctx.hyper;
      // Teacher samples: the teacher's logits on them come back from the sampling.
      const b = sampledBatch(ctx, ctx.teacher, sampleTemperature, undefined, true);
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
            lambda,
            gamma,
            base,
            divergence,
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
