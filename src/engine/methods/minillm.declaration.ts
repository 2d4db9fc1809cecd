// MiniLLM's declaration (runtime: minillm.ts). Plain data: no TensorFlow.js here.
import { numberParam, booleanParam } from '../params';
import { unitWeight, discount } from './commonParams';
import { defineMethod } from './types';

export const MINILLM = defineMethod({
  id: 'minillm',
  label: 'MiniLLM',
  summary: 'Sequence-level reverse KL by policy gradient with teacher-mixed sampling',
  params: [
    unitWeight('mixAlpha', 'Teacher mix α', 0.2, 'Continuations are sampled from αp + (1−α)q, and reweighted by q / (αp + (1−α)q).'),
    discount(0.95, 'Discount of the long-term return of future rewards log p − log q.'),
    booleanParam({
      id: 'lengthNorm',
      label: 'Length normalisation',
      default: true,
      apply: 'live',
      help: 'Divide each return by the number of rewards it sums, so long continuations do not dominate.',
    }),
    numberParam({
      id: 'clip',
      label: 'PPO clip ε',
      default: 0,
      min: 0,
      max: 0.5,
      step: 0.01,
      apply: 'live',
      help: 'Clip the importance weight to [1−ε, 1+ε] as in PPO; 0 turns clipping off.',
    }),
  ],
  card: {
    optimises:
      'The sequence-level reverse KL from the student to the teacher, by policy gradient: each sampled token is rewarded with log p − log q of what follows, and the single-step term takes the expectation at the current step exactly.',
    formula: String.raw`\nabla\mathcal{L} = -\mathbb{E}_{y\sim\tilde p}\Big[\sum_t w_t\,\tilde R_{t+1}\,\nabla\log q_\theta(y_t\mid s_t)\Big] + \nabla\,\mathbb{E}\Big[\tfrac{1}{|M|}\sum_t \mathrm{KL}\big(q_\theta(\cdot\mid s_t)\|p(\cdot\mid s_t)\big)\Big],\ \tilde p = \alpha p + (1-\alpha) q_\theta,\ w_t = \frac{q_\theta(y_t\mid s_t)}{\tilde p(y_t\mid s_t)},\ R_{t+1} = \sum_{t'>t}\gamma^{t'-t-1}\log\frac{p(y_{t'}\mid s_{t'})}{q_\theta(y_{t'}\mid s_{t'})}`,
    paper: {
      title: 'MiniLLM: Knowledge Distillation of Large Language Models',
      authors: 'Yuxian Gu, Li Dong, Furu Wei, Minlie Huang',
      venue: 'ICLR 2024',
      url: 'https://arxiv.org/abs/2306.08543',
    },
    ours: [
      'One gradient step per batch of samples (no PPO epochs over a rollout store), so clipping is off by default.',
      'Returns are length-normalised and whitened over the batch, the importance weights carry no gradient.',
      'Samples are drawn at temperature 1, the temperature of the objective, so the importance weights are exact.',
      'The pre-training language-modelling loss of the paper is left out: there is no pre-training corpus.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: () => ({ kind: 'rkl' }),
});
