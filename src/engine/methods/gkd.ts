// GKD (Agarwal et al., ICLR 2024, arXiv 2306.13649, Algorithm 1): each step draws u ~ U(0,1);
// if u < λ the batch is the student's own samples (on-policy), otherwise the dataset or teacher
// samples. The loss is the chosen token divergence, with no gradient through the sampling.
import { maskedMean } from '../objectives/likelihood';
import { tokenDivergence } from '../objectives/divergences';
import type { HyperOf } from './types';
import type { GKD } from './gkd.declaration';
import { datasetBatch, planOver, sampledBatch, type DataSource, type SampledBatch, type MethodRuntime, type StepContext } from './runtime';
import { timed } from '../profile';

/** Where GKD's batch comes from for a draw u: u < λ → student samples. λ = 0 never, λ = 1 always. */
export function gkdSource(u: number, lambda: number, offPolicyData: GkdHyper['offPolicyData']): DataSource {
  if (u < lambda) return 'student';
  return offPolicyData === 'teacher' ? 'teacher' : 'dataset';
}

type GkdHyper = HyperOf<typeof GKD>;

export function gkd(): MethodRuntime<GkdHyper> {
  return {
    prepare(ctx: StepContext<GkdHyper>) {
      const { lambda, offPolicyData, sampleTemperature: tau, divergence, beta } = ctx.hyper;
      const u = ctx.methodRng.next(); // drawn every step, whatever λ, so the stream never shifts
      const source = gkdSource(u, lambda, offPolicyData);
      // On teacher samples the teacher's logits come back from the sampling; otherwise one forward.
      const b: SampledBatch =
        source === 'student'
          ? sampledBatch(ctx, ctx.student, tau)
          : source === 'teacher'
            ? sampledBatch(ctx, ctx.teacher, tau, undefined, true)
            : datasetBatch(ctx);
      const teacherLogits = b.logits ?? timed('teacherForward', () => ctx.teacher.forward(b.tokens));
      return planOver(b, source, () => maskedMean(tokenDivergence(divergence, teacherLogits, ctx.student.forward(b.tokens), { beta }), b.mask), [
        teacherLogits,
      ]);
    },
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {},
  };
}
