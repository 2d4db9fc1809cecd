// Batched sampling with fixed shapes, driven by the engine's own Gumbel noise: argmax(log π + g)
// with g ~ Gumbel(0, 1) is a draw from π (Gumbel-max), so one seed gives the same samples on
// every backend. Temperature 0 is greedy. The prompt prefix that every row shares in length is
// run in one pass (prefill); then one cached decoding step per position. Everything stays on
// the device; the caller reads the result once.
import * as tf from '@tensorflow/tfjs';
import { EOS, PAD } from '../tasks/vocab';
import { fromTokens, type TokenBatch } from '../data';
import type { Transformer } from './transformer';
import { Decoder } from './decoder';
import { onWebGpu } from '../webgpu/device';
import { sampleTensorsFused } from './fusedSampling';
import type { SampleOptions, SampledTensors } from './samplingTypes';

export type { SampleOptions, SampledTensors };

/** Sample continuations of the prompts in `prompts` (tokens [B·T] and prompt lengths). */
export function sampleTensors(model: Transformer, prompts: { tokens: Int32Array; promptLens: Int32Array }, opts: SampleOptions): SampledTensors {
  // webgpu: the same draws in fewer dispatches (fusedSampling.ts).
  if (onWebGpu()) return sampleTensorsFused(model, prompts, opts);
  const T = model.config.seqLen;
  const V = model.config.vocabSize;
  const B = prompts.promptLens.length;
  // Positions 0 … P − 1 are prompt in every row: one prefill pass covers them.
  const P = Math.max(1, Math.min(T, ...Array.from(prompts.promptLens)));
  const greedy = opts.temperature <= 0;
  // Drawn whole, as [B, T, V], whatever is used: the stream advances the same for every prompt.
  const noise = greedy ? null : opts.rng.gumbel(B * T * V);

  const prefix = new Int32Array(B * P);
  for (let b = 0; b < B; b++) prefix.set(prompts.tokens.subarray(b * T, b * T + P), b * P);
  const prefixTokens = tf.tensor2d(prefix, [B, P], 'int32');
  const decoder = new Decoder(model, B);
  const mixDecoder = opts.mix ? new Decoder(opts.mix.model, B) : null;
  const prefillLogits = decoder.prefill(prefixTokens);
  const mixPrefillLogits = mixDecoder ? mixDecoder.prefill(prefixTokens) : null;
  const lastOf = (x: tf.Tensor3D) => tf.tidy(() => x.slice([0, P - 1, 0], [B, 1, V]).reshape([B, V]) as tf.Tensor2D);
  const kept: tf.Tensor2D[] = [];
  const mixKept: tf.Tensor2D[] = [];

  let done = tf.zeros([B], 'bool') as tf.Tensor1D;
  let current: tf.Tensor1D | null = null;
  const columns: tf.Tensor1D[] = [];
  const validColumns: tf.Tensor1D[] = [];
  const pad = tf.fill([B], PAD, 'int32') as tf.Tensor1D;

  for (let t = P - 1; t + 1 < T; t++) {
    // The first position decoded is the prefill's last; later ones take one cached step each.
    let logits: tf.Tensor2D;
    let mixLogits: tf.Tensor2D | null = null;
    if (!current) {
      logits = lastOf(prefillLogits);
      if (mixPrefillLogits) mixLogits = lastOf(mixPrefillLogits);
    } else {
      logits = decoder.step(current, t);
      if (mixDecoder) mixLogits = mixDecoder.step(current, t);
      if (opts.keepLogits) {
        kept.push(logits);
        if (mixLogits) mixKept.push(mixLogits);
      }
    }
    // Rows whose prompt still runs at t + 1 copy it; the others sample.
    const stillPrompt = Array.from(prompts.promptLens, (len) => t + 1 < len);
    const anyPrompt = stillPrompt.some(Boolean);
    const g = noise ? tf.tensor2d(gumbelColumn(noise, B, T, V, t), [B, V]) : null;
    const fromPrompt = anyPrompt
      ? tf.tensor1d(
          stillPrompt.map((x) => (x ? 1 : 0)),
          'bool',
        )
      : null;
    const promptToken = anyPrompt
      ? tf.tensor1d(
          Array.from({ length: B }, (_, b) => prompts.tokens[b * T + t + 1]),
          'int32',
        )
      : null;
    const next = tf.tidy(() => {
      let choice: tf.Tensor1D;
      if (greedy) {
        choice = logits.argMax(-1) as tf.Tensor1D;
      } else {
        const tau = opts.temperature;
        const scaled = (x: tf.Tensor2D) => (tau === 1 ? x : x.div(tau));
        // argmax(logits/τ + g) = argmax(logSoftmax(logits/τ) + g): the shift is the same for every token.
        let score: tf.Tensor = scaled(logits);
        if (mixLogits && opts.mix) {
          const w = opts.mix.weight;
          score = tf
            .stack([tf.logSoftmax(score).add(Math.log(Math.max(1 - w, 1e-30))), tf.logSoftmax(scaled(mixLogits)).add(Math.log(Math.max(w, 1e-30)))])
            .logSumExp(0);
        }
        choice = score.add(g!).argMax(-1) as tf.Tensor1D;
      }
      const generated = tf.where(done, pad, choice);
      const token = (fromPrompt ? tf.where(fromPrompt, promptToken!, generated) : generated) as tf.Tensor1D;
      const notDone = tf.logicalNot(done);
      const valid = (fromPrompt ? tf.logicalAnd(tf.logicalNot(fromPrompt), notDone) : notDone) as tf.Tensor1D;
      // A row is done once it has generated EOS (a prompt holds no EOS; a done row gets PAD).
      const nowDone = tf.logicalOr(done, token.equal(EOS)) as tf.Tensor1D;
      return { token, valid, nowDone };
    });
    for (const x of [g, fromPrompt, promptToken]) x?.dispose();
    if (!opts.keepLogits || !current) {
      // The prefill's last row is a slice (the prefill logits are kept whole).
      logits.dispose();
      mixLogits?.dispose();
    }
    done.dispose();
    done = next.nowDone;
    current = next.token;
    columns.push(current);
    validColumns.push(next.valid);
  }

  const result: SampledTensors = tf.tidy(() => {
    const generated = columns.length ? [tf.stack(columns, 1)] : [];
    const tokens = tf.concat([prefixTokens, ...generated], 1) as tf.Tensor2D;
    const valid = validColumns.length ? [tf.stack(validColumns, 1).toFloat()] : [];
    const mask = tf.concat([tf.zeros([B, P - 1]), ...valid, tf.zeros([B, 1])], 1) as tf.Tensor2D;
    const out: Record<string, tf.Tensor> = { tokens, mask };
    if (opts.keepLogits) {
      const assemble = (prefill: tf.Tensor3D, steps: tf.Tensor2D[]) =>
        tf.concat([prefill, ...(steps.length ? [tf.stack(steps, 1)] : []), ...(P < T ? [tf.zeros([B, 1, V])] : [])], 1) as tf.Tensor3D;
      out.logits = assemble(prefillLogits, kept);
      if (mixPrefillLogits) out.mixLogits = assemble(mixPrefillLogits, mixKept);
    }
    return out;
  }) as unknown as SampledTensors;
  tf.dispose([...columns, ...validColumns, ...kept, ...mixKept, done, pad, prefixTokens, prefillLogits]);
  if (mixPrefillLogits) mixPrefillLogits.dispose();
  decoder.dispose();
  mixDecoder?.dispose();
  return result;
}

/** noise[:, t, :] of a [B, T, V] array, as [B·V]. */
function gumbelColumn(noise: Float32Array, B: number, T: number, V: number, t: number): Float32Array {
  const out = new Float32Array(B * V);
  for (let b = 0; b < B; b++) out.set(noise.subarray((b * T + t) * V, (b * T + t + 1) * V), b * V);
  return out;
}

/** Sample and read the result back as a TokenBatch (one GPU→CPU read). */
export async function sample(model: Transformer, prompts: { tokens: Int32Array; promptLens: Int32Array }, opts: SampleOptions): Promise<TokenBatch> {
  const { tokens, mask } = sampleTensors(model, prompts, opts);
  mask.dispose();
  const ids = (await tokens.data()) as Int32Array;
  tokens.dispose();
  return fromTokens(Int32Array.from(ids), prompts.promptLens, model.config.seqLen);
}
