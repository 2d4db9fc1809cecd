// MiniLLM and X-KD against SeqKD and GKD on addition.
import { clearlyBelow } from './stats';
import { fmt as s, tally, type Study } from './study';

export const minillmXkd: Study = {
  name: 'minillm-xkd',
  title: 'MiniLLM and X-KD against SeqKD and GKD on addition',
  claims: [
    'MiniLLM (sequence-level reverse KL by policy gradient) reaches a lower reverse KL on its own samples and a higher score than SeqKD and GKD (Gu et al. 2024).',
    'X-KD improves on its base loss, SeqKD (Cai & Yuan 2026).',
  ],
  // Run when the playground's default rate was 0.003; pinned so the page stays true to its runs.
  common: { lr: 0.003 },
  defaultSteps: 150,
  arms: [
    { id: 'minillm', label: 'MiniLLM', task: 'addition', method: 'minillm' },
    { id: 'xkd', label: 'X-KD (seq)', task: 'addition', method: 'xkd' },
    { id: 'seqkd', label: 'SeqKD', task: 'addition', method: 'seqkd' },
    { id: 'gkd', label: 'GKD', task: 'addition', method: 'gkd' },
  ],
  metrics: [
    { key: 'rklStudent', label: 'rklStudent (per token, student samples)', chart: true },
    { key: 'fklTeacher', label: 'fklTeacher (per token, teacher samples)', chart: true },
    { key: 'score', label: 'score (greedy exact match)', chart: true },
    { key: 'mmOnExact', label: 'mmOnExact' },
  ],
  notes: [
    'Every method at its playground defaults (MiniLLM α = 0.2, γ = 0.95, length normalisation; X-KD sequence-level base, λ = 1, γ = 1; GKD λ = 0.5, JSD β = 0.5).',
  ],
  verdict(r) {
    const m = r.at('minillm', 'rklStudent');
    const q = r.at('seqkd', 'rklStudent');
    const g = r.at('gkd', 'rklStudent');
    const ms = r.at('minillm', 'score');
    const qs = r.at('seqkd', 'score');
    const gs = r.at('gkd', 'score');
    const x = r.at('xkd', 'fklTeacher');
    const qf = r.at('seqkd', 'fklTeacher');
    const xs = r.at('xkd', 'score');
    return [
      {
        claim: this.claims[0],
        verdict: tally([clearlyBelow(m, q), clearlyBelow(m, g), clearlyBelow(qs, ms), clearlyBelow(gs, ms)]),
        line: `rklStudent MiniLLM ${s(m)} vs SeqKD ${s(q)} vs GKD ${s(g)}; score ${s(ms)} vs ${s(qs)} vs ${s(gs)}`,
      },
      {
        claim: this.claims[1],
        verdict: tally([clearlyBelow(x, qf), clearlyBelow(qs, xs)]),
        line: `fklTeacher X-KD ${s(x)} vs SeqKD ${s(qf)}; score ${s(xs)} vs ${s(qs)}`,
      },
    ];
  },
};
