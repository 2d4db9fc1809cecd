// The shared parts of a recipe's mapping: its types, and the rows every trainer has (the
// optimiser, schedule, batch, steps, sampling). Plain data: no TensorFlow.js.
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
  /**
   * How train.py prepares the data: prompt/completion, chat messages (GKD), teacher samples
   * first (SeqKD), or prompts alone (DistillationTrainer, which samples the completions itself).
   */
  data: 'prompt-completion' | 'messages' | 'teacher-samples' | 'prompts';
  /** True when the trainer takes a teacher model. */
  teacher: boolean;
}

export interface StudentMapping {
  choice: TrainerChoice;
  /** Keyword arguments of the config class, in order. */
  args: Record<string, ParamValue | null>;
  rows: MappingRow[];
}

export type Args = Record<string, ParamValue | null>;

export const show = (v: ParamValue | undefined) => (v === undefined ? '—' : String(v));

/** Context a mapping needs beyond the student's own values. */
export interface MappingContext {
  settings: ParamValues;
  /** Longest continuation the playground samples for this task. */
  maxNewTokens: number;
}

/** The optimiser and schedule every recipe shares (the playground's Adam, constant rate, clip 1). */
export function commonRows(ctx: MappingContext, args: Record<string, ParamValue | null>): MappingRow[] {
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
    { setting: 'steps', value: show(s.steps), field: 'max_steps', fit: 'exact', note: 'Also the planned length DistiLLM’s and TAID’s schedules read.' },
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

export function samplingRow(hyper: ParamValues, field: string, what: string): MappingRow {
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

export function maxNewRow(ctx: MappingContext, args: Record<string, ParamValue | null>, field = 'max_new_tokens'): MappingRow {
  args[field] = ctx.maxNewTokens;
  return {
    setting: '—',
    value: String(ctx.maxNewTokens),
    field,
    fit: 'approximate',
    note: 'The playground’s context window bounds continuations; raise it for real tasks.',
  };
}

/** The playground's student has no dropout: trainers that can turn it off do (`disable_dropout`). */
export function dropoutRow(args: Record<string, ParamValue | null>): MappingRow {
  args.disable_dropout = true;
  return {
    setting: '—',
    value: 'no dropout',
    field: 'disable_dropout',
    fit: 'exact',
    note: 'The playground’s transformer has no dropout; the student trains without it here too.',
  };
}

/** A sampling temperature an alembic_trl trainer takes as it is: 0 decodes greedily there, as in the playground. */
export function ownSamplingRow(hyper: ParamValues, args: Record<string, ParamValue | null>, field: string, what: string): MappingRow {
  const tau = hyper.sampleTemperature as number;
  args[field] = tau;
  return {
    setting: 'sampleTemperature',
    value: show(tau),
    field,
    fit: 'exact',
    note: `Temperature of ${what}${tau > 0 ? '' : ' (0: greedy, as in the playground)'}.`,
  };
}
