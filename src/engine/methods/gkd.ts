// GKD (Agarwal et al., ICLR 2024, arXiv 2306.13649, Algorithm 1): each step draws u ~ U(0,1);
// if u < λ the batch is the student's own samples (on-policy), otherwise the dataset or teacher
// samples. The loss is the chosen token divergence, with no gradient through the sampling.
import { maskedMean } from '../objectives/likelihood';
import { tokenDivergence, type DivergenceKind } from '../objectives/divergences';
import { num, str } from '../runConfig';
import { datasetBatch, planOver, sampledBatch, type DataSource, type SampledBatch, type MethodRuntime, type StepContext } from './runtime';
import { timed } from '../profile';

/** Where GKD's batch comes from for a draw u: u < λ → student samples. λ = 0 never, λ = 1 always. */
export function gkdSource(u: number, lambda: number, offPolicyData: string): DataSource {
  if (u < lambda) return 'student';
  return offPolicyData === 'teacher' ? 'teacher' : 'dataset';
}

export function gkd(): MethodRuntime {
  return {
    prepare(ctx: StepContext) {
      const u = ctx.methodRng.next(); // drawn every step, whatever λ, so the stream never shifts
      const source = gkdSource(u, num(ctx.hyper, 'lambda'), str(ctx.hyper, 'offPolicyData'));
      const tau = num(ctx.hyper, 'sampleTemperature');
      // On teacher samples the teacher's logits come back from the sampling; otherwise one forward.
      const b: SampledBatch =
        source === 'student'
          ? sampledBatch(ctx, ctx.student, tau)
          : source === 'teacher'
            ? sampledBatch(ctx, ctx.teacher, tau, undefined, true)
            : datasetBatch(ctx);
      const kind = str(ctx.hyper, 'divergence') as DivergenceKind;
      const beta = num(ctx.hyper, 'beta');
      const teacherLogits = b.logits ?? timed('teacherForward', () => ctx.teacher.forward(b.tokens));
      return planOver(b, source, () => maskedMean(tokenDivergence(kind, teacherLogits, ctx.student.forward(b.tokens), { beta }), b.mask), [teacherLogits]);
    },
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {},
  };
}
