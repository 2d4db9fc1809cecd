// The single-source methods' declarations (runtime: basic.ts): SFT, SeqKD and the word-level
// divergences KD, RKL and TVD. Plain data: no TensorFlow.js here.
import { numberParam } from '../params';
import { sampleTemperature } from './commonParams';
import { defineMethod } from './types';

export const SFT = defineMethod({
  id: 'sft',
  label: 'SFT',
  summary: 'Supervised fine-tuning on the reference answers; ignores the teacher',
  params: [],
  card: {
    optimises: 'The likelihood of the dataset’s reference answers. The teacher is never consulted: this is the baseline every distillation method must beat.',
    formula: String.raw`\mathcal{L}(\theta) = -\frac{1}{|M|}\sum_{(b,t)\in M} \log q_\theta(y_t \mid x, y_{<t}),\quad (x,y)\sim\mathcal{D}`,
    paper: {
      title: 'Training language models to follow instructions with human feedback (the SFT stage)',
      authors: 'Long Ouyang, Jeff Wu, Xu Jiang, et al.',
      venue: 'NeurIPS 2022',
      url: 'https://arxiv.org/abs/2203.02155',
    },
    ours: ['The loss is the mean over every valid continuation position of the batch (answer tokens and EOS), the convention of TRL, DistiLLM and MiniLLM.'],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: () => ({ kind: 'nll' }),
});

export const SEQKD = defineMethod({
  id: 'seqkd',
  label: 'SeqKD',
  summary: 'Sequence-level KD: likelihood of the teacher’s own samples',
  params: [sampleTemperature('Temperature of the teacher samples the student imitates.')],
  card: {
    optimises:
      'The likelihood of continuations sampled from the teacher, so the student imitates what the teacher would say rather than the dataset’s answers.',
    formula: String.raw`\mathcal{L}(\theta) = -\frac{1}{|M|}\sum_{(b,t)\in M} \log q_\theta(y_t \mid x, y_{<t}),\quad y\sim p(\cdot\mid x)^{1/\tau_s}`,
    paper: {
      title: 'Sequence-Level Knowledge Distillation',
      authors: 'Yoon Kim, Alexander M. Rush',
      venue: 'EMNLP 2016',
      url: 'https://arxiv.org/abs/1606.07947',
    },
    ours: [
      'Teacher continuations are fresh samples at temperature τ_s each step (τ_s = 0: greedy decoding) instead of the paper’s beam search over a fixed dataset.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: () => ({ kind: 'nll' }),
});

export const KD = defineMethod({
  id: 'kd',
  label: 'KD (word level)',
  summary: 'Forward KL to the teacher’s soft targets on dataset prefixes',
  params: [
    numberParam({
      id: 'temperature',
      label: 'Temperature τ',
      default: 1,
      min: 0.25,
      max: 8,
      step: 0.05,
      scale: 'log',
      apply: 'live',
      help: 'Softens both distributions; the loss is multiplied by τ² so its gradient keeps its size.',
    }),
  ],
  card: {
    optimises:
      'At every dataset prefix, the forward KL from the teacher’s next-token distribution to the student’s: mass-covering, the student spreads over everything the teacher considers.',
    formula: String.raw`\mathcal{L}(\theta) = \frac{\tau^2}{|M|}\sum_{(b,t)\in M} \mathrm{KL}\big(p_\tau(\cdot\mid s_t)\,\|\,q_{\theta,\tau}(\cdot\mid s_t)\big),\quad p_\tau = \mathrm{softmax}(z_p/\tau)`,
    paper: {
      title: 'Distilling the Knowledge in a Neural Network',
      authors: 'Geoffrey Hinton, Oriol Vinyals, Jeff Dean',
      venue: 'NIPS 2014 Deep Learning Workshop',
      url: 'https://arxiv.org/abs/1503.02531',
    },
    ours: [
      'Applied per token to an autoregressive model on teacher-forced dataset prefixes (word-level KD, as in Kim & Rush 2016); no hard-label term is mixed in.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: (h) => ({ kind: 'fkl', temperature: h.temperature }),
});

export const RKL = defineMethod({
  id: 'rkl',
  label: 'Reverse KL',
  summary: 'Token-level reverse KL on dataset prefixes (mode-seeking, off-policy)',
  params: [],
  card: {
    optimises:
      'At every dataset prefix, the reverse KL from the student to the teacher: mode-seeking, the student puts its mass where the teacher is confident.',
    formula: String.raw`\mathcal{L}(\theta) = \frac{1}{|M|}\sum_{(b,t)\in M} \mathrm{KL}\big(q_\theta(\cdot\mid s_t)\,\|\,p(\cdot\mid s_t)\big),\quad s_t = (x, y_{<t}),\ (x,y)\sim\mathcal{D}`,
    paper: {
      title: 'f-Divergence Minimization for Sequence-Level Knowledge Distillation',
      authors: 'Yuqiao Wen, Zichao Li, Wenyu Du, Lili Mou',
      venue: 'ACL 2023',
      url: 'https://arxiv.org/abs/2307.15190',
    },
    ours: ['Off-policy: the prefixes come from the dataset, so this is the token-level reverse KL, not the sequence-level one MiniLLM minimises.'],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: () => ({ kind: 'rkl' }),
});

export const TVD = defineMethod({
  id: 'tvd',
  label: 'TVD',
  summary: 'Token-level total variation distance on dataset prefixes',
  params: [],
  card: {
    optimises: 'At every dataset prefix, the total variation distance between the two next-token distributions: symmetric and bounded by 1.',
    formula: String.raw`\mathcal{L}(\theta) = \frac{1}{|M|}\sum_{(b,t)\in M} \tfrac12 \sum_{v} \big|p(v\mid s_t) - q_\theta(v\mid s_t)\big|`,
    paper: {
      title: 'f-Divergence Minimization for Sequence-Level Knowledge Distillation',
      authors: 'Yuqiao Wen, Zichao Li, Wenyu Du, Lili Mou',
      venue: 'ACL 2023',
      url: 'https://arxiv.org/abs/2307.15190',
    },
    ours: ['Off-policy, on dataset prefixes, with the exact sum over the vocabulary (no sampling of the inner expectation).'],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: () => ({ kind: 'tvd' }),
});
