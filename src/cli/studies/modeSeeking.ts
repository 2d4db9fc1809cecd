// Mode seeking on the grammar: which divergences trade diversity for grammatical samples.
import { clearlyBelow } from './stats';
import { fmt as s, tally, type Arm, type Study } from './study';

const MODE_ARMS: Arm[] = [
  { id: 'fkl', label: 'forward KL', task: 'grammar', method: 'gkd', hyper: { divergence: 'fkl' } },
  { id: 'rkl', label: 'reverse KL', task: 'grammar', method: 'gkd', hyper: { divergence: 'rkl' } },
  { id: 'jsd0.1', label: 'JSD β=0.1', task: 'grammar', method: 'gkd', hyper: { divergence: 'jsd', beta: 0.1 } },
  { id: 'jsd0.5', label: 'JSD β=0.5', task: 'grammar', method: 'gkd', hyper: { divergence: 'jsd', beta: 0.5 } },
  { id: 'jsd0.9', label: 'JSD β=0.9', task: 'grammar', method: 'gkd', hyper: { divergence: 'jsd', beta: 0.9 } },
  { id: 'tvd', label: 'TVD', task: 'grammar', method: 'gkd', hyper: { divergence: 'tvd' } },
];

export const modeSeeking: Study = {
  name: 'mode-seeking',
  title: 'Mode seeking on the grammar: fkl, rkl, JSD(β), TVD',
  claims: [
    'With a student too small to cover the teacher, reverse KL and JSD with large β give more grammatical samples and less diversity than forward KL (Agarwal et al. 2024; Wen et al. 2023).',
  ],
  // Run when the playground's default rate was 0.003; pinned so the page stays true to its runs.
  common: { studentWidth: 16, studentHeads: 2, studentLayers: 1, lr: 0.003 },
  defaultSteps: 150,
  arms: MODE_ARMS,
  grammarProbe: true,
  metrics: [
    { key: 'grammaticalRate', label: 'grammatical rate (256 samples, τ = 1)', chart: true },
    { key: 'distinct', label: 'distinct samples (of 256)', chart: true },
    { key: 'seqKlGrammar', label: 'sequence KL(p_grammar ‖ q), nats (256 grammar sentences)', chart: true },
    { key: 'rklStudent', label: 'rklStudent (per token, vs teacher)' },
    { key: 'fklTeacher', label: 'fklTeacher (per token, vs teacher)' },
  ],
  notes: [
    'All arms are GKD with its default λ = 0.5 (half the steps on the student’s own samples, half on grammar sentences) and only the divergence changed; the student is d16×1 (2 heads), a quarter of the default width, so that it cannot cover the d64×3 teacher.',
    'The probe uses the same 256 sampling noises and the same 256 grammar sentences for every run and checkpoint (common random numbers).',
    'JSD(β) here is GKD’s: β → 0 is forward KL, β → 1 reverse KL, and its value scales with β.',
  ],
  verdict(r) {
    const fg = r.at('fkl', 'grammaticalRate');
    const fd = r.at('fkl', 'distinct');
    const checks: boolean[] = [];
    const parts: string[] = [`fkl: grammatical ${s(fg)}, distinct ${s(fd)}, seqKL ${s(r.at('fkl', 'seqKlGrammar'))}`];
    for (const arm of ['rkl', 'jsd0.9']) {
      const g = r.at(arm, 'grammaticalRate');
      const d = r.at(arm, 'distinct');
      checks.push(clearlyBelow(fg, g), clearlyBelow(d, fd));
      parts.push(`${arm}: grammatical ${s(g)}, distinct ${s(d)}, seqKL ${s(r.at(arm, 'seqKlGrammar'))}`);
    }
    return [{ claim: this.claims[0], verdict: tally(checks), line: parts.join('; ') }];
  },
};
