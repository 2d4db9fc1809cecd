// DistiLLM (Ko et al., ICML 2024, arXiv 2402.03898): skew KL or skew reverse KL, on a batch that
// is fresh student samples, replayed student samples or the dataset, as the adaptive
// off-policy schedule decides (objectives/distillm.ts). Fresh samples go into the replay
// buffer; their tokens come back to the CPU in the step's one read.
import { maskedMean } from '../objectives/likelihood';
import { tokenDivergence } from '../objectives/divergences';
import { AdaptiveOffPolicy, ReplayBuffer } from '../objectives/distillm';
import { fromTokens } from '../data';
import type { HyperOf } from './types';
import type { DISTILLM } from './distillm.declaration';
import { datasetBatch, planOver, sampledBatch, stepPrompts, type MethodRuntime, type MethodSetup, type StepContext } from './runtime';
import { uploadBatch } from '../deviceBatch';
import { timed } from '../profile';

type DistillmHyper = HyperOf<typeof DISTILLM>;

export function distillm(setup: MethodSetup<DistillmHyper>): MethodRuntime<DistillmHyper> {
  const seqLen = setup.studentConfig.seqLen;
  const schedule = new AdaptiveOffPolicy(setup.hyper.epsilon);
  const buffer = new ReplayBuffer(setup.hyper.bufferCapacity, seqLen);
  return {
    prepare(ctx: StepContext<DistillmHyper>) {
      const { sampleTemperature, divergence, alpha } = ctx.hyper;
      const r = ctx.methodRng.next();
      const choice = schedule.choose(r, ctx.step, ctx.settings.steps, buffer.full);
      const B = ctx.examples.length;
      let batch;
      let promptLens: Int32Array | null = null;
      if (choice === 'fresh') {
        batch = sampledBatch(ctx, ctx.student, sampleTemperature);
        promptLens = stepPrompts(ctx).promptLens;
      } else if (choice === 'buffer') {
        const replay = buffer.sample(B, ctx.methodRng);
        batch = uploadBatch(fromTokens(replay.tokens, replay.promptLens, seqLen));
      } else {
        batch = datasetBatch(ctx);
      }
      const teacherLogits = timed('teacherForward', () => ctx.teacher.forward(batch.tokens));
      const b = batch;
      const plan = planOver(
        b,
        choice === 'fresh' ? 'student' : choice === 'buffer' ? 'buffer' : 'dataset',
        () => maskedMean(tokenDivergence(divergence, teacherLogits, ctx.student.forward(b.tokens), { alpha }), b.mask),
        [teacherLogits],
      );
      if (promptLens) {
        const lens = promptLens;
        plan.readTokens = b.tokens;
        plan.afterRead = (tokens) => buffer.push(tokens, lens);
      }
      return plan;
    },
    observeEvaluation(valNll: number) {
      schedule.observeValidationNll(valNll);
    },
    extras: () => ({ phi: schedule.phi, bufferFill: buffer.size / buffer.capacity }),
    plainState: () => [schedule, buffer],
    extraVariables: () => [],
    dispose() {},
  };
}
