// GKD's declaration (runtime: gkd.ts). Plain data: no TensorFlow.js here.
import { choiceParam } from '../params';
import { sampleTemperature, unitWeight, divergenceParam, DIVERGENCE_LABEL } from './commonParams';
import { defineMethod } from './types';

export const GKD = defineMethod({
  id: 'gkd',
  label: 'GKD',
  summary: 'Generalized KD: a chosen divergence on a λ-mix of student samples and data',
  params: [
    unitWeight(
      'lambda',
      'On-policy fraction λ',
      0.5,
      'Each step draws u ~ U(0,1): if u < λ the batch is student samples, else off-policy data. λ = 1 with forward KL is ImitKD.',
    ),
    divergenceParam(
      'Divergence',
      'jsd',
      { jsd: 'Generalized JSD (β)', ...DIVERGENCE_LABEL },
      'The token-level divergence between teacher p and student q that the student minimises.',
    ),
    {
      ...unitWeight(
        'beta',
        'JSD weight β',
        0.5,
        'Generalized JSD mixture m = βp + (1−β)q. The formula is 0 at β = 0 and at β = 1, so there the engine takes forward KL and reverse KL instead (as TRL does); near β = 0 the JSD is about β times forward KL, so β also scales the loss.',
      ),
      // The other divergences do not read β: the control would move nothing.
      shownWhen: { param: 'divergence', is: ['jsd'] },
    },
    choiceParam({
      id: 'offPolicyData',
      label: 'Off-policy data',
      default: 'dataset',
      choices: { dataset: 'Dataset answers', teacher: 'Teacher samples' },
      short: { dataset: 'off-policy on dataset answers', teacher: 'off-policy on teacher samples' },
      apply: 'live',
      help: 'Where the batch comes from when u ≥ λ: the reference answers or fresh teacher samples.',
    }),
    sampleTemperature('Temperature of the student’s (and teacher’s) samples.'),
  ],
  card: {
    optimises:
      'A token-level divergence between teacher and student on a mixture of prefixes: with probability λ the student’s own samples (on-policy, so it learns to recover from its own mistakes), otherwise dataset or teacher continuations.',
    formula: String.raw`\mathcal{L}(\theta) = \mathbb{E}_{u\sim U(0,1)}\Big[\mathbb{1}[u<\lambda]\,\mathbb{E}_{y\sim q_\theta}\big[\bar D(p\|q_\theta)(y\mid x)\big] + \mathbb{1}[u\ge\lambda]\,\mathbb{E}_{y\sim\mathcal{D}}\big[\bar D(p\|q_\theta)(y\mid x)\big]\Big],\quad D_{\mathrm{JSD}(\beta)} = \beta\,\mathrm{KL}(p\|m) + (1-\beta)\,\mathrm{KL}(q\|m),\ m=\beta p+(1-\beta)q\ \text{for}\ 0<\beta<1,\quad D_{\mathrm{JSD}(0)} := \mathrm{KL}(p\|q),\ D_{\mathrm{JSD}(1)} := \mathrm{KL}(q\|p)`,
    paper: {
      title: 'On-Policy Distillation of Language Models: Learning from Self-Generated Mistakes',
      authors: 'Rishabh Agarwal, Nino Vieillard, Yongchao Zhou, Piotr Stanczyk, Sabela Ramos, Matthieu Geist, Olivier Bachem',
      venue: 'ICLR 2024',
      url: 'https://arxiv.org/abs/2306.13649',
    },
    ours: [
      'One draw of u per step decides the source of the whole batch; no gradient flows through the sampling.',
      'The divergence itself is taken at temperature 1; τ_s only changes how continuations are sampled.',
      'At β = 0 (m = q) and β = 1 (m = p) the written JSD is 0; the engine takes forward KL and reverse KL there, as TRL’s generalized_jsd_loss does. These are the ends only in the limit, after dividing by β (or 1 − β): near β = 0 the JSD is about β·KL(p‖q), so a small β also shrinks the loss and its gradient.',
      'ImitKD is this method with λ = 1 and forward KL; supervised KD is λ = 0.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: (h) => ({ kind: h.divergence, beta: h.beta }),
});
