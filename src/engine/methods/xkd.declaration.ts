// X-KD's declaration (runtime: xkd.ts). Plain data: no TensorFlow.js here.
import { numberParam, choiceParam } from '../params';
import { sampleTemperature, discount, divergenceParam, DIVERGENCE_LABEL } from './commonParams';
import { defineMethod } from './types';

export const XKD = defineMethod({
  id: 'xkd',
  label: 'X-KD',
  summary: 'Experiential KD: a Bayesian reward model kept consistent with the student’s Q-values',
  params: [
    numberParam({
      id: 'lambda',
      label: 'TD weight λ',
      default: 1,
      min: 0,
      max: 4,
      step: 0.05,
      apply: 'live',
      help: 'Weight of the TD-consistency term that ties the student’s Q-values to the reward model.',
    }),
    discount(1, 'Discount in the TD difference Q(s_t, y_t) − γ·Q(s_{t+1}, y_{t+1}).'),
    choiceParam({
      id: 'base',
      label: 'Base loss',
      default: 'seq',
      choices: { seq: 'Sequence level (SeqKD NLL)', divergence: 'Divergence on teacher prefixes' },
      apply: 'live',
      help: 'The distillation loss L_KD the reward model is added to.',
    }),
    {
      ...divergenceParam(
        'Base divergence',
        'fkl',
        { fkl: DIVERGENCE_LABEL.fkl, rkl: DIVERGENCE_LABEL.rkl, jsd: 'Generalized JSD (β = 0.5)', tvd: DIVERGENCE_LABEL.tvd },
        'The token divergence of the divergence-based variant (ignored by the sequence-level one).',
      ),
      shownWhen: { param: 'base', is: ['divergence'] },
    },
    sampleTemperature('Temperature of the teacher samples (the teacher’s experience).'),
  ],
  card: {
    optimises:
      'The student’s logits are read as action values Q(s, ·). A reward model with a Gaussian over each action’s reward is fitted to the teacher’s experience, and the student’s temporal differences Q(s_t, y_t) − γQ(s_{t+1}, y_{t+1}) are kept likely under it, on top of a usual distillation loss.',
    formula: String.raw`\mathcal{L} = \mathcal{L}_{\mathrm{KD}} + \frac{1}{|M|}\sum_{t}\Big[\mathrm{KL}\big(\mathcal{N}(\mu_t,\sigma_t^2)\,\|\,\mathcal{N}(0,1)\big) - \lambda\log\mathcal{N}\big(Q_\theta(s_t,y_t) - \gamma Q_\theta(s_{t+1},y_{t+1});\ \mu_t,\sigma_t\big)\Big],\quad y\sim p`,
    paper: {
      title:
        'X-KD: General Experiential Knowledge Distillation for Large Language Models (adopting AVRIL: Scalable Bayesian Inverse Reinforcement Learning, Chan & van der Schaar, ICLR 2021)',
      authors: 'Yuang Cai, Yuyu Yuan',
      venue: 'arXiv 2026',
      url: 'https://arxiv.org/abs/2602.12674',
    },
    ours: [
      'The mapping onto our language models is ours: states are prefixes of teacher samples, actions the next tokens, the student’s logits are Q, and the last valid position’s next Q is 0.',
      'The reward head is a small linear Gaussian head on the student’s final hidden states, trained jointly with the student by the same optimiser; its loss (the KL and TD terms) is what the critic chart shows.',
      'The reward head reads the student’s hidden states without passing gradient back into the student’s trunk.',
    ],
  },
  has: { criticLoss: true, criticEstimates: false },
  sideLoss: 'reward head',
  stepQuantity: (h) => ({ kind: h.divergence }),
});
