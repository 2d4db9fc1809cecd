// How one student of a run maps onto a Hugging Face TRL trainer: which trainer and config class,
// the config's fields, and for every setting whether it maps exactly, approximately (and how)
// or not at all. Values come from the resolved run spec, so the playground's defaults flow
// into the recipe. Plain data: no TensorFlow.js, usable by the page and the command line.
import type { ParamValues } from '../engine/params';
import { commonRows, show, type Args, type MappingContext, type MappingRow, type StudentMapping } from './mappingRows';
import { ourMethod } from './ourMethods';
import { trlMethod } from './trlMethods';
import { method2025 } from './methods2025';

export type { Fit, MappingContext, MappingRow, StudentMapping, TrainerChoice } from './mappingRows';

/** The trainer, config arguments and mapping table for one student. */
export function mapStudent(method: string, hyper: ParamValues, ctx: MappingContext): StudentMapping {
  const args: Args = {};
  const rows = commonRows(ctx, args);
  const own = (r: MappingRow[]) => rows.push(...r);
  const choice = trlMethod(method, hyper, ctx, args, own) ?? ourMethod(method, hyper, ctx, args, own) ?? method2025(method, hyper, ctx, args, own);
  if (!choice) throw new Error(`No recipe for method '${method}'`);
  if ('sampleTemperature' in hyper && method !== 'seqkd' && !('sample_temperature' in args) && !('temperature' in args)) {
    // A sampling temperature the chosen trainer never uses (GKD-family at λ = 0 samples nothing).
    rows.push({ setting: 'sampleTemperature', value: show(hyper.sampleTemperature), field: '—', fit: 'none', note: 'Not used by this trainer.' });
  }
  return { choice, args, rows };
}
