// How one student of a run maps onto a Hugging Face TRL trainer: which trainer and config class,
// the config's fields, and for every setting whether it maps exactly, approximately (and how)
// or not at all. Values come from the resolved run spec, so the playground's defaults flow
// into the recipe. Plain data: no TensorFlow.js, usable by the page and the command line.
import type { ParamValue, ParamValues } from '../engine/params';

export type Fit = 'exact' | 'approximate' | 'none';

export interface MappingRow {
  /** The playground's setting id ('—' for behaviour that is not a setting). */
  setting: string;
  value: string;
  /** The trainer's field it becomes, or '—'. */
  field: string;
  fit: Fit;
  note: string;
}

export interface TrainerChoice {
  /** Python import of the trainer and its config class. */
  module: string;
  trainer: string;
  config: string;
  /** True for TRL's own trainers, false for alembic_trl's. */
  trl: boolean;
  /** How train.py prepares the data: prompt/completion, chat messages (GKD), or teacher samples first (SeqKD). */
  data: 'prompt-completion' | 'messages' | 'teacher-samples';
  /** True when the trainer takes a teacher model. */
  teacher: boolean;
}

export interface StudentMapping {
  choice: TrainerChoice;
  /** Keyword arguments of the config class, in order. */
  args: Record<string, ParamValue | null>;
  rows: MappingRow[];
}

const TRL_GKD = { module: 'trl.experimental.gkd', trainer: 'GKDTrainer', config: 'GKDConfig', trl: true, data: 'messages', teacher: true } as const;
const OUR_GKD = {
  module: 'alembic_trl.gkd_divergence',
  trainer: 'DivergenceGKDTrainer',
  config: 'DivergenceGKDConfig',
  trl: false,
  data: 'messages',
  teacher: true,
} as const;
const TRL_SFT = { module: 'trl', trainer: 'SFTTrainer', config: 'SFTConfig', trl: true, data: 'prompt-completion', teacher: false } as const;
const ours = (file: string, name: string): TrainerChoice => ({
  module: `alembic_trl.${file}`,
  trainer: `${name}Trainer`,
  config: `${name}Config`,
  trl: false,
  data: 'prompt-completion',
  teacher: true,
});

const show = (v: ParamValue | undefined) => (v === undefined ? '—' : String(v));

/** Context a mapping needs beyond the student's own values. */
export interface MappingContext {
  settings: ParamValues;
  /** Longest continuation the playground samples for this task. */
  maxNewTokens: number;
}

/** The optimiser and schedule every recipe shares (the playground's Adam, constant rate, clip 1). */
function commonRows(ctx: MappingContext, args: Record<string, ParamValue | null>): MappingRow[] {
  const s = ctx.settings;
  Object.assign(args, {
    learning_rate: s.lr,
    per_device_train_batch_size: s.batchSize,
    max_steps: s.steps,
    seed: s.seed,
    lr_scheduler_type: Number(s.lrWarmup ?? 0) > 0 ? 'constant_with_warmup' : 'constant',
    warmup_steps: s.lrWarmup ?? 0,
    weight_decay: 0,
    adam_beta1: 0.9,
    adam_beta2: 0.98,
    adam_epsilon: 1e-7,
    max_grad_norm: 1,
    bf16: false,
    logging_steps: s.evalEvery,
    report_to: 'none',
  });
  return [
    {
      setting: 'lr',
      value: show(s.lr),
      field: 'learning_rate',
      fit: 'exact',
      note: 'Adam at a constant rate after any warm-up, no weight decay.',
    },
    ...('lrWarmup' in s
      ? [
          {
            setting: 'lrWarmup',
            value: show(s.lrWarmup),
            field: 'warmup_steps',
            fit: 'approximate' as Fit,
            note: 'Linear warm-up then constant (constant_with_warmup); the playground’s step t uses (t + 1)/warmup of the rate, TRL’s t/warmup: one step apart.',
          },
        ]
      : []),
    {
      setting: 'batchSize',
      value: show(s.batchSize),
      field: 'per_device_train_batch_size',
      fit: 'exact',
      note: 'Exact on one GPU; on N GPUs the global batch is N times larger: divide it by N to keep the playground’s batch.',
    },
    { setting: 'steps', value: show(s.steps), field: 'max_steps', fit: 'exact', note: 'Also the planned length DistiLLM’s schedule reads.' },
    {
      setting: 'seed',
      value: show(s.seed),
      field: 'seed',
      fit: 'approximate',
      note: 'Seeds PyTorch and the method’s draws; the random streams differ from the playground’s, so runs are not the same numbers.',
    },
    {
      setting: '—',
      value: 'Adam β₁ 0.9, β₂ 0.98, ε 1e-7, clip 1',
      field: 'adam_beta1, adam_beta2, adam_epsilon, max_grad_norm',
      fit: 'exact',
      note: 'The playground’s optimiser: Adam with global gradient-norm clipping at 1.',
    },
    {
      setting: '—',
      value: 'float32',
      field: 'bf16 = false',
      fit: 'exact',
      note: 'The playground trains in float32; TRL’s configs default to bf16, which is faster on recent GPUs (set bf16: true there).',
    },
    {
      setting: 'evalEvery',
      value: show(s.evalEvery),
      field: 'logging_steps',
      fit: 'approximate',
      note: 'The playground computes held-out divergences and the task score; TRL logs the training loss (and eval loss where an eval set is given).',
    },
    {
      setting: 'task',
      value: show(s.task),
      field: 'dataset',
      fit: 'approximate',
      note: 'Examples of the task are written to data/ so the recipe runs as is; for a real model use your own prompt/completion dataset.',
    },
    {
      setting: 'studentWidth, studentLayers, studentHeads',
      value: `${show(s.studentWidth)}×${show(s.studentLayers)}, ${show(s.studentHeads)} heads`,
      field: '—',
      fit: 'none',
      note: 'You choose the student model (its id is a placeholder); the playground’s tiny transformer has no Hub counterpart.',
    },
    ...('studentInit' in s
      ? [
          {
            setting: 'studentInit',
            value: show(s.studentInit),
            field: 'student (placeholder)',
            fit: 'approximate' as Fit,
            note: 'The playground starts from its own warm (SFT) or random student; here the student is the checkpoint you pass: fine-tune it on the task first for a warm start, as the papers do.',
          },
        ]
      : []),
  ];
}

function samplingRow(hyper: ParamValues, field: string, what: string): MappingRow {
  const tau = hyper.sampleTemperature as number;
  return tau > 0
    ? { setting: 'sampleTemperature', value: show(tau), field, fit: 'exact', note: `Temperature of ${what}.` }
    : {
        setting: 'sampleTemperature',
        value: '0',
        field,
        fit: 'approximate',
        note: `τ_s = 0 decodes greedily in the playground; the recipe samples at 1e-3 instead (${what}).`,
      };
}

function maxNewRow(ctx: MappingContext, args: Record<string, ParamValue | null>, field = 'max_new_tokens'): MappingRow {
  args[field] = ctx.maxNewTokens;
  return {
    setting: '—',
    value: String(ctx.maxNewTokens),
    field,
    fit: 'approximate',
    note: 'The playground’s context window bounds continuations; raise it for real tasks.',
  };
}

/** The trainer, config arguments and mapping table for one student. */
export function mapStudent(method: string, hyper: ParamValues, ctx: MappingContext): StudentMapping {
  const args: Record<string, ParamValue | null> = {};
  const rows = commonRows(ctx, args);
  const own = (r: MappingRow[]) => rows.push(...r);
  const tau = (hyper.sampleTemperature as number | undefined) ?? 1;
  const sampleTau = tau > 0 ? tau : 1e-3;
  let choice: TrainerChoice;

  switch (method) {
    case 'sft':
      choice = TRL_SFT;
      Object.assign(args, { completion_only_loss: true });
      own([
        {
          setting: '—',
          value: 'NLL of reference answers',
          field: 'completion_only_loss',
          fit: 'exact',
          note: 'Mean negative log-likelihood over completion tokens (and EOS).',
        },
      ]);
      break;
    case 'seqkd':
      choice = { ...TRL_SFT, data: 'teacher-samples', teacher: true };
      Object.assign(args, { completion_only_loss: true });
      own([
        samplingRow(hyper, 'teacher_sample_temperature (train.py)', 'the teacher’s samples'),
        maxNewRow(ctx, args),
        {
          setting: '—',
          value: 'fresh teacher samples each step',
          field: '—',
          fit: 'approximate',
          note: 'train.py samples one teacher continuation per prompt before training (Kim & Rush’s fixed set); the playground draws fresh ones every step.',
        },
      ]);
      args.teacher_sample_temperature = sampleTau;
      break;
    case 'kd': {
      const t = hyper.temperature as number;
      choice = t === 1 ? TRL_GKD : OUR_GKD;
      Object.assign(args, { lmbda: 0, beta: 0, seq_kd: false });
      if (t !== 1) Object.assign(args, { divergence: 'fkl', divergence_temperature: t });
      own([
        { setting: '—', value: 'dataset prefixes', field: 'lmbda = 0', fit: 'exact', note: 'Never on-policy: every batch is the dataset.' },
        { setting: '—', value: 'forward KL', field: 'beta = 0', fit: 'exact', note: 'TRL’s generalized JSD at β = 0 is KL(p‖q).' },
        t === 1
          ? { setting: 'temperature', value: '1', field: '—', fit: 'exact', note: 'TRL’s GKD loss is taken at temperature 1.' }
          : {
              setting: 'temperature',
              value: show(t),
              field: 'divergence_temperature',
              fit: 'exact',
              note: 'TRL’s GKD loss has no temperature, so the recipe uses alembic_trl’s DivergenceGKDTrainer (a GKDTrainer whose loss is τ²·KL at τ).',
            },
      ]);
      break;
    }
    case 'rkl':
      choice = TRL_GKD;
      Object.assign(args, { lmbda: 0, beta: 1, seq_kd: false });
      own([
        { setting: '—', value: 'dataset prefixes', field: 'lmbda = 0', fit: 'exact', note: 'Never on-policy.' },
        { setting: '—', value: 'reverse KL', field: 'beta = 1', fit: 'exact', note: 'TRL’s generalized JSD at β = 1 is KL(q‖p).' },
      ]);
      break;
    case 'tvd':
      choice = OUR_GKD;
      Object.assign(args, { lmbda: 0, beta: 0.5, seq_kd: false, divergence: 'tvd' });
      own([
        { setting: '—', value: 'dataset prefixes', field: 'lmbda = 0', fit: 'exact', note: 'Never on-policy.' },
        { setting: '—', value: 'total variation', field: 'divergence = tvd', fit: 'exact', note: 'TRL has no TVD loss: alembic_trl’s DivergenceGKDTrainer.' },
      ]);
      break;
    case 'gkd': {
      const div = hyper.divergence as string;
      const trlHas = div !== 'tvd';
      choice = trlHas ? TRL_GKD : OUR_GKD;
      const beta = div === 'fkl' ? 0 : div === 'rkl' ? 1 : (hyper.beta as number);
      Object.assign(args, { lmbda: hyper.lambda, beta, temperature: sampleTau, seq_kd: hyper.offPolicyData === 'teacher' });
      if (!trlHas) args.divergence = 'tvd';
      own([
        {
          setting: 'lambda',
          value: show(hyper.lambda),
          field: 'lmbda',
          fit: 'exact',
          note:
            'Each step, with probability λ the batch is replaced by the student’s own samples.' +
            (hyper.lambda === 1 && tau === 1 && trlHas
              ? ' At λ = 1 and τ_s = 1 TRL’s DistillationTrainer (DistillationConfig: beta, max_completion_length) computes the same loss and adds vLLM generation.'
              : ''),
        },
        {
          setting: 'divergence',
          value: show(div),
          field: trlHas ? 'beta' : 'divergence',
          fit: 'exact',
          note: trlHas ? 'fkl is β = 0, rkl β = 1, jsd the generalized JSD at β.' : 'TRL has no TVD loss: alembic_trl’s DivergenceGKDTrainer.',
        },
        {
          setting: 'beta',
          value: show(hyper.beta),
          field: 'beta',
          fit: div === 'jsd' ? 'exact' : 'none',
          note: div === 'jsd' ? 'The generalized JSD’s β, the same convention (β = 0 forward KL, β = 1 reverse KL).' : 'Only used by the JSD divergence.',
        },
        {
          setting: 'offPolicyData',
          value: show(hyper.offPolicyData),
          field: 'seq_kd',
          fit: 'exact',
          note: 'seq_kd = true: off-policy batches are fresh teacher samples instead of dataset answers.',
        },
        samplingRow(hyper, 'temperature', 'the student’s and teacher’s samples (GKD’s temperature is the sampling temperature)'),
        maxNewRow(ctx, args),
      ]);
      break;
    }
    case 'distillm':
      choice = ours('distillm', 'DistiLLM');
      Object.assign(args, {
        divergence: hyper.divergence,
        alpha: hyper.alpha,
        epsilon: hyper.epsilon,
        buffer_capacity: hyper.bufferCapacity,
        sample_temperature: sampleTau,
        eval_strategy: 'steps',
        eval_steps: ctx.settings.evalEvery,
      });
      own([
        { setting: 'divergence', value: show(hyper.divergence), field: 'divergence', fit: 'exact', note: 'Skew KL or skew reverse KL (TRL has neither).' },
        { setting: 'alpha', value: show(hyper.alpha), field: 'alpha', fit: 'exact', note: 'The skew α.' },
        {
          setting: 'epsilon',
          value: show(hyper.epsilon),
          field: 'epsilon',
          fit: 'exact',
          note: 'Validation NLL rise that raises φ by 0.1; the NLL is measured on the eval set at every eval_steps.',
        },
        {
          setting: 'bufferCapacity',
          value: show(hyper.bufferCapacity),
          field: 'buffer_capacity',
          fit: 'exact',
          note: 'First-in-first-out replay buffer of student samples.',
        },
        { setting: 'evalEvery', value: show(ctx.settings.evalEvery), field: 'eval_steps', fit: 'exact', note: 'When φ can move: at each evaluation.' },
        samplingRow(hyper, 'sample_temperature', 'the student’s samples'),
        maxNewRow(ctx, args),
        {
          setting: '—',
          value: 'no pre-training loss',
          field: '—',
          fit: 'exact',
          note: 'As in the playground, the paper’s language-modelling term is left out.',
        },
      ]);
      break;
    case 'minillm':
      choice = ours('minillm', 'MiniLLM');
      Object.assign(args, { mix_alpha: hyper.mixAlpha, gamma: hyper.gamma, length_norm: hyper.lengthNorm, clip: hyper.clip });
      own([
        {
          setting: 'mixAlpha',
          value: show(hyper.mixAlpha),
          field: 'mix_alpha',
          fit: 'exact',
          note: 'Samples from αp + (1−α)q, reweighted by q / (αp + (1−α)q).',
        },
        { setting: 'gamma', value: show(hyper.gamma), field: 'gamma', fit: 'exact', note: 'Discount of the long-term return.' },
        {
          setting: 'lengthNorm',
          value: show(hyper.lengthNorm),
          field: 'length_norm',
          fit: 'exact',
          note: 'Returns divided by the number of rewards they sum.',
        },
        { setting: 'clip', value: show(hyper.clip), field: 'clip', fit: 'exact', note: 'PPO clip of the importance weight, 0 off (one update per sample).' },
        maxNewRow(ctx, args),
        {
          setting: '—',
          value: 'TRL’s MiniLLMTrainer',
          field: '—',
          fit: 'none',
          note: 'TRL’s experimental MiniLLMTrainer is GRPO-based (groups of generations, no teacher-mixed sampling); the recipe uses alembic_trl’s MiniLLMTrainer, whose loss equals the playground’s.',
        },
      ]);
      break;
    case 'ammd': {
      choice = ours('ammd', 'AMMD');
      Object.assign(args, {
        beta: hyper.beta,
        bound: hyper.bound,
        critic_steps: hyper.criticSteps,
        penalty: hyper.penalty,
        critic_lr_scale: hyper.criticLrScale,
        policy_gradient: hyper.policyGradient,
        sample_temperature: sampleTau,
      });
      own([
        {
          setting: 'beta',
          value: show(hyper.beta),
          field: 'beta',
          fit: 'exact',
          note: 'Weight of the on-policy distance (student samples) against the off-policy one (teacher samples).',
        },
        { setting: 'bound', value: show(hyper.bound), field: 'bound', fit: 'exact', note: 'f = R·tanh(h), zero-initialised value heads.' },
        { setting: 'criticSteps', value: show(hyper.criticSteps), field: 'critic_steps', fit: 'exact', note: 'Critic Adam steps before each student step.' },
        { setting: 'penalty', value: show(hyper.penalty), field: 'penalty', fit: 'exact', note: 'L2 penalty c on the critics’ outputs at the visited states.' },
        {
          setting: 'criticLrScale',
          value: show(hyper.criticLrScale),
          field: 'critic_lr_scale',
          fit: 'exact',
          note: 'The critics’ Adam learning rate is this multiple of the student’s.',
        },
        {
          setting: 'policyGradient',
          value: show(hyper.policyGradient),
          field: 'policy_gradient',
          fit: 'exact',
          note: 'Score-function term of the on-policy prefixes with a per-position batch-mean baseline.',
        },
        ...criticRows(hyper, args),
        samplingRow(hyper, 'sample_temperature', 'the student’s and the teacher’s samples'),
        maxNewRow(ctx, args),
      ]);
      break;
    }
    case 'xkd':
      choice = ours('xkd', 'XKD');
      Object.assign(args, { lmbda: hyper.lambda, gamma: hyper.gamma, base: hyper.base, divergence: hyper.divergence, sample_temperature: sampleTau });
      own([
        { setting: 'lambda', value: show(hyper.lambda), field: 'lmbda', fit: 'exact', note: 'Weight of the TD likelihood.' },
        { setting: 'gamma', value: show(hyper.gamma), field: 'gamma', fit: 'exact', note: 'Discount in the TD difference.' },
        { setting: 'base', value: show(hyper.base), field: 'base', fit: 'exact', note: 'SeqKD NLL or a divergence on teacher prefixes.' },
        {
          setting: 'divergence',
          value: show(hyper.divergence),
          field: 'divergence',
          fit: hyper.base === 'divergence' ? 'exact' : 'none',
          note: 'Only for the divergence-based variant.',
        },
        samplingRow(hyper, 'sample_temperature', 'the teacher’s samples'),
        maxNewRow(ctx, args),
        {
          setting: '—',
          value: 'reward head',
          field: '—',
          fit: 'exact',
          note: 'A linear Gaussian head on the student’s detached final hidden states, trained by the student’s optimiser; it is saved with the student (key xkd_reward_head), drop it before serving.',
        },
      ]);
      break;
    default:
      throw new Error(`No recipe for method '${method}'`);
  }
  if ('sampleTemperature' in hyper && method !== 'seqkd' && !('sample_temperature' in args) && !('temperature' in args)) {
    // A sampling temperature the chosen trainer never uses (GKD-family at λ = 0 samples nothing).
    rows.push({ setting: 'sampleTemperature', value: show(hyper.sampleTemperature), field: '—', fit: 'none', note: 'Not used by this trainer.' });
  }
  return { choice, args, rows };
}

const CRITICS: Record<string, string> = {
  learned: 'Trained by K Adam steps on the penalised game.',
  oracle: 'f = R·sign(p − q) computed exactly at every state: the strongest bounded critic (for debugging).',
  penalised: 'f = clip((p − q)/2c, −R, R) computed exactly: the penalised game’s optimum.',
};
const FEATURES: Record<string, string> = {
  own: 'Value heads on a freshly initialised transformer of the student’s architecture.',
  teacher: 'Value heads on the frozen teacher’s last hidden state.',
  both: 'Value heads on the teacher’s and the detached student’s last hidden states side by side.',
};

/** AMMD's critic settings (the playground's defaults when a run predates them). */
function criticRows(hyper: ParamValues, args: Record<string, ParamValue | null>): MappingRow[] {
  const critic = (hyper.critic as string | undefined) ?? 'learned';
  const features = (hyper.criticFeatures as string | undefined) ?? 'own';
  const rows: MappingRow[] = [];
  const choice = (setting: string, value: string, field: string, known: Record<string, string>, fallback: string) => {
    const ok = value in known;
    args[field] = ok ? value : fallback;
    rows.push({
      setting: setting in hyper ? setting : '—',
      value,
      field,
      fit: ok ? 'exact' : 'approximate',
      note: ok ? known[value] : `alembic_trl has no '${value}'; the recipe uses '${fallback}'.`,
    });
  };
  choice('critic', critic, 'critic', CRITICS, 'learned');
  choice('criticFeatures', features, 'critic_features', FEATURES, 'own');
  if ('criticWarmup' in hyper) {
    args.critic_warmup = hyper.criticWarmup;
    rows.push({
      setting: 'criticWarmup',
      value: show(hyper.criticWarmup),
      field: 'critic_warmup',
      fit: 'exact',
      note: 'Extra critic steps before the first student step.',
    });
  }
  return rows;
}
