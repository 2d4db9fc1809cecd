// TAID's declaration (runtime: taid.ts). Plain data: no TensorFlow.js here.
import { booleanParam, numberParam } from '../params';
import { defineMethod } from './types';

export const TAID = defineMethod({
  id: 'taid',
  label: 'TAID',
  summary: 'Forward KL toward a target that slides from the student to the teacher (2025)',
  params: [
    numberParam({
      id: 'tStart',
      label: 'Start t₀',
      default: 0.4,
      min: 0,
      max: 0.95,
      step: 0.05,
      apply: 'restart',
      help: 'The interpolation t at the first step: the target is softmax((1 − t)·z_q + t·z_p), the student itself at 0 and the teacher at 1.',
    }),
    booleanParam({
      id: 'adaptive',
      label: 'Adaptive schedule',
      default: true,
      apply: 'live',
      help: 'On: t moves ahead of the linear schedule while the loss falls. Off: t rises linearly from t₀ to 1 over the planned steps.',
    }),
    numberParam({
      id: 'alpha',
      label: 'Adaptive step α',
      default: 0.0005,
      min: 0,
      max: 0.01,
      step: 0.0001,
      apply: 'live',
      help: 'Each step t may move by α·sigmoid(m)·(1 − t) beyond the linear schedule, m the momentum of the loss’s relative fall.',
    }),
    numberParam({
      id: 'beta',
      label: 'Momentum β',
      default: 0.99,
      min: 0,
      max: 0.999,
      step: 0.001,
      apply: 'live',
      help: 'Momentum of the relative change of the loss that drives the adaptive steps.',
    }),
  ],
  card: {
    optimises:
      'On dataset prefixes, the forward KL toward an intermediate target that mixes the student’s own (detached) logits with the teacher’s: early on the student learns from a target close to itself, and the target slides to the teacher as t rises to 1, faster while the loss keeps falling.',
    formula: String.raw`\mathcal{L}(\theta) = \frac{1}{|M|}\sum_{(b,i)\in M}\mathrm{KL}\big(p_t(\cdot\mid s_i)\,\|\,q_\theta(\cdot\mid s_i)\big),\ p_t = \mathrm{softmax}\big((1-t)\,\mathrm{sg}(z_q) + t\,z_p\big);\quad m \leftarrow \beta m + (1-\beta)\tfrac{\ell_{n-1}-\ell_n}{\ell_{n-1}},\ t \leftarrow \min\!\big(1, \max(t_0 + (1-t_0)\tfrac{n}{N},\ t + \alpha\,\sigma(m)(1-t))\big)`,
    paper: {
      title: 'TAID: Temporally Adaptive Interpolated Distillation for Efficient Knowledge Transfer in Language Models',
      authors: 'Makoto Shing, Kou Misaki, Han Bao, Sho Yokoi, Takuya Akiba',
      venue: 'ICLR 2025',
      url: 'https://arxiv.org/abs/2501.16937',
    },
    ours: [
      'The loss is the KL to the target (0 when the student matches it); the official code minimises the cross-entropy −Σ p_t log q, which has the same gradient, and feeds that cross-entropy to the schedule, so its relative changes are smaller than ours.',
      'The linear schedule runs over the run’s planned steps N (n: steps taken); past them t stays at 1, and t is charted. The step explainer shows the forward KL to the teacher itself, the target t reaches.',
      'Defaults are the official code’s: t₀ = 0.4, α = 5·10⁻⁴, β = 0.99, t_end = 1.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: () => ({ kind: 'fkl' }),
  reports: ['taidT'],
});
