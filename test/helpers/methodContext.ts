// A hand-built StepContext around tiny models with peaked distributions (scaled output heads),
// for checking one method's step in isolation.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/engine/rng';
import { Transformer } from '../../src/engine/model/transformer';
import { modelConfig } from '../../src/engine/model/sizes';
import { getTask } from '../../src/engine/tasks';
import { defaults, type ParamValues } from '../../src/engine/params';
import { SHARED_PARAMS, readSettings } from '../../src/engine/settings';
import { getMethod } from '../../src/engine/methods/declarations';
import type { StepContext } from '../../src/engine/methods/runtime';
import type { MethodId } from '../../src/engine/methods/types';

/** A model whose output head is scaled up, so its next-token distributions are far from uniform. */
export function sharpModel(seed: number, dModel = 16, headScale = 40): Transformer {
  const m = Transformer.init(modelConfig('addition', { dModel, nLayers: 1, nHeads: 2 }), new Rng(seed));
  const w = m.p('head.w');
  const scaled = tf.tidy(() => w.mul(headScale));
  w.assign(scaled);
  scaled.dispose(); // the variable keeps the data; the handle would leak
  return m;
}

export function makeContext(
  method: MethodId,
  models: { teacher: Transformer; student: Transformer },
  opts: { hyper?: ParamValues; settings?: ParamValues; B?: number; step?: number; dataSeed?: number; sampleRng?: Rng; methodRng?: Rng } = {},
): StepContext {
  const task = getTask('addition');
  const dataRng = new Rng(opts.dataSeed ?? 11);
  const B = opts.B ?? 4;
  return {
    teacher: models.teacher,
    student: models.student,
    task,
    hyper: { ...defaults(getMethod(method).params), ...(opts.hyper ?? {}) },
    settings: readSettings({ ...defaults(SHARED_PARAMS), ...(opts.settings ?? {}) }),
    step: opts.step ?? 0,
    examples: Array.from({ length: B }, () => task.sampleTrain(dataRng)),
    sampleRng: opts.sampleRng ?? new Rng(12),
    methodRng: opts.methodRng ?? new Rng(13),
  };
}

/** float64 log-softmax of one row. */
export function logSoftmax64(z: ArrayLike<number>, tau = 1): number[] {
  const x = Array.from(z, (v) => v / tau);
  const m = Math.max(...x);
  const lse = m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
  return x.map((v) => v - lse);
}

/** Read [B, T, V] logits as rows of float64 log-probabilities. */
export async function logProbRows(logits: tf.Tensor3D, tau = 1): Promise<number[][][]> {
  const [B, T, V] = logits.shape;
  const data = await logits.data();
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => logSoftmax64(data.subarray((b * T + t) * V, (b * T + t + 1) * V), tau)));
}

export const kl64 = (logA: number[], logB: number[]) => logA.reduce((s, la, i) => s + Math.exp(la) * (la - logB[i]), 0);
export const tvd64 = (logA: number[], logB: number[]) => 0.5 * logA.reduce((s, la, i) => s + Math.abs(Math.exp(la) - Math.exp(logB[i])), 0);
export function jsd64(logP: number[], logQ: number[], beta: number): number {
  const logM = logP.map((lp, i) => Math.log(beta * Math.exp(lp) + (1 - beta) * Math.exp(logQ[i])));
  return beta * kl64(logP, logM) + (1 - beta) * kl64(logQ, logM);
}
