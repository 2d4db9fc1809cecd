// ABKD's α-β divergence against float64 arithmetic written here from the formula in
// docs/methods.md (Cichocki et al. 2011; Wang et al. 2025), its limits (forward KL at (1, 0),
// reverse KL at (0, 1)), the continuity of its special branches, and its gradient against
// float64 finite differences. Also the method's step on dataset prefixes.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { abDivergence } from '../src/engine/objectives/abkd';
import { tokenDivergence } from '../src/engine/objectives/divergences';
import { Rng } from '../src/engine/rng';
import { createMethod } from '../src/engine/methods/registry';
import { encodeExamples } from '../src/engine/data';
import { expectClose, expectNoTensorLeak } from './support/expectations';
import { kl64, logProbRows, logSoftmax64, makeContext, sharpModel } from './helpers/methodContext';

expectNoTensorLeak();

const [B, T, V] = [2, 3, 7];

function randomLogits(seed: number, scale = 2): number[] {
  return Array.from(new Rng(seed).normals(B * T * V, scale));
}

/** The general formula, in float64 over probabilities. */
function ab64(lp: number[], lq: number[], a: number, b: number): number {
  const p = lp.map(Math.exp);
  const q = lq.map(Math.exp);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i] ** a * q[i] ** b - (a / (a + b)) * p[i] ** (a + b) - (b / (a + b)) * q[i] ** (a + b);
  return -s / (a * b);
}

/** The (0, 0) branch: ½ Σ (log q − log p)². */
const ab00 = (lp: number[], lq: number[]) => 0.5 * lp.reduce((s, x, i) => s + (lq[i] - x) ** 2, 0);
/** The β = 0 branch: 1/α² Σ [p^α log(p^α/q^α) − p^α + q^α]. */
const abBeta0 = (lp: number[], lq: number[], a: number) =>
  lp.reduce((s, x, i) => s + Math.exp(a * x) * a * (x - lq[i]) - Math.exp(a * x) + Math.exp(a * lq[i]), 0) / (a * a);
/** The α + β = 0 branch: 1/α² Σ [log(q^α/p^α) + p^α/q^α − 1]. */
const abOpposite = (lp: number[], lq: number[], a: number) => lp.reduce((s, x, i) => s + a * (lq[i] - x) + Math.exp(a * (x - lq[i])) - 1, 0) / (a * a);

async function perPosition(t: number[], s: number[], a: number, b: number): Promise<Float32Array> {
  const tl = tf.tensor3d(t, [B, T, V]);
  const sl = tf.tensor3d(s, [B, T, V]);
  const d = abDivergence(tl, sl, a, b);
  const out = (await d.data()) as Float32Array;
  tf.dispose([tl, sl, d]);
  return out;
}

async function reference(t: number[], s: number[], f: (lp: number[], lq: number[]) => number): Promise<number[]> {
  const tl = tf.tensor3d(t, [B, T, V]);
  const sl = tf.tensor3d(s, [B, T, V]);
  const [P, Q] = [await logProbRows(tl), await logProbRows(sl)];
  tf.dispose([tl, sl]);
  return P.flatMap((row, b) => row.map((lp, i) => f(lp, Q[b][i])));
}

describe('abDivergence', () => {
  const t = randomLogits(1);
  const s = randomLogits(2);

  it('matches the general formula in float64 at several (α, β), the defaults among them', async () => {
    for (const [a, b] of [
      [0.2, 0.7],
      [0.5, 0.5],
      [1.5, 0.3],
      [0.1, 1.9],
    ]) {
      const got = await perPosition(t, s, a, b);
      const want = await reference(t, s, (lp, lq) => ab64(lp, lq, a, b));
      want.forEach((w, i) => expectClose(got[i], w, 2e-4, 1e-5));
    }
  });

  it('is forward KL at (1, 0) and reverse KL at (0, 1), exactly as tokenDivergence and float64 KL', async () => {
    const tl = tf.tensor3d(t, [B, T, V]);
    const sl = tf.tensor3d(s, [B, T, V]);
    const fkl = tokenDivergence('fkl', tl, sl);
    const rkl = tokenDivergence('rkl', tl, sl);
    const [f, r] = [await fkl.data(), await rkl.data()];
    tf.dispose([tl, sl, fkl, rkl]);
    const at10 = await perPosition(t, s, 1, 0);
    const at01 = await perPosition(t, s, 0, 1);
    const fkl64 = await reference(t, s, (lp, lq) => kl64(lp, lq));
    const rkl64 = await reference(t, s, (lp, lq) => kl64(lq, lp));
    for (let i = 0; i < B * T; i++) {
      expectClose(at10[i], f[i], 1e-5, 1e-6);
      expectClose(at01[i], r[i], 1e-5, 1e-6);
      expectClose(at10[i], fkl64[i], 1e-4, 1e-6);
      expectClose(at01[i], rkl64[i], 1e-4, 1e-6);
    }
  });

  it('takes the special branches at (0, 0), β = 0 and α = −β, each the general formula’s limit', async () => {
    const at00 = await perPosition(t, s, 0, 0);
    (await reference(t, s, ab00)).forEach((w, i) => expectClose(at00[i], w, 1e-4, 1e-6));
    const atBeta0 = await perPosition(t, s, 0.3, 0);
    (await reference(t, s, (lp, lq) => abBeta0(lp, lq, 0.3))).forEach((w, i) => expectClose(atBeta0[i], w, 1e-4, 1e-6));
    const opposite = await perPosition(t, s, 0.5, -0.5);
    (await reference(t, s, (lp, lq) => abOpposite(lp, lq, 0.5))).forEach((w, i) => expectClose(opposite[i], w, 1e-4, 1e-6));
    // Continuity, in float64: the general formula next to each branch tends to the branch's value
    // (so the branches divide by the square of the remaining parameter).
    const near = await reference(t, s, (lp, lq) => ab64(lp, lq, 0.3, 1e-6));
    const nearZeroZero = await reference(t, s, (lp, lq) => ab64(lp, lq, 1e-5, 1e-5));
    const nearOpposite = await reference(t, s, (lp, lq) => ab64(lp, lq, 0.5, -0.5 + 1e-6));
    near.forEach((w, i) => expectClose(atBeta0[i], w, 1e-3, 1e-5));
    nearZeroZero.forEach((w, i) => expectClose(at00[i], w, 1e-3, 1e-5));
    nearOpposite.forEach((w, i) => expectClose(opposite[i], w, 1e-3, 1e-5));
  });

  it('is zero where p = q and positive elsewhere', async () => {
    const same = await perPosition(t, t, 0.2, 0.7);
    for (const x of same) expect(Math.abs(x)).toBeLessThan(1e-6);
    for (const x of await perPosition(t, s, 0.2, 0.7)) expect(x).toBeGreaterThan(0);
  });

  it('has the gradient of the float64 formula, by central differences', async () => {
    const [a, b] = [0.2, 0.7];
    const tRow = t.slice(0, V);
    const sRow = s.slice(0, V);
    const value = (z: number[]) => ab64(logSoftmax64(tRow), logSoftmax64(z), a, b);
    const teacherRow = tf.tensor3d(tRow, [1, 1, V]);
    const x = tf.tensor1d(sRow);
    const g = tf.grad((z: tf.Tensor) => abDivergence(teacherRow, z.reshape([1, 1, V]) as tf.Tensor3D, a, b).sum())(x);
    const got = await g.data();
    tf.dispose([g, x, teacherRow]);
    const h = 1e-5;
    for (let j = 0; j < V; j++) {
      const up = sRow.slice();
      const down = sRow.slice();
      up[j] += h;
      down[j] -= h;
      expectClose(got[j], (value(up) - value(down)) / (2 * h), 2e-3, 1e-5);
    }
  });
});

describe('ABKD step', () => {
  it('is the mean α-β divergence over the dataset batch’s answer positions', async () => {
    const teacher = sharpModel(1);
    const student = sharpModel(2, 16, 10);
    const ctx = makeContext('abkd', { teacher, student }, { hyper: { alpha: 0.4, beta: 0.5 } });
    const runtime = createMethod('abkd', { hyper: ctx.hyper, settings: ctx.settings, studentConfig: student.config, initRng: new Rng(3) });
    const plan = runtime.prepare(ctx);
    expect(plan.source).toBe('dataset');
    const loss = tf.tidy(() => plan.loss());
    const got = (await loss.data())[0];
    const batch = encodeExamples(ctx.examples, student.config.seqLen);
    const tokens = tf.tensor2d(batch.tokens, [batch.batch, batch.seqLen], 'int32');
    const [tl, sl] = [teacher.forward(tokens), student.forward(tokens)];
    const [P, Q] = [await logProbRows(tl), await logProbRows(sl)];
    let sum = 0;
    let n = 0;
    for (let b = 0; b < batch.batch; b++)
      for (let i = 0; i < batch.seqLen; i++) {
        if (!batch.mask[b * batch.seqLen + i]) continue;
        sum += ab64(P[b][i], Q[b][i], 0.4, 0.5);
        n++;
      }
    expectClose(got, sum / n, 5e-4, 1e-5);
    tf.dispose([loss, tokens, tl, sl]);
    plan.dispose();
    runtime.dispose();
    teacher.dispose();
    student.dispose();
  });
});
