// The methods of 2025 (on-policy distillation, TAID, DistiLLM-2, SKD, ABKD) have no trainer of
// their own in the export yet. Until they do, each recipe trains the closest loss TRL's GKD
// trainer already computes, from the same data source, and says so in its README; the settings
// it cannot carry are listed as not mapped.
import type { ParamValues } from '../engine/params';
import { maxNewRow, samplingRow, type Args, type MappingContext, type MappingRow, type TrainerChoice } from './mappingRows';

const TRL_GKD: TrainerChoice = { module: 'trl.experimental.gkd', trainer: 'GKDTrainer', config: 'GKDConfig', trl: true, data: 'messages', teacher: true };

const pending = (method: string, standIn: string): MappingRow => ({
  setting: '—',
  value: `${method}: not exported yet`,
  field: '—',
  fit: 'approximate',
  note: `The TRL export of this method is not supported yet; the recipe trains ${standIn} instead.`,
});

/** The stand-in trainer of a 2025 method's student and its rows; undefined for other methods. */
export function pendingMethod(
  method: string,
  hyper: ParamValues,
  ctx: MappingContext,
  args: Args,
  own: (rows: MappingRow[]) => void,
): TrainerChoice | undefined {
  const tau = (hyper.sampleTemperature as number | undefined) ?? 1;
  const sampleTau = tau > 0 ? tau : 1e-3;
  const onPolicy = (beta: number) => Object.assign(args, { lmbda: 1, beta, temperature: sampleTau, seq_kd: false });
  switch (method) {
    case 'opd': {
      onPolicy(1);
      const dense = hyper.variant === 'dense';
      own([
        {
          setting: 'variant',
          value: String(hyper.variant),
          field: 'lmbda = 1, beta = 1',
          fit: dense ? 'exact' : 'approximate',
          note: dense
            ? 'Dense on-policy distillation is GKD at λ = 1 with reverse KL (β = 1); TRL’s DistillationTrainer computes the same loss.'
            : 'The sampled-token policy gradient is not exported yet; the recipe trains the dense form (reverse KL over the vocabulary on the student’s samples).',
        },
        samplingRow(hyper, 'temperature', 'the student’s samples'),
        maxNewRow(ctx, args),
      ]);
      return TRL_GKD;
    }
    case 'skd':
      onPolicy(hyper.divergence === 'rkl' ? 1 : 0);
      own([
        pending('SKD', 'plain on-policy distillation (SKD with K = V: no teacher replacements)'),
        samplingRow(hyper, 'temperature', 'the student’s proposals'),
        maxNewRow(ctx, args),
      ]);
      return TRL_GKD;
    case 'taid':
      Object.assign(args, { lmbda: 0, beta: 0, seq_kd: false });
      own([pending('TAID', 'forward KL on dataset prefixes (TAID at t = 1)')]);
      return TRL_GKD;
    case 'abkd': {
      const rkl = hyper.alpha === 0 && hyper.beta === 1;
      Object.assign(args, { lmbda: 0, beta: rkl ? 1 : 0, seq_kd: false });
      own([pending('ABKD', rkl ? 'reverse KL on dataset prefixes, ABKD at (0, 1)' : 'forward KL on dataset prefixes, ABKD at (1, 0)')]);
      return TRL_GKD;
    }
    case 'distillm2':
      Object.assign(args, { lmbda: 0.5, beta: 0.5, temperature: sampleTau, seq_kd: true });
      own([
        pending('DistiLLM-2', 'GKD alternating teacher and student samples (λ = 0.5, seq_kd) with the generalized JSD at β = 0.5'),
        samplingRow(hyper, 'temperature', 'the teacher’s and the student’s responses'),
        maxNewRow(ctx, args),
      ]);
      return TRL_GKD;
    default:
      return undefined;
  }
}
