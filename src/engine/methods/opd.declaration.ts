// On-policy distillation's declaration (runtime: opd.ts). Plain data: no TensorFlow.js here.
import { choiceParam } from '../params';
import { discount, sampleTemperature } from './commonParams';
import { defineMethod } from './types';

export const OPD = defineMethod({
  id: 'opd',
  label: 'On-policy distillation',
  summary: 'The student samples, the teacher scores every token: per-token reverse KL (2025)',
  params: [
    choiceParam({
      id: 'variant',
      label: 'Form',
      default: 'sampled',
      choices: { sampled: 'Sampled token: −(log q − log p) as advantage', dense: 'Dense: reverse KL over the vocabulary' },
      short: { sampled: 'sampled token', dense: 'whole vocabulary' },
      apply: 'live',
      help: 'Sampled: each sampled token’s log q − log p is its negative advantage in a policy gradient (Tinker). Dense: the exact reverse KL at every student prefix (TRL’s DistillationTrainer).',
    }),
    {
      ...discount(
        0,
        'Sampled form only: the advantage also sums the later tokens’ −(log q − log p), discounted by γ (Tinker’s kl_discount_factor). 0: each token’s own.',
      ),
      shownWhen: { param: 'variant', is: ['sampled'] },
    },
    sampleTemperature('Temperature of the student’s samples.'),
  ],
  card: {
    optimises:
      'The reverse KL from the student to the teacher on the student’s own samples: the teacher grades every token the student wrote. Sampled, each token’s log q − log p is a penalty in a policy gradient; dense, the whole next-token distribution is matched at every prefix.',
    formula: String.raw`\text{sampled: } \nabla\mathcal{L} = -\frac{1}{|M|}\sum_{t\in M} A_t\,\nabla\log q_\theta(y_t\mid s_t),\ A_t = -\sum_{t'\ge t}\gamma^{t'-t}\big(\log q_\theta(y_{t'}\mid s_{t'}) - \log p(y_{t'}\mid s_{t'})\big);\quad \text{dense: } \mathcal{L} = \frac{1}{|M|}\sum_{t\in M}\mathrm{KL}\big(q_\theta(\cdot\mid s_t)\,\|\,p(\cdot\mid s_t)\big);\quad y\sim q_\theta`,
    paper: {
      title: 'On-Policy Distillation',
      authors: 'Kevin Lu and Thinking Machines Lab',
      venue: 'Thinking Machines Lab: Connectionism, October 2025',
      url: 'https://thinkingmachines.ai/blog/on-policy-distillation/',
    },
    ours: [
      'One gradient step per batch of fresh samples, so the importance ratio of Tinker’s importance-sampling loss is 1 and the policy gradient is plain REINFORCE; there is no baseline or whitening of the advantage.',
      'The sampled form’s loss as charted is the batch mean of log q − log p over the sampled tokens (an estimate of the per-token reverse KL); its gradient is the policy gradient’s.',
      'The dense form is TRL’s DistillationTrainer at β = 1 (reverse KL) and temperature 1, and the same loss as GKD with λ = 1 and reverse KL.',
      'Samples are drawn at τ_s (1 by default, as in both references); the divergence is taken at temperature 1.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: () => ({ kind: 'rkl' }),
});
