// Methods whose closest trainer is TRL's own (SFTTrainer, the experimental GKDTrainer, the stable
// DistillationTrainer for on-policy batches sampled at temperature 1), or alembic_trl's
// GKDTrainer subclass where TRL's loss lacks the divergence or the temperature.
import type { ParamValues } from '../engine/params';
import { dropoutRow, maxNewRow, samplingRow, show, type Args, type MappingContext, type MappingRow, type TrainerChoice } from './mappingRows';

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
/** TRL's stable on-policy trainer (since 1.16): the student samples, the loss is the generalized JSD at `beta`. */
export const TRL_DISTILLATION: TrainerChoice = {
  module: 'trl',
  trainer: 'DistillationTrainer',
  config: 'DistillationConfig',
  trl: true,
  data: 'prompts',
  teacher: true,
};

/**
 * The arguments and rows of a DistillationTrainer recipe: on-policy at temperature 1 (its
 * temperature samples and also softens the divergence, so only 1 matches the playground, whose
 * divergence is at 1), `beta` selecting the divergence (0 forward KL, 1 reverse KL).
 */
export function distillationTrainerRows(beta: number, ctx: MappingContext, args: Args): MappingRow[] {
  Object.assign(args, { beta, temperature: 1 });
  return [
    {
      setting: 'sampleTemperature',
      value: '1',
      field: 'temperature',
      fit: 'exact',
      note: 'The student samples at 1 and the divergence is taken at 1 (DistillationTrainer’s temperature does both; another value would soften the divergence too).',
    },
    maxNewRow(ctx, args, 'max_completion_length'),
    dropoutRow(args),
    {
      setting: '—',
      value: 'prompts only',
      field: 'train_dataset (prompt column)',
      fit: 'exact',
      note: 'DistillationTrainer reads the prompts and samples every completion from the current student; the dataset’s answers are never used, as in the playground’s on-policy batches.',
    },
  ];
}

/** The trainer of an SFT, SeqKD, KD, RKL, TVD or GKD student and its rows; undefined for other methods. */
export function trlMethod(method: string, hyper: ParamValues, ctx: MappingContext, args: Args, own: (rows: MappingRow[]) => void): TrainerChoice | undefined {
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
      const beta = div === 'fkl' ? 0 : div === 'rkl' ? 1 : (hyper.beta as number);
      const divergenceRows = (field: string): MappingRow[] => [
        {
          setting: 'divergence',
          value: show(div),
          field: trlHas ? field : 'divergence',
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
      ];
      if (hyper.lambda === 1 && tau === 1 && trlHas) {
        // Always on-policy, sampled at 1: exactly TRL's stable DistillationTrainer.
        choice = TRL_DISTILLATION;
        own([
          {
            setting: 'lambda',
            value: '1',
            field: '— (always on-policy)',
            fit: 'exact',
            note: 'At λ = 1 every batch is the student’s own samples: TRL’s DistillationTrainer, which is on-policy only.',
          },
          ...divergenceRows('beta'),
          {
            setting: 'offPolicyData',
            value: show(hyper.offPolicyData),
            field: '—',
            fit: 'exact',
            note: 'Unused at λ = 1 (no batch is off-policy), here as in the playground.',
          },
          ...distillationTrainerRows(beta, ctx, args),
        ]);
        break;
      }
      choice = trlHas ? TRL_GKD : OUR_GKD;
      Object.assign(args, { lmbda: hyper.lambda, beta, temperature: sampleTau, seq_kd: hyper.offPolicyData === 'teacher' });
      if (!trlHas) args.divergence = 'tvd';
      own([
        {
          setting: 'lambda',
          value: show(hyper.lambda),
          field: 'lmbda',
          fit: 'exact',
          note: 'Each step, with probability λ the batch is replaced by the student’s own samples (TRL’s experimental GKDTrainer; its stable DistillationTrainer is on-policy only, so it fits λ = 1 at τ_s = 1).',
        },
        ...divergenceRows('beta'),
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
    default:
      return undefined;
  }
  return choice;
}
