// Tensor leaks: tf.memory().numTensors must not grow over repeated forward passes, cached
// decoding steps, sampling and scoring (a leak of one tensor per call shows up as +N).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine/rng';
import { sample, sampleTensors } from '../src/engine/model/sampling';
import { fromArtifacts, toArtifacts } from '../src/engine/model/checkpoint';
import { modelConfig } from '../src/engine/model/sizes';
import type { Transformer } from '../src/engine/model/transformer';
import { scoreModel } from '../src/engine/scoring';
import { TASKS } from '../src/engine/tasks';
import { encodePrompts } from '../src/engine/data';
import { randomTokens, randomTransformer, tinyConfig } from './support/models';

const REPEATS = 5;
let model: Transformer;
let other: Transformer;

beforeAll(() => {
  model = randomTransformer(tinyConfig({ seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2 }), 1, 0.2);
  other = randomTransformer(tinyConfig({ seqLen: 8, dModel: 8, nLayers: 1, nHeads: 2 }), 2, 0.2);
});
afterAll(() => {
  model.dispose();
  other.dispose();
});

/** Run `fn` once to warm up, then REPEATS times, and return the growth in numTensors. */
async function growth(fn: () => Promise<void> | void): Promise<number> {
  await fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < REPEATS; i++) await fn();
  return tf.memory().numTensors - before;
}

describe('no tensor leaks', () => {
  it('forward', async () => {
    const x = tf.tensor2d(randomTokens(new Rng(1), 4, 8), [4, 8], 'int32');
    expect(
      await growth(async () => {
        const y = model.forward(x);
        await y.data();
        y.dispose();
      }),
    ).toBe(0);
    x.dispose();
  });

  it('decodeStep over a whole sequence (the old cache is disposed each step)', async () => {
    expect(
      await growth(async () => {
        let cache = model.emptyCache(3);
        for (let t = 0; t < 8; t++) {
          const token = tf.tensor1d([4, 5, 6], 'int32');
          const step = model.decodeStep(token, t, cache);
          cache = step.cache;
          await step.logits.data();
          tf.dispose([token, step.logits]);
        }
        tf.dispose([...cache.keys, ...cache.values]);
      }),
    ).toBe(0);
  });

  it('sampleTensors (temperature, greedy, teacher-mixed) and sample()', async () => {
    const prompts = encodePrompts(['', 'ab', '12+'], 8);
    const rng = new Rng(3);
    expect(
      await growth(async () => {
        for (const temperature of [1, 0]) {
          const out = sampleTensors(model, prompts, { temperature, rng });
          await out.tokens.data();
          tf.dispose([out.tokens, out.mask]);
        }
        const mixed = sampleTensors(model, prompts, { temperature: 1, rng, mix: { model: other, weight: 0.3 } });
        tf.dispose([mixed.tokens, mixed.mask]);
        await sample(model, prompts, { temperature: 0.8, rng });
      }),
    ).toBe(0);
  });

  it('scoreModel on a task (greedy and sampled scoring)', async () => {
    const small = { dModel: 8, nLayers: 1, nHeads: 2 };
    const addition = randomTransformer(modelConfig('addition', small), 4, 0.2);
    const grammar = randomTransformer(modelConfig('grammar', small), 5, 0.2);
    const rng = new Rng(6);
    expect(
      await growth(async () => {
        await scoreModel(addition, TASKS.addition, rng, { limit: 12, batchSize: 8 });
        await scoreModel(grammar, TASKS.grammar, rng, { limit: 8, batchSize: 8 });
      }),
    ).toBe(0);
    addition.dispose();
    grammar.dispose();
  });

  it('saving and loading a model, once disposed', async () => {
    expect(
      await growth(async () => {
        const { model: loaded } = fromArtifacts(await toArtifacts(model));
        loaded.dispose();
      }),
    ).toBe(0);
  });

  it('the check itself catches a leak', async () => {
    const leaked: tf.Tensor[] = [];
    expect(await growth(() => void leaked.push(tf.scalar(1)))).toBe(REPEATS);
    tf.dispose(leaked);
  });
});
