// The sampling-time decoder (prefill over the shared prompt prefix, then cached steps) against
// Transformer.forward, and the sampler against a reference written here that runs forward()
// over the whole row for every position and draws with the same Gumbel noise: the same seed
// must give the same tokens, and the logits the sampler keeps must be forward()'s.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine/rng';
import { Decoder } from '../src/engine/model/decoder';
import { sampleTensors } from '../src/engine/model/sampling';
import type { Transformer } from '../src/engine/model/transformer';
import { encodePrompts } from '../src/engine/data';
import { EOS, PAD } from '../src/engine/tasks/vocab';
import { randomTokens, randomTransformer, tinyConfig } from './support/models';

const models: Transformer[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

async function forwardLogits(model: Transformer, tokens: Int32Array, B: number): Promise<Float32Array> {
  const x = tf.tensor2d(tokens, [B, model.config.seqLen], 'int32');
  const y = model.forward(x);
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return out;
}

describe('Decoder', () => {
  it('gives forward()’s logits from the prefill and from every cached step (within 1e-5)', async () => {
    for (const [config, P] of [
      [tinyConfig({ seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2 }), 3],
      [tinyConfig({ seqLen: 6, dModel: 12, nLayers: 1, nHeads: 3 }), 1],
    ] as const) {
      const model = randomTransformer(config, 21, 0.3);
      models.push(model);
      const B = 3;
      const { seqLen: T, vocabSize: V } = config;
      const tokens = randomTokens(new Rng(4), B, T);
      const full = await forwardLogits(model, tokens, B);
      const decoder = new Decoder(model, B);
      const prefix = tf.tensor2d(
        Int32Array.from({ length: B * P }, (_, i) => tokens[Math.floor(i / P) * T + (i % P)]),
        [B, P],
        'int32',
      );
      const pre = decoder.prefill(prefix);
      const got: Array<{ t: number; data: Float32Array }> = [];
      const preData = (await pre.data()) as Float32Array;
      for (let t = 0; t < P; t++) got.push({ t, data: Float32Array.from({ length: B * V }, (_, i) => preData[(Math.floor(i / V) * P + t) * V + (i % V)]) });
      for (let t = P; t < T; t++) {
        const column = tf.tensor1d(
          Array.from({ length: B }, (_, b) => tokens[b * T + t]),
          'int32',
        );
        const step = decoder.step(column, t);
        got.push({ t, data: (await step.data()) as Float32Array });
        tf.dispose([column, step]);
      }
      tf.dispose([prefix, pre]);
      decoder.dispose();
      let worst = 0;
      let spread = 0;
      for (const { t, data } of got)
        for (let b = 0; b < B; b++)
          for (let j = 0; j < V; j++) {
            const want = full[(b * T + t) * V + j];
            worst = Math.max(worst, Math.abs(data[b * V + j] - want));
            spread = Math.max(spread, Math.abs(want));
          }
      expect(got.map((g) => g.t)).toEqual(Array.from({ length: T }, (_, t) => t));
      expect(spread).toBeGreaterThan(0.5); // the logits are far from uniform: the check has teeth
      expect(worst).toBeLessThan(1e-5);
    }
  });
});

/** Gumbel-max sampling with forward() over the whole row at every position (no cache, no prefill). */
async function referenceSample(
  model: Transformer,
  prompts: ReturnType<typeof encodePrompts>,
  tau: number,
  seed: number,
  mix?: { model: Transformer; weight: number },
) {
  const { seqLen: T, vocabSize: V } = model.config;
  const B = prompts.promptLens.length;
  const noise = new Rng(seed).gumbel(B * T * V);
  const rows = Int32Array.from(prompts.tokens);
  const done = new Array(B).fill(false);
  const logSoftmax = (z: number[]) => {
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, x) => s + Math.exp(x - m), 0));
    return z.map((x) => x - lse);
  };
  for (let pos = 1; pos < T; pos++) {
    const logits = await forwardLogits(model, rows, B);
    const mixLogits = mix ? await forwardLogits(mix.model, rows, B) : null;
    for (let b = 0; b < B; b++) {
      if (pos < prompts.promptLens[b]) continue;
      if (done[b]) {
        rows[b * T + pos] = PAD;
        continue;
      }
      const at = (x: Float32Array) => Array.from(x.slice((b * T + pos - 1) * V, (b * T + pos) * V), (v) => v / tau);
      let score = logSoftmax(at(logits));
      if (mixLogits && mix) {
        const other = logSoftmax(at(mixLogits));
        score = score.map((s, j) => Math.log((1 - mix.weight) * Math.exp(s) + mix.weight * Math.exp(other[j])));
      }
      const perturbed = score.map((s, j) => s + noise[(b * T + pos - 1) * V + j]);
      const best = perturbed.indexOf(Math.max(...perturbed));
      rows[b * T + pos] = best;
      if (best === EOS) done[b] = true;
    }
  }
  return rows;
}

describe('sampleTensors with prefill', () => {
  const config = tinyConfig({ seqLen: 10, dModel: 16, nLayers: 2, nHeads: 2 });
  const prompts = encodePrompts(['12+3=', '4+5=', '77+1=', '9+90=', '', 'ab'], config.seqLen);

  it('draws the same tokens as Gumbel-max over forward() for the same seed, and keeps forward()’s logits', async () => {
    const model = randomTransformer(config, 31, 0.3);
    const other = randomTransformer(config, 32, 0.3);
    models.push(model, other);
    const B = prompts.promptLens.length;
    const { seqLen: T, vocabSize: V } = config;
    for (const [tau, seed, mix] of [
      [1, 3, undefined],
      [0.7, 4, undefined],
      [1, 5, { model: other, weight: 0.3 }],
    ] as const) {
      const want = await referenceSample(model, prompts, tau, seed, mix);
      const out = sampleTensors(model, prompts, { temperature: tau, rng: new Rng(seed), mix, keepLogits: true });
      const tokens = (await out.tokens.data()) as Int32Array;
      expect(Array.from(tokens)).toEqual(Array.from(want));
      // The kept logits are forward()'s on the sampled rows (position T − 1, never a target, is 0).
      for (const [kept, m] of [
        [out.logits!, model],
        [out.mixLogits, other],
      ] as const) {
        if (!mix && m === other) {
          expect(kept).toBeUndefined();
          continue;
        }
        const got = (await kept!.data()) as Float32Array;
        const full = await forwardLogits(m, tokens, B);
        let worst = 0;
        for (let b = 0; b < B; b++)
          for (let t = 0; t < T; t++)
            for (let j = 0; j < V; j++) {
              const i = (b * T + t) * V + j;
              worst = Math.max(worst, Math.abs(got[i] - (t < T - 1 ? full[i] : 0)));
            }
        expect(worst).toBeLessThan(1e-5);
      }
      tf.dispose([out.tokens, out.mask, out.logits!, ...(out.mixLogits ? [out.mixLogits] : [])]);
    }
  });
});
