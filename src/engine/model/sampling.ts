// Batched sampling with fixed shapes, one cached decoding step per position, driven by the
// engine's own Gumbel noise: argmax(log π + g) with g ~ Gumbel(0, 1) is a draw from π
// (Gumbel-max), so one seed gives the same samples on every backend. Temperature 0 is greedy.
// Everything stays on the device; the caller reads the result once.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { EOS, PAD } from '../tasks/vocab';
import { fromTokens, type TokenBatch } from '../data';
import { disposeCache, type Transformer } from './transformer';

export interface SampleOptions {
  /** Softmax temperature; 0 means greedy decoding. */
  temperature: number;
  rng: Rng;
  /** Sample from (1 − weight)·π_model + weight·π_mix instead (MiniLLM's teacher-mixed policy). */
  mix?: { model: Transformer; weight: number };
}

export interface SampledTensors {
  /** [B, T] int32: prompt, sampled continuation, PAD after EOS. */
  tokens: tf.Tensor2D;
  /** [B, T] float: 1 where position t's target (token t + 1) was sampled. */
  mask: tf.Tensor2D;
}

/** Sample continuations of the prompts in `prompts` (tokens [B·T] and prompt lengths). */
export function sampleTensors(
  model: Transformer,
  prompts: { tokens: Int32Array; promptLens: Int32Array },
  opts: SampleOptions,
): SampledTensors {
  const T = model.config.seqLen;
  const V = model.config.vocabSize;
  const B = prompts.promptLens.length;
  const inPromptFlags = new Int32Array(B * T);
  for (let b = 0; b < B; b++) for (let j = 0; j < prompts.promptLens[b]; j++) inPromptFlags[b * T + j] = 1;

  const promptTokens = tf.tensor2d(prompts.tokens, [B, T], 'int32');
  const inPrompt = tf.tidy(() => tf.tensor2d(inPromptFlags, [B, T], 'int32').cast('bool'));
  const greedy = opts.temperature <= 0;
  const noise = greedy ? null : tf.tensor3d(opts.rng.gumbel(B * T * V), [B, T, V]);

  let cache = model.emptyCache(B);
  let mixCache = opts.mix ? opts.mix.model.emptyCache(B) : null;
  let current = tf.tidy(() => promptTokens.slice([0, 0], [B, 1]).reshape([B])) as tf.Tensor1D;
  let done = tf.zeros([B], 'bool') as tf.Tensor1D;
  const columns: tf.Tensor1D[] = [current];
  const validColumns: tf.Tensor1D[] = [];

  for (let t = 0; t + 1 < T; t++) {
    const step = model.decodeStep(current, t, cache);
    cache = step.cache;
    let mixLogits: tf.Tensor2D | null = null;
    if (opts.mix && mixCache) {
      const m = opts.mix.model.decodeStep(current, t, mixCache);
      mixCache = m.cache;
      mixLogits = m.logits;
    }
    const next = tf.tidy(() => {
      let choice: tf.Tensor1D;
      if (greedy) {
        choice = step.logits.argMax(-1) as tf.Tensor1D;
      } else {
        let logPi = tf.logSoftmax(step.logits.div(opts.temperature));
        if (mixLogits && opts.mix) {
          const w = opts.mix.weight;
          const logMix = tf.logSoftmax(mixLogits.div(opts.temperature));
          logPi = tf.stack([logPi.add(Math.log(Math.max(1 - w, 1e-30))), logMix.add(Math.log(Math.max(w, 1e-30)))]).logSumExp(0);
        }
        const g = noise!.slice([0, t, 0], [B, 1, V]).reshape([B, V]);
        choice = logPi.add(g).argMax(-1) as tf.Tensor1D;
      }
      const fromPrompt = inPrompt.slice([0, t + 1], [B, 1]).reshape([B]);
      const promptToken = promptTokens.slice([0, t + 1], [B, 1]).reshape([B]);
      const generated = tf.where(done, tf.fill([B], PAD, 'int32'), choice.toInt());
      const token = tf.where(fromPrompt, promptToken, generated) as tf.Tensor1D;
      const valid = tf.logicalAnd(tf.logicalNot(fromPrompt), tf.logicalNot(done)) as tf.Tensor1D;
      const nowDone = tf.logicalOr(done, tf.logicalAnd(valid, token.equal(EOS))) as tf.Tensor1D;
      return { token, valid, nowDone };
    });
    step.logits.dispose();
    mixLogits?.dispose();
    done.dispose();
    done = next.nowDone;
    current = next.token;
    columns.push(current);
    validColumns.push(next.valid);
  }

  const result = tf.tidy(() => {
    const tokens = tf.stack(columns, 1) as tf.Tensor2D;
    const valid = tf.stack(validColumns, 1).toFloat();
    const mask = tf.concat([valid, tf.zeros([B, 1])], 1) as tf.Tensor2D;
    return { tokens, mask };
  });
  tf.dispose([...columns, ...validColumns, done, promptTokens, inPrompt]);
  noise?.dispose();
  disposeCache(cache);
  if (mixCache) disposeCache(mixCache);
  return result;
}

/** Sample and read the result back as a TokenBatch (one GPU→CPU read). */
export async function sample(
  model: Transformer,
  prompts: { tokens: Int32Array; promptLens: Int32Array },
  opts: SampleOptions,
): Promise<TokenBatch> {
  const { tokens, mask } = sampleTensors(model, prompts, opts);
  mask.dispose();
  const ids = (await tokens.data()) as Int32Array;
  tokens.dispose();
  return fromTokens(Int32Array.from(ids), prompts.promptLens, model.config.seqLen);
}
