// The sampling-time decoder on the wasm backend (the page's and the CLI's backend on a CPU):
// its prefill must give forward()'s logits there too. tfjs-wasm's OneHot kernel ignores a
// float32 dtype (it writes int32 bits), which once zeroed every embedding in the decoder.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../src/engine/backend';
import { Rng } from '../src/engine/rng';
import { Decoder } from '../src/engine/model/decoder';
import { randomTokens, randomTransformer, tinyConfig } from './support/models';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('Decoder on wasm', () => {
  it('prefill gives forward()’s logits (within 1e-4)', async () => {
    await chooseBackend(['wasm']);
    expect(tf.getBackend()).toBe('wasm');
    const config = tinyConfig({ seqLen: 8, dModel: 16, nLayers: 1, nHeads: 2 });
    const model = randomTransformer(config, 21, 0.3);
    const B = 2;
    const P = 5;
    const T = config.seqLen;
    const tokens = randomTokens(new Rng(4), B, T);
    const x = tf.tensor2d(tokens, [B, T], 'int32');
    const full = tf.tidy(() => model.forward(x).slice([0, 0, 0], [B, P, config.vocabSize]));
    const decoder = new Decoder(model, B);
    const pre = decoder.prefill(x.slice([0, 0], [B, P]) as tf.Tensor2D);
    const [a, b] = [await full.data(), await pre.data()];
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-4);
    tf.dispose([x, full, pre]);
    decoder.dispose();
    model.dispose();
  });
});
