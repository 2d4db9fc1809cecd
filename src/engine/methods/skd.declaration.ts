// SKD's declaration (runtime: skd.ts). Plain data: no TensorFlow.js here.
import { numberParam } from '../params';
import { DIVERGENCE_LABEL, divergenceParam, sampleTemperature } from './commonParams';
import { defineMethod } from './types';

/** Tokens in the shared vocabulary (tasks/vocab.ts; test/declarations.test.ts checks it): K = 44 accepts every proposal. */
const VOCABULARY = 44;

export const SKD = defineMethod({
  id: 'skd',
  label: 'SKD (speculative KD)',
  summary: 'The student proposes, the teacher replaces tokens outside its top K (2025)',
  params: [
    numberParam({
      id: 'topK',
      label: 'Teacher top K',
      default: 3,
      min: 1,
      max: VOCABULARY,
      step: 1,
      apply: 'live',
      help: `A proposed token survives if it is among the teacher’s K likeliest next tokens; otherwise the teacher’s own sample replaces it. K = ${VOCABULARY} (the whole vocabulary) is plain on-policy distillation.`,
    }),
    sampleTemperature('Temperature of the student’s proposals (0.5 in the paper).', 0.5),
    numberParam({
      id: 'teacherTemperature',
      label: 'Teacher temperature',
      default: 0.2,
      min: 0,
      max: 2,
      step: 0.05,
      apply: 'live',
      help: 'Temperature of the teacher’s replacement samples (0.2 in the paper). 0 takes the teacher’s likeliest token.',
    }),
    divergenceParam('Divergence', 'fkl', DIVERGENCE_LABEL, 'The token divergence minimised on the interleaved sequence; the paper’s default is forward KL.'),
  ],
  card: {
    optimises:
      'A token divergence on sequences the student writes with the teacher looking over its shoulder: each proposed token the teacher finds implausible (outside its top K) is swapped for a teacher sample, so the prefixes stay close to the student’s own while never drifting where the teacher would not go.',
    formula: String.raw`\tilde y_t \sim q_\theta(\cdot\mid \tilde s_t)^{1/\tau_s},\quad y_t = \begin{cases}\tilde y_t & \tilde y_t \in \mathrm{top}_K\,p(\cdot\mid s_t)\\ \sim p(\cdot\mid s_t)^{1/\tau_p} & \text{otherwise}\end{cases},\quad \mathcal{L}(\theta) = \frac{1}{|M|}\sum_{(b,t)\in M} D\big(p(\cdot\mid s_t)\,\|\,q_\theta(\cdot\mid s_t)\big)`,
    paper: {
      title: 'Speculative Knowledge Distillation: Bridging the Teacher-Student Gap Through Interleaved Sampling',
      authors: 'Wenda Xu, Rujun Han, Zifeng Wang, Long T. Le, Dhruv Madeka, Lei Li, William Yang Wang, Rishabh Agarwal, Chen-Yu Lee, Tomas Pfister',
      venue: 'ICLR 2025',
      url: 'https://arxiv.org/abs/2410.11325',
    },
    ours: [
      'K = 3 by default: the paper’s K = 25 is 0.01% of Gemma’s 256k-token vocabulary, and 25 of our 44 characters would let nearly every proposal through.',
      'Temperatures as in the official configuration (student 0.5, teacher 0.2), without its top-p 0.5 truncation.',
      'Proposals are checked token by token as they are drawn (the official code checks blocks of 5 with assisted decoding, which draws from the same process); the acceptance rate is charted.',
    ],
  },
  has: { criticLoss: false, criticEstimates: false },
  sideLoss: null,
  stepQuantity: (h) => ({ kind: h.divergence }),
  reports: ['skdAcceptance'],
  speculative: (h) => ({ topK: h.topK }),
});
