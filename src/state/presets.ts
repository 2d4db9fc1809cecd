// One-click lessons. Each preset is a partial experiment resolved like a URL, so a preset and
// the link it produces are the same thing. Each is a race that states one effect (`effect`),
// which `npm run lessons` checks headless over several seeds at the lesson's own budget; the page
// offers only the lessons whose check holds (public/lessons/index.json).
import type { PartialSpec } from '../shared/runSpec';
import type { LessonEffect } from './lessons';

export interface Preset {
  id: string;
  title: string;
  /** The question the learner answers before pressing Play. */
  question: string;
  /** Whether the question asks which student is lower (default) or higher on the metric. */
  ask?: 'lower' | 'higher';
  /** What the check measured, shown once the run has passed the checkpoint. */
  lesson: string;
  /** The one effect the lesson states, checked by `npm run lessons`. */
  effect: LessonEffect;
  spec: PartialSpec;
}

// Shared by the lessons: evaluate often so curves appear quickly; `steps` is the lesson's budget
// (it is also the run's planned length, which DistiLLM's schedule reads).
const quick = (steps: number) => ({ batchSize: 32, evalEvery: 10, seed: 1, steps });

export const PRESETS: readonly Preset[] = [
  {
    id: 'mode-covering-vs-seeking',
    title: 'Mode covering vs mode seeking',
    question: 'Forward KL (word-level KD) or reverse KL on the grammar: which student ends up with the lower forward KL on the teacher’s own sentences?',
    lesson:
      'Forward KL (word-level KD) against reverse KL on the grammar, whose sentences have many valid continuations. Forward KL charges the student for every continuation the teacher uses and it misses; reverse KL does not. The check: forward KL on the teacher’s samples (fklTeacher) at the checkpoint, lower for the forward-KL student.',
    effect: { metric: 'fklTeacher', lower: 0, higher: 1, checkpoint: 200, steps: 200 },
    spec: {
      settings: { ...quick(200), task: 'grammar' },
      lanes: [
        { method: 'kd', hyper: { temperature: 1 } },
        { method: 'rkl', hyper: {} },
      ],
    },
  },
  {
    id: 'exposure-bias',
    title: 'Exposure bias',
    question: 'GKD on dataset prefixes only (λ = 0) or on the student’s own samples only (λ = 1): which student has the lower reverse KL on its own samples?',
    lesson:
      'GKD with forward KL trained only on dataset prefixes (λ = 0) against only on the student’s own samples (λ = 1, ImitKD). Off-policy training never shows the student its own mistakes. The check: reverse KL on the student’s own samples (rklStudent) at the checkpoint, lower for λ = 1.',
    effect: { metric: 'rklStudent', lower: 1, higher: 0, checkpoint: 200, steps: 200 },
    spec: {
      settings: { ...quick(200), task: 'addition' },
      lanes: [
        { method: 'gkd', hyper: { lambda: 0, divergence: 'fkl' } },
        { method: 'gkd', hyper: { lambda: 1, divergence: 'fkl' } },
      ],
    },
  },
  {
    id: 'critic-adversary',
    title: 'The critic as adversary',
    question: 'AMMD with no critic steps (K = 0) or five per student step (K = 5): whose critic estimates a larger moment-matching distance?',
    ask: 'higher',
    lesson:
      'AMMD with no critic steps (K = 0) against five critic steps per student step (K = 5). The critic is the adversary that finds where student and teacher differ; untrained, it finds nothing. The check: the on-policy critic estimate (mmOnCritic) at the checkpoint, higher with K = 5.',
    effect: { metric: 'mmOnCritic', lower: 0, higher: 1, checkpoint: 50, steps: 50 },
    spec: {
      settings: { ...quick(50), task: 'addition' },
      lanes: [
        { method: 'ammd', hyper: { criticSteps: 0 } },
        { method: 'ammd', hyper: { criticSteps: 5 } },
      ],
    },
  },
  {
    id: 'skew-kl',
    title: 'Skew KL (DistiLLM α)',
    question: 'DistiLLM’s skew KL with α = 0, 0.1 and 0.5: is the student with α = 0.1 or with α = 0.5 closer to the teacher in forward KL?',
    lesson:
      'DistiLLM’s skew KL with α = 0 (plain forward KL), 0.1 (the paper’s choice) and 0.5. Mixing some of the teacher into the student’s distribution bounds the loss where the student gives a token almost no mass, and also weakens the signal. The check: forward KL on the teacher’s samples (fklTeacher) at the checkpoint, lower with α = 0.1 than with α = 0.5.',
    effect: { metric: 'fklTeacher', lower: 1, higher: 2, checkpoint: 150, steps: 150 },
    spec: {
      settings: { ...quick(150), task: 'reverse' },
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
    question: 'AMMD with its default critic penalty or without it (c = 0): which student has the lower forward KL on the teacher’s samples?',
    lesson:
      'AMMD with its critic penalty switched off (c = 0) against the default penalty. Without the L2 penalty the critics race to the bound R and the student chases their errors. The check: forward KL on the teacher’s samples (fklTeacher) at the checkpoint, lower with the default penalty.',
    effect: { metric: 'fklTeacher', lower: 0, higher: 1, checkpoint: 100, steps: 100 },
    spec: {
      settings: { ...quick(100), task: 'addition' },
      lanes: [
        { method: 'ammd', hyper: {} },
        { method: 'ammd', hyper: { penalty: 0 } },
      ],
    },
  },
  {
    id: 'ammd-vs-gkd',
    title: 'AMMD against GKD',
    question:
      'AMMD (adversarial moment matching) or GKD (generalized JSD, half on-policy), head to head on addition: which reaches the smaller exact moment-matching distance on its own samples?',
    lesson:
      'AMMD against GKD at their defaults, on the same teacher, data and seed. The check: the exact on-policy moment-matching distance (mmOnExact, the best possible critic’s value on the student’s samples) at the checkpoint, lower for GKD.',
    effect: { metric: 'mmOnExact', lower: 1, higher: 0, checkpoint: 100, steps: 100 },
    spec: {
      settings: { ...quick(100), task: 'addition' },
      lanes: [
        { method: 'ammd', hyper: {} },
        { method: 'gkd', hyper: {} },
      ],
    },
  },
];

export function getPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
