// DistiLLM-2 (Ko et al., ICML 2025, arXiv 2503.07067): each step the teacher and the student
// each answer the step's prompts once, row b of both batches the same prompt, and the loss pairs
// skew KL on the teacher's answers with skew reverse KL on the student's (objectives/distillm2.ts).
import * as tf from '@tensorflow/tfjs';
import { distillm2Loss } from '../objectives/distillm2';
import type { HyperOf } from './types';
import type { DISTILLM2 } from './distillm2.declaration';
import { disposeBatch } from '../deviceBatch';
import { sampledBatch, type MethodRuntime, type StepContext, type StepPlan } from './runtime';
import { timed } from '../profile';

type Distillm2Hyper = HyperOf<typeof DISTILLM2>;

export function distillm2(): MethodRuntime<Distillm2Hyper> {
  return {
    prepare(ctx: StepContext<Distillm2Hyper>): StepPlan {
      const { alphaTeacher, alphaStudent, beta, sampleTemperature } = ctx.hyper;
      // The teacher's logits on its own responses come back from its sampling.
      const fromTeacher = sampledBatch(ctx, ctx.teacher, sampleTemperature, undefined, true);
      const fromStudent = sampledBatch(ctx, ctx.student, sampleTemperature);
      const teacherOnTeacher = fromTeacher.logits!;
      const teacherOnStudent = timed('teacherForward', () => ctx.teacher.forward(fromStudent.tokens));
      const plan: StepPlan = {
        source: 'paired',
        batch: fromStudent,
        side: null,
        loss: () => {
          const terms = distillm2Loss(
            { teacherLogits: teacherOnTeacher, studentLogits: ctx.student.forward(fromTeacher.tokens), mask: fromTeacher.mask },
            { teacherLogits: teacherOnStudent, studentLogits: ctx.student.forward(fromStudent.tokens), mask: fromStudent.mask },
            { alpha1: alphaTeacher, alpha2: alphaStudent, beta },
          );
          tf.dispose([terms.skl, terms.srkl]);
          return terms.loss;
        },
        dispose() {
          disposeBatch(fromTeacher);
          disposeBatch(fromStudent);
          tf.dispose([teacherOnTeacher, teacherOnStudent]);
        },
      };
      return plan;
    },
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {},
  };
}
