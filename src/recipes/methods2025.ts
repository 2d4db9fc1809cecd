// The methods of 2025 on their trainers: on-policy distillation on TRL's DistillationTrainer where
// it is the exact match (the dense form sampled at temperature 1) and on alembic_trl's OPDTrainer
// otherwise; TAID, DistiLLM-2, SKD and ABKD on alembic_trl's trainers, whose losses are the
// engine's (recipes/tests/test_parity_2025.py).
import type { ParamValues } from '../engine/params';
import { dropoutRow, maxNewRow, ownSamplingRow, show, type Args, type MappingContext, type MappingRow, type TrainerChoice } from './mappingRows';
import { TRL_DISTILLATION, distillationTrainerRows } from './trlMethods';

/** Tokens in the playground's vocabulary: SKD's K at or above it accepts every proposal. */
const PLAYGROUND_VOCABULARY = 44;

const ours = (file: string, name: string): TrainerChoice => ({
  module: `alembic_trl.${file}`,
  trainer: `${name}Trainer`,
  config: `${name}Config`,
  trl: false,
  data: 'prompt-completion',
  teacher: true,
});

/** The trainer of an on-policy distillation, TAID, DistiLLM-2, SKD or ABKD student and its rows; undefined for other methods. */
export function method2025(method: string, hyper: ParamValues, ctx: MappingContext, args: Args, own: (rows: MappingRow[]) => void): TrainerChoice | undefined {
  switch (method) {
    case 'opd':
      return opd(hyper, ctx, args, own);
    case 'taid':
      Object.assign(args, { t_start: hyper.tStart, t_end: 1, adaptive: hyper.adaptive, alpha: hyper.alpha, beta: hyper.beta });
      own([
        { setting: 'tStart', value: show(hyper.tStart), field: 't_start', fit: 'exact', note: 'The interpolation t at the first step.' },
        {
          setting: 'adaptive',
          value: show(hyper.adaptive),
          field: 'adaptive',
          fit: 'exact',
          note: 'On: t runs ahead of the linear schedule while the loss falls; off: linear from t₀ to 1 over max_steps.',
        },
        { setting: 'alpha', value: show(hyper.alpha), field: 'alpha', fit: 'exact', note: 'Step size α of the adaptive increment α·sigmoid(m)·(1 − t).' },
        { setting: 'beta', value: show(hyper.beta), field: 'beta', fit: 'exact', note: 'Momentum β of the loss’s relative fall.' },
        {
          setting: '—',
          value: 't_end = 1, KL to the target',
          field: 't_end',
          fit: 'exact',
          note: 'As in the playground the schedule is fed the KL to the target (the official code feeds the cross-entropy, same gradient); t is logged as taid_t.',
        },
        { setting: '—', value: 'dataset prefixes', field: 'train_dataset', fit: 'exact', note: 'TAID trains on the dataset’s answers; nothing is sampled.' },
        dropoutRow(args),
      ]);
      return ours('taid', 'TAID');
    case 'distillm2':
      Object.assign(args, { alpha_teacher: hyper.alphaTeacher, alpha_student: hyper.alphaStudent, beta: hyper.beta });
      own([
        {
          setting: 'alphaTeacher',
          value: show(hyper.alphaTeacher),
          field: 'alpha_teacher',
          fit: 'exact',
          note: 'Skew KL(p ‖ α₁p + (1−α₁)q) on the teacher’s responses.',
        },
        {
          setting: 'alphaStudent',
          value: show(hyper.alphaStudent),
          field: 'alpha_student',
          fit: 'exact',
          note: 'Skew reverse KL(q ‖ (1−α₂)p + α₂·sg(q)) on the student’s responses, no gradient through the mixture’s q.',
        },
        { setting: 'beta', value: show(hyper.beta), field: 'beta', fit: 'exact', note: 'The loss is (2 − β)·SKL + β·SRKL, each a per-sequence token mean.' },
        ownSamplingRow(hyper, args, 'sample_temperature', 'both the teacher’s and the student’s responses'),
        maxNewRow(ctx, args),
        {
          setting: '—',
          value: 'fresh pairs every step',
          field: '—',
          fit: 'exact',
          note: 'Each step the teacher and the current student answer the batch’s prompts, as in the playground; the paper generates both once before training, from the SFT student.',
        },
        dropoutRow(args),
      ]);
      return ours('distillm2', 'DistiLLM2');
    case 'skd': {
      const k = hyper.topK as number;
      const all = k >= PLAYGROUND_VOCABULARY;
      Object.assign(args, { top_k: all ? 0 : k, teacher_temperature: hyper.teacherTemperature, divergence: hyper.divergence });
      own([
        {
          setting: 'topK',
          value: show(k),
          field: 'top_k',
          fit: 'exact',
          note: all
            ? `K = ${k} covers the playground’s whole vocabulary: every proposal is accepted, which top_k = 0 says for any vocabulary (plain on-policy distillation).`
            : `The same rule (fewer than K tokens with a larger teacher logit); K of the playground’s ${PLAYGROUND_VOCABULARY} tokens is a far larger share than K of a real vocabulary (the paper: 25 of Gemma’s 256k).`,
        },
        ownSamplingRow(hyper, args, 'sample_temperature', 'the student’s proposals'),
        {
          setting: 'teacherTemperature',
          value: show(hyper.teacherTemperature),
          field: 'teacher_temperature',
          fit: 'exact',
          note: 'Temperature of the teacher’s replacement samples (0: its likeliest token).',
        },
        { setting: 'divergence', value: show(hyper.divergence), field: 'divergence', fit: 'exact', note: 'The token divergence on the interleaved sequence.' },
        maxNewRow(ctx, args),
        {
          setting: '—',
          value: 'acceptance rate',
          field: 'skd_acceptance (logged)',
          fit: 'exact',
          note: 'The share of proposals the teacher kept since the previous log, the playground’s skdAcceptance; proposals are checked token by token as they are drawn.',
        },
        dropoutRow(args),
      ]);
      return ours('skd', 'SKD');
    }
    case 'abkd':
      Object.assign(args, { alpha: hyper.alpha, beta: hyper.beta });
      own([
        { setting: 'alpha', value: show(hyper.alpha), field: 'alpha', fit: 'exact', note: 'Power α of the teacher’s probabilities; (1, 0) is forward KL.' },
        { setting: 'beta', value: show(hyper.beta), field: 'beta', fit: 'exact', note: 'Power β of the student’s probabilities; (0, 1) is reverse KL.' },
        {
          setting: '—',
          value: 'dataset prefixes, limits of the formula',
          field: 'train_dataset',
          fit: 'exact',
          note: 'On the dataset’s answers; where α, β or α + β is 0 the loss is the formula’s continuous limit, as in the playground.',
        },
        dropoutRow(args),
      ]);
      return ours('abkd', 'ABKD');
    default:
      return undefined;
  }
}

/** Dense and sampled at 1: TRL's DistillationTrainer; otherwise alembic_trl's OPDTrainer. */
function opd(hyper: ParamValues, ctx: MappingContext, args: Args, own: (rows: MappingRow[]) => void): TrainerChoice {
  const dense = hyper.variant === 'dense';
  const gammaRow = (used: boolean): MappingRow => ({
    setting: 'gamma',
    value: show(hyper.gamma),
    field: used ? 'gamma' : '—',
    fit: used ? 'exact' : 'none',
    note: used ? 'Discount of the later tokens’ −(log q − log p) in each advantage (Tinker’s kl_discount_factor).' : 'Only used by the sampled form.',
  });
  if (dense && hyper.sampleTemperature === 1) {
    own([
      {
        setting: 'variant',
        value: 'dense',
        field: 'beta = 1',
        fit: 'exact',
        note: 'Reverse KL over the vocabulary on the student’s samples: TRL’s DistillationTrainer at β = 1 (its default), normalised by the generated tokens as the playground’s mean.',
      },
      gammaRow(false),
      ...distillationTrainerRows(1, ctx, args),
    ]);
    return TRL_DISTILLATION;
  }
  Object.assign(args, { variant: hyper.variant });
  if (!dense) args.gamma = hyper.gamma;
  own([
    {
      setting: 'variant',
      value: show(hyper.variant),
      field: 'variant',
      fit: 'exact',
      note: dense
        ? 'Dense reverse KL on the student’s samples. Sampled at τ_s ≠ 1, TRL’s DistillationTrainer would also soften the divergence by its temperature; alembic_trl’s OPDTrainer samples at τ_s and takes the divergence at 1, as the playground does.'
        : 'Each sampled token’s −(log q − log p) is its advantage in a policy gradient (REINFORCE, one update per batch of samples, no baseline). TRL 1.16 has no stable sampled-token trainer; its experimental IWOPDTrainer reweights positions (IW-OPD), another objective.',
    },
    gammaRow(!dense),
    ownSamplingRow(hyper, args, 'sample_temperature', 'the student’s samples'),
    maxNewRow(ctx, args),
    dropoutRow(args),
  ]);
  return ours('opd', 'OPD');
}
