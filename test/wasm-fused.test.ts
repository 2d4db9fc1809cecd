// The fused wasm kernels (src/engine/wasm) on the wasm backend: the layer norm's value against
// the formula in float64, and its gradients (of L = Σ w·y for a fixed random w) against central
// finite differences of that float64 formula, so neither side borrows the kernel's own backward
// algebra. Then a whole transformer on wasm (fused layer norm) against the cpu backend (tf's
// moments composition): the same logits and the same parameter gradients.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../src/engine/backend';
import { Rng } from '../src/engine/rng';
import { wasmLayerNorm } from '../src/engine/wasm/layerNorm';
import { randomTokens, randomTransformer, tinyConfig } from './support/models';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const EPS = 1e-5;

/** Σ w·layerNorm(x; g, b) in float64, rows of D. */
function loss64(x: Float64Array, g: Float64Array, b: Float64Array, w: Float64Array, D: number): number {
  let total = 0;
  for (let o = 0; o < x.length; o += D) {
    let mean = 0;
    for (let c = 0; c < D; c++) mean += x[o + c] / D;
    let v = 0;
    for (let c = 0; c < D; c++) v += (x[o + c] - mean) ** 2 / D;
    for (let c = 0; c < D; c++) total += w[o + c] * (((x[o + c] - mean) / Math.sqrt(v + EPS)) * g[c] + b[c]);
  }
  return total;
}

/** Central differences of loss64 with respect to every entry of `which` (one of x, g, b). */
function numericGrad(args: Float64Array[], which: number, D: number, h = 1e-6): Float64Array {
  const t = args[which];
  const out = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const keep = t[i];
    t[i] = keep + h;
    const up = loss64(args[0], args[1], args[2], args[3], D);
    t[i] = keep - h;
    const down = loss64(args[0], args[1], args[2], args[3], D);
    t[i] = keep;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('fused layer norm on wasm', () => {
  for (const shape of [
    [2, 5, 12],
    [7, 16],
  ]) {
    it(`value and gradients match float64 ${JSON.stringify(shape)}`, async () => {
      await chooseBackend(['wasm']);
      expect(tf.getBackend()).toBe('wasm');
      const D = shape[shape.length - 1];
      const rng = new Rng(5);
      const n = shape.reduce((a, b) => a * b, 1);
      const x = Float32Array.from(rng.normals(n, 2), (v) => v + 0.5);
      const g = Float32Array.from(rng.normals(D, 0.3), (v) => v + 1);
      const b = rng.normals(D, 0.3);
      const w = rng.normals(n, 1);
      const before = tf.memory().numTensors;
      const [xt, gt, bt, wt] = [tf.tensor(x, shape), tf.tensor1d(g), tf.tensor1d(b), tf.tensor(w, shape)];
      const y = wasmLayerNorm(xt, gt, bt);
      const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => wasmLayerNorm(a, c, d).mul(wt).sum())([xt, gt, bt]);
      const value = await y.data();
      const got = await Promise.all(grads.map((t) => t.data()));
      tf.dispose([xt, gt, bt, wt, y, ...grads]);
      expect(tf.memory().numTensors).toBe(before);

      const args = [x, g, b, w].map((a) => Float64Array.from(a));
      // The value, row by row from the formula.
      const ones = new Float64Array(n);
      const expected = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        ones.fill(0);
        ones[i] = 1;
        expected[i] = loss64(args[0], args[1], args[2], ones, D);
      }
      expect(worst(value, expected)).toBeLessThan(1e-5);
      for (let k = 0; k < 3; k++) expect(worst(got[k], numericGrad(args, k, D))).toBeLessThan(1e-4);
    });
  }

  it('a transformer on wasm gives the cpu backend’s logits and gradients', async () => {
    const config = tinyConfig({ seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2 });
    const tokens = randomTokens(new Rng(8), 3, config.seqLen);
    const run = async (backend: 'cpu' | 'wasm') => {
      await chooseBackend([backend]);
      expect(tf.getBackend()).toBe(backend);
      const model = randomTransformer(config, 33, 0.3);
      const x = tf.tensor2d(tokens, [3, config.seqLen], 'int32');
      const logits = model.forward(x);
      const vars = model.variables();
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => model.forward(x).square().mean() as tf.Scalar), vars);
      const out = { logits: await logits.data(), grads: await Promise.all(vars.map((v) => grads[v.name].data())) };
      tf.dispose([x, logits, value, ...Object.values(grads)]);
      model.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(worst(wasm.logits, cpu.logits)).toBeLessThan(1e-4);
    expect(wasm.grads.length).toBe(cpu.grads.length);
    for (let k = 0; k < cpu.grads.length; k++) expect(worst(wasm.grads[k], cpu.grads[k])).toBeLessThan(1e-4);
  });
});
