// Every distillation method's knobs and card, declared once. The UI builds its controls and
// method cards from this list, the URL codec and the CLI's --set read it, and the registry runs
// it. Plain data: no TensorFlow.js here. The mathematics is in docs/methods.md.
import type { ChoiceParam, NumberParam, ParamSpec } from '../params';
import type { MethodDeclaration, MethodId } from './types';

/** τ_s of the data sources (docs/methods.md): the temperature at which teacher or student continuations are sampled. */
function sampleTemperature(help: string): NumberParam {
  return {
    id: 'sampleTemperature',
    label: 'Sampling temperature τ_s',
    kind: 'number',
    default: 1,
    min: 0,
    max: 2,
    step: 0.05,
    scale: 'linear',
    apply: 'live',
    help: `${help} 0 decodes greedily.`,
  };
}

const GKD_DIVERGENCE: ChoiceParam = {
  id: 'divergence',
  label: 'Divergence',
  kind: 'choice',
  default: 'jsd',
  choices: [
    { value: 'jsd', label: 'Generalized JSD (β)' },
    { value: 'fkl', label: 'Forward KL(p‖q)' },
    { value: 'rkl', label: 'Reverse KL(q‖p)' },
    { value: 'tvd', label: 'Total variation' },
  ],
  apply: 'live',
  help: 'The token-level divergence between teacher p and student q that the student minimises.',
};

export const METHODS: readonly MethodDeclaration[] = [
  {
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
  },
  {
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
  },
  {
    id: 'kd',
    label: 'KD (word level)',
    summary: 'Forward KL to the teacher’s soft targets on dataset prefixes',
    params: [
      {
        id: 'temperature',
        label: 'Temperature τ',
        kind: 'number',
        default: 1,
        min: 0.25,
        max: 8,
        step: 0.05,
        scale: 'log',
        apply: 'live',
        help: 'Softens both distributions; the loss is multiplied by τ² so its gradient keeps its size.',
      },
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
  },
  {
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
  },
  {
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
  },
  {
    id: 'gkd',
    label: 'GKD',
    summary: 'Generalized KD: a chosen divergence on a λ-mix of student samples and data',
    params: [
      {
        id: 'lambda',
        label: 'On-policy fraction λ',
        kind: 'number',
        default: 0.5,
        min: 0,
        max: 1,
        step: 0.05,
        scale: 'linear',
        apply: 'live',
        help: 'Each step draws u ~ U(0,1): if u < λ the batch is student samples, else off-policy data. λ = 1 with forward KL is ImitKD.',
      },
      GKD_DIVERGENCE,
      {
        id: 'beta',
        label: 'JSD weight β',
        kind: 'number',
        default: 0.5,
        min: 0,
        max: 1,
        step: 0.05,
        scale: 'linear',
        apply: 'live',
        help: 'Generalized JSD mixture m = βp + (1−β)q: β = 0 is forward KL, β = 1 reverse KL. Only for the JSD divergence.',
      },
      {
        id: 'offPolicyData',
        label: 'Off-policy data',
        kind: 'choice',
        default: 'dataset',
        choices: [
          { value: 'dataset', label: 'Dataset answers' },
          { value: 'teacher', label: 'Teacher samples' },
        ],
        apply: 'live',
        help: 'Where the batch comes from when u ≥ λ: the reference answers or fresh teacher samples.',
      },
      sampleTemperature('Temperature of the student’s (and teacher’s) samples.'),
    ],
    card: {
      optimises:
        'A token-level divergence between teacher and student on a mixture of prefixes: with probability λ the student’s own samples (on-policy, so it learns to recover from its own mistakes), otherwise dataset or teacher continuations.',
      formula: String.raw`\mathcal{L}(\theta) = \mathbb{E}_{u\sim U(0,1)}\Big[\mathbb{1}[u<\lambda]\,\mathbb{E}_{y\sim q_\theta}\big[\bar D(p\|q_\theta)(y\mid x)\big] + \mathbb{1}[u\ge\lambda]\,\mathbb{E}_{y\sim\mathcal{D}}\big[\bar D(p\|q_\theta)(y\mid x)\big]\Big],\quad D_{\mathrm{JSD}(\beta)} = \beta\,\mathrm{KL}(p\|m) + (1-\beta)\,\mathrm{KL}(q\|m),\ m=\beta p+(1-\beta)q`,
      paper: {
        title: 'On-Policy Distillation of Language Models: Learning from Self-Generated Mistakes',
        authors: 'Rishabh Agarwal, Nino Vieillard, Yongchao Zhou, Piotr Stanczyk, Sabela Ramos, Matthieu Geist, Olivier Bachem',
        venue: 'ICLR 2024',
        url: 'https://arxiv.org/abs/2306.13649',
      },
      ours: [
        'One draw of u per step decides the source of the whole batch; no gradient flows through the sampling.',
        'The divergence itself is taken at temperature 1; τ_s only changes how continuations are sampled.',
        'ImitKD is this method with λ = 1 and forward KL; supervised KD is λ = 0.',
      ],
    },
    has: { criticLoss: false, criticEstimates: false },
  },
  {
    id: 'distillm',
    label: 'DistiLLM',
    summary: 'Skew KL with adaptive off-policy student samples and a replay buffer',
    params: [
      {
        id: 'divergence',
        label: 'Divergence',
        kind: 'choice',
        default: 'skl',
        choices: [
          { value: 'skl', label: 'Skew KL(p ‖ αp + (1−α)q)' },
          { value: 'srkl', label: 'Skew reverse KL(q ‖ (1−α)p + αq)' },
        ],
        apply: 'live',
        help: 'Skew forward or skew reverse KL: mixing a little of one distribution into the other keeps the gradient bounded.',
      },
      {
        id: 'alpha',
        label: 'Skew α',
        kind: 'number',
        default: 0.1,
        min: 0,
        max: 0.9,
        step: 0.01,
        scale: 'linear',
        apply: 'live',
        help: 'Weight of the skew mixture; α = 0 gives plain forward / reverse KL.',
      },
      {
        id: 'epsilon',
        label: 'NLL rise ε',
        kind: 'number',
        default: 0.1,
        min: 0.01,
        max: 1,
        step: 0.01,
        scale: 'log',
        apply: 'restart',
        help: 'When the validation NLL has risen by at least ε since the last rise, the off-policy threshold φ grows by 0.1.',
      },
      {
        id: 'bufferCapacity',
        label: 'Replay buffer',
        kind: 'number',
        default: 1000,
        min: 32,
        max: 4096,
        step: 1,
        scale: 'log',
        unit: 'sequences',
        apply: 'restart',
        help: 'How many earlier student samples the first-in-first-out replay buffer keeps (paper: 1000).',
      },
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
  },
  {
    id: 'minillm',
    label: 'MiniLLM',
    summary: 'Sequence-level reverse KL by policy gradient with teacher-mixed sampling',
    params: [
      {
        id: 'mixAlpha',
        label: 'Teacher mix α',
        kind: 'number',
        default: 0.2,
        min: 0,
        max: 1,
        step: 0.05,
        scale: 'linear',
        apply: 'live',
        help: 'Continuations are sampled from αp + (1−α)q, and reweighted by q / (αp + (1−α)q).',
      },
      {
        id: 'gamma',
        label: 'Discount γ',
        kind: 'number',
        default: 0.95,
        min: 0,
        max: 1,
        step: 0.01,
        scale: 'linear',
        apply: 'live',
        help: 'Discount of the long-term return of future rewards log p − log q.',
      },
      {
        id: 'lengthNorm',
        label: 'Length normalisation',
        kind: 'boolean',
        default: true,
        apply: 'live',
        help: 'Divide each return by the number of rewards it sums, so long continuations do not dominate.',
      },
      {
        id: 'clip',
        label: 'PPO clip ε',
        kind: 'number',
        default: 0,
        min: 0,
        max: 0.5,
        step: 0.01,
        scale: 'linear',
        apply: 'live',
        help: 'Clip the importance weight to [1−ε, 1+ε] as in PPO; 0 turns clipping off.',
      },
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
  },
  {
    id: 'ammd',
    label: 'AMMD',
    summary: 'Adversarial moment matching with on- and off-policy Q-critics',
    params: [
      {
        id: 'beta',
        label: 'On-policy weight β',
        kind: 'number',
        default: 0.5,
        min: 0,
        max: 1,
        step: 0.05,
        scale: 'linear',
        apply: 'live',
        help: 'Weight of the on-policy distance (student prefixes); 1 − β weighs the off-policy one (teacher prefixes).',
      },
      {
        id: 'bound',
        label: 'Critic bound R',
        kind: 'number',
        default: 1,
        min: 0.1,
        max: 10,
        step: 0.1,
        scale: 'log',
        apply: 'live',
        help: 'The critics are R·tanh(h), so |f| ≤ R; the exact best-critic distances scale with R.',
      },
      {
        id: 'criticSteps',
        label: 'Critic steps K',
        kind: 'number',
        default: 2,
        min: 0,
        max: 10,
        step: 1,
        scale: 'linear',
        apply: 'live',
        help: 'Adam steps of the critics before each student step. K = 0 leaves the critics at zero: nothing moves.',
      },
      {
        id: 'penalty',
        label: 'Critic penalty c',
        kind: 'number',
        default: 1,
        min: 0,
        max: 4,
        step: 0.05,
        scale: 'linear',
        apply: 'live',
        help: 'L2 penalty on the critics’ outputs. c = 0 is the unregularised game, which collapses.',
      },
      {
        id: 'criticLrScale',
        label: 'Critic learning rate ×',
        kind: 'number',
        default: 10,
        min: 0.1,
        max: 100,
        step: 0.1,
        scale: 'log',
        apply: 'live',
        help: 'The critics’ Adam learning rate as a multiple of the student’s.',
      },
      {
        id: 'critic',
        label: 'Critic',
        kind: 'choice',
        default: 'learned',
        choices: [
          { value: 'learned', label: 'Learned (trained by K Adam steps)' },
          { value: 'oracle', label: 'Oracle: R·sign(p − q), the best bounded critic' },
          { value: 'penalised', label: 'Penalised optimum: clip((p − q)/2c, −R, R)' },
        ],
        apply: 'restart',
        help: 'The oracle and the penalised optimum are computed exactly from p and q at every state: what a critic that keeps up would give the student.',
      },
      {
        id: 'criticFeatures',
        label: 'Critic features',
        kind: 'choice',
        default: 'both',
        choices: [
          { value: 'own', label: 'Its own small transformer trunk' },
          { value: 'teacher', label: 'The frozen teacher’s last hidden state' },
          { value: 'both', label: 'Teacher’s and (detached) student’s hidden states' },
          { value: 'probs', label: 'Both hidden states and both next-token distributions' },
        ],
        apply: 'restart',
        help: 'What the learned critic’s two heads read at each state.',
      },
      {
        id: 'criticWarmup',
        label: 'Critic warm-up steps',
        kind: 'number',
        default: 0,
        min: 0,
        max: 200,
        step: 1,
        scale: 'linear',
        apply: 'restart',
        help: 'Extra critic steps before the first student step, so the critic starts the game already tracking the gap.',
      },
      {
        id: 'policyGradient',
        label: 'Policy-gradient term',
        kind: 'boolean',
        default: false,
        apply: 'live',
        help: 'Add the score-function term for how the student’s own prefixes change (more variance).',
      },
      sampleTemperature('Temperature of the student’s and the teacher’s samples.'),
    ],
    card: {
      optimises:
        'A moment-matching game: two critics f_on and f_off, bounded by R, look for actions where teacher and student act differently, on the student’s own prefixes and on the teacher’s; the student closes the gaps they find.',
      formula: String.raw`\min_\theta \max_{f_{\mathrm{on}}, f_{\mathrm{off}}}\ \beta\,\mathbb{E}_{y\sim q_\theta}\Big[\sum_t g_{f_{\mathrm{on}}}(s_t)\Big] + (1-\beta)\,\mathbb{E}_{y\sim p}\Big[\sum_t g_{f_{\mathrm{off}}}(s_t)\Big],\quad g_f(s) = \sum_a \big(p(a\mid s) - q_\theta(a\mid s)\big) f(s,a),\ |f|\le R`,
      paper: {
        title: 'Adversarial Moment-Matching Distillation of Large Language Models',
        authors: 'Chen Jia',
        venue: 'NeurIPS 2024',
        url: 'https://arxiv.org/abs/2406.02959',
      },
      ours: [
        'The critic parametrisation is ours (the paper’s is not available to us): two heads f = R·tanh(h), initialised to zero, read by default from the frozen teacher’s and the detached student’s last hidden states side by side. Its own small transformer trunk (the student’s shape) and heads on the teacher’s hidden state alone stay selectable; on the trunk the critic reached only a small fraction of what its objective allows (see “critic efficiency”).',
        'The critics maximise the game’s value minus an L2 penalty c·Σ_t Σ_a f(s_t, a)² at the visited states; without it (c = 0) the game collapsed in every run we made. The penalty, its default and the step counts are ours.',
        'What c does to the student: the best penalised critic is f_c = clip((p − q)/(2c), −R, R), so while |p − q| ≤ 2cR the student descends ‖p − q‖²/(4c) per state, a squared-L2 distance whose gradient vanishes where either model gives a token little mass; as c → 0 it tends to R·‖p − q‖₁ = 2R·tvd, the exact moment distance.',
        'K Adam steps on the critics, then one student step with the critics fixed; the critics’ learning rate is a multiple of the student’s; optional warm-up steps for the critic before the first student step.',
        'The on-policy gradient differentiates the single-step gap exactly; the score-function term for the prefix distribution (with a per-position batch-mean baseline) is behind a switch, off by default.',
        'Critic efficiency, the critic’s distance over the best penalised critic’s at the same held-out states, is ours; so are the exact oracle critic R·sign(p − q) and the exact penalised critic, which bound what any adversary could give the student.',
      ],
    },
    has: { criticLoss: true, criticEstimates: true },
  },
  {
    id: 'xkd',
    label: 'X-KD',
    summary: 'Experiential KD: a Bayesian reward model kept consistent with the student’s Q-values',
    params: [
      {
        id: 'lambda',
        label: 'TD weight λ',
        kind: 'number',
        default: 1,
        min: 0,
        max: 4,
        step: 0.05,
        scale: 'linear',
        apply: 'live',
        help: 'Weight of the TD-consistency term that ties the student’s Q-values to the reward model.',
      },
      {
        id: 'gamma',
        label: 'Discount γ',
        kind: 'number',
        default: 1,
        min: 0,
        max: 1,
        step: 0.01,
        scale: 'linear',
        apply: 'live',
        help: 'Discount in the TD difference Q(s_t, y_t) − γ·Q(s_{t+1}, y_{t+1}).',
      },
      {
        id: 'base',
        label: 'Base loss',
        kind: 'choice',
        default: 'seq',
        choices: [
          { value: 'seq', label: 'Sequence level (SeqKD NLL)' },
          { value: 'divergence', label: 'Divergence on teacher prefixes' },
        ],
        apply: 'live',
        help: 'The distillation loss L_KD the reward model is added to.',
      },
      {
        id: 'divergence',
        label: 'Base divergence',
        kind: 'choice',
        default: 'fkl',
        choices: [
          { value: 'fkl', label: 'Forward KL(p‖q)' },
          { value: 'rkl', label: 'Reverse KL(q‖p)' },
          { value: 'jsd', label: 'Generalized JSD (β = 0.5)' },
          { value: 'tvd', label: 'Total variation' },
        ],
        apply: 'live',
        help: 'The token divergence of the divergence-based variant (ignored by the sequence-level one).',
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
  },
];

export const METHOD_IDS: readonly MethodId[] = METHODS.map((m) => m.id);

export function isMethodId(id: string): id is MethodId {
  return (METHOD_IDS as readonly string[]).includes(id);
}

/** The declaration of a method; throws with the list of methods when the id is unknown. */
export function getMethod(id: string): MethodDeclaration {
  const m = METHODS.find((d) => d.id === id);
  if (!m) throw new Error(`Unknown method '${id}'. Known methods: ${METHOD_IDS.join(', ')}`);
  return m;
}

/** A method's param spec by id, or undefined. */
export function methodParam(method: MethodId, id: string): ParamSpec | undefined {
  return getMethod(method).params.find((p) => p.id === id);
}
