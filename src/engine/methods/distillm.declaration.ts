// DistiLLM's declaration (runtime: distillm.ts). Plain data: no TensorFlow.js here.
import { numberParam } from '../params';
import { sampleTemperature, divergenceParam } from './commonParams';
import { defineMethod } from './types';

export const DISTILLM = defineMethod({
  id: 'distillm',
  label: 'DistiLLM',
  summary: 'Skew KL with adaptive off-policy student samples and a replay buffer',
  params: [
    divergenceParam(
      'Divergence',
      'skl',
      { skl: 'Skew KL(p ‖ αp + (1−α)q)', srkl: 'Skew reverse KL(q ‖ (1−α)p + αq)' },
      'Skew forward or skew reverse KL: mixing a little of one distribution into the other keeps the gradient bounded.',
    ),
    numberParam({
      id: 'alpha',
      label: 'Skew α',
      default: 0.1,
      min: 0,
      max: 0.9,
      step: 0.01,
      apply: 'live',
      help: 'Weight of the skew mixture; α = 0 gives plain forward / reverse KL.',
    }),
    numberParam({
      id: 'epsilon',
      label: 'NLL rise ε',
      default: 0.1,
      min: 0.01,
      max: 1,
      step: 0.01,
      scale: 'log',
      apply: 'restart',
      help: 'When the validation NLL has risen by at least ε since the last rise, the off-policy threshold φ grows by 0.1.',
    }),
    numberParam({
      id: 'bufferCapacity',
      label: 'Replay buffer',
      default: 1000,
      min: 32,
      max: 4096,
      step: 1,
      scale: 'log',
      unit: 'sequences',
      apply: 'restart',
      help: 'How many earlier student samples the first-in-first-out replay buffer keeps (paper: 1000).',
    }),
    sampleTemperature('Temperature of the student samples.'),
  ],
  card: {
    optimises:
      'A skew divergence between teacher and student, on dataset prefixes at first and on the student’s own samples more and more often as the validation loss shows the student drifting; old student samples are replayed from a buffer to save sampling.',
    formula: String.raw`D_{\mathrm{SKL}}^{(\alpha)} = \mathrm{KL}\big(p\,\|\,\alpha p + (1-\alpha) q_\theta\big),\quad D_{\mathrm{SRKL}}^{(\alpha)} = \mathrm{KL}\big(q_\theta\,\|\,(1-\alpha) p + \alpha q_\theta\big);\quad r\sim U(0,1),\ s = \phi\,(1 - \tfrac{\text{step}}{\text{steps}}):\ r<s\ \text{or}\ (r<\phi \wedge \neg\text{full}) \Rightarrow \text{fresh},\ r<\phi \Rightarrow \text{buffer},\ \text{else dataset}`,
    paper: {
      title: 'DistiLLM: Towards Streamlined Distillation for Large Language Models',
      authors: 'Jongwoo Ko, Sungnyun Kim, Tianyi Chen, Se-Young Yun',
      venue: 'ICML 2024',
      url: 'https://arxiv.org/abs/2402.03898',
    },
    ours: [
      'The validation NLL that moves φ is the student’s NLL of the reference answers of the evaluation prompts, measured at each metric record (every “Evaluate every” steps).',
      'Skew KL is the default divergence; the paper reports both and picks per model.',
      'The language-modelling (pre-training) loss term of the paper is left out: there is no pre-training corpus.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: (h) => ({ kind: h.divergence, alpha: h.alpha }),
});
