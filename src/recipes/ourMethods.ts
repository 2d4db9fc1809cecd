// Methods TRL lacks, on alembic_trl's trainers: DistiLLM, MiniLLM, AMMD, X-KD.
import type { ParamValue, ParamValues } from '../engine/params';
import { dropoutRow, maxNewRow, samplingRow, show, type Args, type MappingContext, type MappingRow, type TrainerChoice } from './mappingRows';

const ours = (file: string, name: string): TrainerChoice => ({
  module: `alembic_trl.${file}`,
  trainer: `${name}Trainer`,
  config: `${name}Config`,
  trl: false,
  data: 'prompt-completion',
  teacher: true,
});

/** The trainer of a DistiLLM, MiniLLM, AMMD or X-KD student and its rows; undefined for other methods. */
export function ourMethod(method: string, hyper: ParamValues, ctx: MappingContext, args: Args, own: (rows: MappingRow[]) => void): TrainerChoice | undefined {
  const tau = (hyper.sampleTemperature as number | undefined) ?? 1;
  const sampleTau = tau > 0 ? tau : 1e-3;
  let choice: TrainerChoice;
  switch (method) {
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
        dropoutRow(args),
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
          note: 'TRL removed its experimental, GRPO-based MiniLLMTrainer in 1.15 (its dense part is DistillationTrainer at β = 1); the recipe uses alembic_trl’s MiniLLMTrainer, whose loss equals the playground’s.',
        },
        dropoutRow(args),
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
        dropoutRow(args),
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
        dropoutRow(args),
      ]);
      break;
    default:
      return undefined;
  }
  return choice;
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
  probs: 'Value heads on both hidden states and both next-token distributions p and q, all detached.',
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
