// The transformer on the wasm backend against the cpu backend: the same logits and the same
// parameter gradients. The wasm path differs from cpu's in what runs on XNNPACK: `dense` (the
// token embedding included) differentiates through explicit transposes, not transposed products.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../src/engine/backend';
import { Rng } from '../src/engine/rng';
import { randomTokens, randomTransformer, tinyConfig } from './support/models';

afterAll(async () => {
  await tf.setBackend('cpu');
});

function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('transformer on wasm', () => {
  it('gives the cpu backend’s logits and gradients', async () => {
    const config = tinyConfig({ seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2 });
    const tokens = randomTokens(new Rng(8), 3, config.seqLen);
    const run = async (backend: 'cpu' | 'wasm') => {
      await chooseBackend([backend]);
      expect(tf.getBackend()).toBe(backend);
      const model = randomTransformer(config, 33, 0.3);
      const x = tf.tensor2d(tokens, [3, config.seqLen], 'int32');
      const before = tf.memory().numTensors;
      const logits = model.forward(x);
      const vars = model.variables();
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => model.forward(x).square().mean() as tf.Scalar), vars);
      const out = { logits: await logits.data(), grads: await Promise.all(vars.map((v) => grads[v.name].data())) };
      tf.dispose([logits, value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      model.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(worst(wasm.logits, cpu.logits)).toBeLessThan(1e-4);
    expect(wasm.grads.length).toBe(cpu.grads.length);
    // Every parameter has a gradient, and at least one is far from zero (the check is not vacuous).
    expect(Math.max(...cpu.grads.map((g) => Math.max(...Array.from(g, Math.abs))))).toBeGreaterThan(1e-3);
    for (let k = 0; k < cpu.grads.length; k++) expect(worst(wasm.grads[k], cpu.grads[k])).toBeLessThan(1e-4);
  });
});
