// DistiLLM-2's declaration (runtime: distillm2.ts). Plain data: no TensorFlow.js here.
import { numberParam } from '../params';
import { sampleTemperature } from './commonParams';
import { defineMethod } from './types';

const skew = <const Id extends string>(id: Id, label: string, help: string) =>
  numberParam({ id, label, default: 0.1, min: 0, max: 0.9, step: 0.01, apply: 'live', help });

export const DISTILLM2 = defineMethod({
  id: 'distillm2',
  label: 'DistiLLM-2',
  summary: 'Skew KL on teacher responses + skew reverse KL on the student’s own (2025)',
  params: [
    skew('alphaTeacher', 'Skew α₁ (teacher responses)', 'Skew KL(p ‖ α₁p + (1−α₁)q) on the teacher’s responses; α₁ = 0 is forward KL.'),
    skew('alphaStudent', 'Skew α₂ (student responses)', 'Skew reverse KL(q ‖ (1−α₂)p + α₂·sg(q)) on the student’s responses; α₂ = 0 is reverse KL.'),
    numberParam({
      id: 'beta',
      label: 'Student-term weight β',
      default: 1,
      min: 0,
      max: 2,
      step: 0.05,
      apply: 'live',
      help: 'The loss is (2 − β)·SKL + β·SRKL: β = 1 weighs both halves equally, above 1 favours pushing down the student’s own mistakes.',
    }),
    sampleTemperature('Temperature of both the teacher’s and the student’s responses (0.8 in the paper).', 0.8),
  ],
  card: {
    optimises:
      'A contrastive pair per prompt: the skew forward KL on the teacher’s response raises the likelihood of what the teacher would say, and the skew reverse KL on the student’s own response pushes down the tokens where the student is more confident than the teacher.',
    formula: String.raw`\mathcal{L}(\theta) = \frac{1}{B}\sum_{b}\Big[(2-\beta)\,\overline{\mathrm{KL}}\big(p\,\|\,\alpha_1 p + (1-\alpha_1)q_\theta\big)(y^{p}_b) + \beta\,\overline{\mathrm{KL}}\big(q_\theta\,\|\,(1-\alpha_2)p + \alpha_2\,\mathrm{sg}(q_\theta)\big)(y^{q}_b)\Big],\ y^{p}_b\sim p(\cdot\mid x_b),\ y^{q}_b\sim q_\theta(\cdot\mid x_b)`,
    paper: {
      title: 'DistiLLM-2: A Contrastive Approach Boosts the Distillation of LLMs',
      authors: 'Jongwoo Ko, Tianyi Chen, Sungnyun Kim, Tianyu Ding, Luming Liang, Ilya Zharkov, Se-Young Yun',
      venue: 'ICML 2025',
      url: 'https://arxiv.org/abs/2503.07067',
    },
    ours: [
      'Both responses are sampled afresh every step, the student’s from the current student; the paper samples them once before training, from the SFT student.',
      'The overline is a per-sequence mean over its tokens, then a mean over the B pairs, as in the official code; no gradient flows through the student inside the skew reverse KL’s mixture.',
      'Defaults are the official code’s: α₁ = α₂ = 0.1, β = 1; its optional adaptive α and rising β are off there, and left out here.',
      'The step explainer shows the student’s half of the pair.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: (h) => ({ kind: 'srkl', alpha: h.alphaStudent }),
});
