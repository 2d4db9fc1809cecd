// ABKD's declaration (runtime: abkd.ts). Plain data: no TensorFlow.js here.
import { numberParam } from '../params';
import { defineMethod } from './types';

const exponent = <const Id extends string>(id: Id, label: string, value: number, help: string) =>
  numberParam({ id, label, default: value, min: 0, max: 2, step: 0.05, apply: 'live', help });

export const ABKD = defineMethod({
  id: 'abkd',
  label: 'ABKD (α-β divergence)',
  summary: 'The α-β divergence on dataset prefixes: forward KL at (1, 0), reverse KL at (0, 1) (2025)',
  params: [
    exponent(
      'alpha',
      'α',
      0.2,
      'The power of the teacher’s probabilities p^α (the paper’s “hardness concentration” knob). (α, β) = (1, 0) is forward KL, (0, 1) reverse KL.',
    ),
    exponent('beta', 'β', 0.7, 'The power of the student’s probabilities q^β (the paper’s “confidence concentration” knob); reverse KL is β = 1 with α = 0.'),
  ],
  card: {
    optimises:
      'At every dataset prefix, a divergence from a two-parameter family that contains both KL directions: forward KL (mass-covering) at (α, β) = (1, 0), reverse KL (mode-seeking) at (0, 1), and in between a trade-off the paper tunes per task.',
    formula: String.raw`D_{AB}^{(\alpha,\beta)}(p\,\|\,q_\theta) = -\frac{1}{\alpha\beta}\sum_{v}\Big(p(v)^{\alpha} q_\theta(v)^{\beta} - \frac{\alpha}{\alpha+\beta}p(v)^{\alpha+\beta} - \frac{\beta}{\alpha+\beta}q_\theta(v)^{\alpha+\beta}\Big),\quad \mathcal{L}(\theta) = \frac{1}{|M|}\sum_{(b,t)\in M} D_{AB}^{(\alpha,\beta)}\big(p(\cdot\mid s_t)\,\|\,q_\theta(\cdot\mid s_t)\big)`,
    paper: {
      title: 'ABKD: Pursuing a Proper Allocation of the Probability Mass in Knowledge Distillation via α-β-Divergence',
      authors: 'Guanghui Wang, Zhiyong Yang, Zitai Wang, Shi Wang, Qianqian Xu, Qingming Huang',
      venue: 'ICML 2025',
      url: 'https://arxiv.org/abs/2505.04560',
    },
    ours: [
      'Defaults (α, β) = (0.2, 0.7) are the official GPT-2 scripts’ (its LLaMA scripts use (0.1, 0.8)); the paper tunes them per task.',
      'Where α, β or α + β is 0 the loss is the formula’s continuous limit (dividing by the remaining parameter squared, as in Cichocki et al. 2011); the official code divides by it once there, the same value only at 1.',
      'On dataset prefixes, as the official language-model scripts train, with no language-modelling term mixed in.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: (h) => ({ kind: 'ab', alpha: h.alpha, beta: h.beta }),
});
