// One-click lessons. Each preset is a partial experiment resolved like a URL, so a preset and
// the link it produces are the same thing; most are races, so the lesson is a comparison.
import type { PartialSpec } from '../shared/runSpec';

export interface Preset {
  id: string;
  title: string;
  /** What to watch for, in two or three sentences. */
  lesson: string;
  spec: PartialSpec;
}

// Small, fast settings shared by the lessons: evaluate often so curves appear quickly.
const quick = { batchSize: 32, evalEvery: 10, seed: 1 };

export const PRESETS: readonly Preset[] = [
  {
    id: 'mode-covering-vs-seeking',
    title: 'Mode covering vs mode seeking',
    lesson:
      'Forward KL (word-level KD) against reverse KL on the grammar, whose sentences have many valid continuations. Forward KL makes the small student spread over every continuation the teacher allows; reverse KL lets it commit to the likely ones. Compare the reverse KL on the student’s own samples with the forward KL on the teacher’s, and the grammatical rate.',
    spec: {
      settings: { ...quick, task: 'grammar' },
      lanes: [
        { method: 'kd', hyper: { temperature: 1 } },
        { method: 'rkl', hyper: {} },
      ],
    },
  },
  {
    id: 'exposure-bias',
    title: 'Exposure bias',
    lesson:
      'GKD with forward KL trained only on dataset prefixes (λ = 0) against only on the student’s own samples (λ = 1, ImitKD). Off-policy training never shows the student its own mistakes, so its divergence on its own prefixes (reverse KL, TVD on student samples) lags behind even when the teacher-prefix divergence looks fine.',
    spec: {
      settings: { ...quick, task: 'addition' },
      lanes: [
        { method: 'gkd', hyper: { lambda: 0, divergence: 'fkl' } },
        { method: 'gkd', hyper: { lambda: 1, divergence: 'fkl' } },
      ],
    },
  },
  {
    id: 'critic-adversary',
    title: 'The critic as adversary',
    lesson:
      'AMMD with no critic steps (K = 0) against five critic steps per student step (K = 5). Without training, the critics’ estimates of the moment-matching distance stay far below the exact best-critic values; with K = 5 the critic keeps up and the student is pushed on the moments that matter.',
    spec: {
      settings: { ...quick, task: 'addition' },
      lanes: [
        { method: 'ammd', hyper: { criticSteps: 0 } },
        { method: 'ammd', hyper: { criticSteps: 5 } },
      ],
    },
  },
  {
    id: 'skew-kl',
    title: 'Skew KL (DistiLLM α)',
    lesson:
      'DistiLLM’s skew KL with α = 0 (plain forward KL), 0.1 (the paper’s choice) and 0.5. Mixing a little of the teacher into the student’s distribution bounds the loss’s gradient where the student gives a token almost no mass; too much skew weakens the signal.',
    spec: {
      settings: { ...quick, task: 'reverse' },
      lanes: [
        { method: 'distillm', hyper: { divergence: 'skl', alpha: 0 } },
        { method: 'distillm', hyper: { divergence: 'skl', alpha: 0.1 } },
        { method: 'distillm', hyper: { divergence: 'skl', alpha: 0.5 } },
      ],
    },
  },
  {
    id: 'unpenalised-critic',
    title: 'The unpenalised critic',
    lesson:
      'AMMD with its critic penalty switched off (c = 0) against the default c = 1. Without the L2 penalty the critics race to the bound R and the game stops being informative: watch the critic loss and the gap between critic estimates and exact values.',
    spec: {
      settings: { ...quick, task: 'addition' },
      lanes: [
        { method: 'ammd', hyper: { penalty: 1 } },
        { method: 'ammd', hyper: { penalty: 0 } },
      ],
    },
  },
  {
    id: 'ammd-alone',
    title: 'AMMD on addition',
    lesson: 'The centre of the product on its own: a student distilled by adversarial moment matching. The critics’ estimates (solid) chase the exact best-critic distances (dashed) while both fall.',
    spec: { settings: { ...quick, task: 'addition' }, lanes: [{ method: 'ammd', hyper: {} }] },
  },
];

export function getPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
