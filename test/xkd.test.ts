// X-KD's loss against float64 arithmetic written from the formula (docs/methods.md, "X-KD"), and the
// reward head's starting point.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { RewardHead, xkdLoss } from '../src/engine/objectives/xkd';
import { Rng } from '../src/engine/rng';
import { expectClose, expectNoTensorLeak } from './support/expectations';

expectNoTensorLeak();

function logSoftmax64(z: number[]): number[] {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
}
async function scalar(t: tf.Tensor): Promise<number> {
  return (await t.data())[0];
}

describe('xkdLoss by hand', () => {
  it('one sequence of two valid positions (seq variant)', async () => {
    // V = 2, T = 3. Position 0: Q = (1, 0), y = 0, μ = 0.5, log σ = 0. Position 1: Q = (0, 2),
    // y = 1 (EOS, say), μ = −1, log σ = ln 2. Position 2 is padding. λ = 1, γ = 0.5.
    // δ_0 = Q(s_0, 0) − γ·Q(s_1, 1) = 1 − 0.5·2 = 0;   δ_1 = 2 − γ·0 = 2 (nothing after EOS).
    // KL_0 = ½(1 + 0.25 − 1) − 0 = 0.125;  KL_1 = ½(4 + 1 − 1) − ln 2 = 2 − ln 2.
    // −log N(δ_0; 0.5, 1) = ½ln 2π + 0.125;  −log N(δ_1; −1, 2) = ½ln 2π + ln 2 + 9/8.
    // NLL_0 = ln(1 + e^{-1}), NLL_1 = ln(1 + e^{-2}).
    const Q = tf.tensor3d([
      [
        [1, 0],
        [0, 2],
        [5, 5],
      ],
    ]);
    const mu = tf.tensor3d([
      [
        [0.5, 9],
        [9, -1],
        [9, 9],
      ],
    ]);
    const logSigma = tf.tensor3d([
      [
        [0, 9],
        [9, Math.log(2)],
        [9, 9],
      ],
    ]);
    const targets = tf.tensor2d([[0, 1, 0]], [1, 3], 'int32');
    const mask = tf.tensor2d([[1, 1, 0]]);
    const out = xkdLoss({ studentLogits: Q, teacherLogits: Q, mu, logSigma, targets, mask, lambda: 1, gamma: 0.5, base: 'seq' });
    const halfLog2Pi = 0.5 * Math.log(2 * Math.PI);
    const reward = (0.125 + (2 - Math.log(2)) + (halfLog2Pi + 0.125) + (halfLog2Pi + Math.log(2) + 9 / 8)) / 2;
    const nll = (Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(-2))) / 2;
    expectClose(await scalar(out.rewardLoss), reward, 1e-5, 1e-6);
    expectClose(await scalar(out.loss), reward + nll, 1e-5, 1e-6);
    tf.dispose([out, Q, mu, logSigma, targets, mask]);
  });
});

// ---- float64 reference on random data ----
function reference(
  c: { Q: number[][][]; teacher: number[][][]; mu: number[][][]; ls: number[][][]; y: number[][]; mask: number[][] },
  lambda: number,
  gamma: number,
  base: 'seq' | 'fkl' | 'rkl',
) {
  let n = 0;
  let reward = 0;
  let kd = 0;
  c.mask.forEach((row, b) =>
    row.forEach((m, t) => {
      if (!m) return;
      n++;
      const y = c.y[b][t];
      const q = c.Q[b][t][y];
      const next = t + 1 < row.length && row[t + 1] ? c.Q[b][t + 1][c.y[b][t + 1]] : 0;
      const delta = q - gamma * next;
      const mu = c.mu[b][t][y];
      const sigma = Math.exp(c.ls[b][t][y]);
      const kl = 0.5 * (sigma * sigma + mu * mu - 1) - Math.log(sigma);
      const logLik = -0.5 * Math.log(2 * Math.PI) - Math.log(sigma) - (delta - mu) ** 2 / (2 * sigma * sigma);
      reward += kl - lambda * logLik;
      const lq = logSoftmax64(c.Q[b][t]);
      const lp = logSoftmax64(c.teacher[b][t]);
      if (base === 'seq') kd += -lq[y];
      else if (base === 'fkl') kd += lp.reduce((a, l, i) => a + Math.exp(l) * (l - lq[i]), 0);
      else kd += lq.reduce((a, l, i) => a + Math.exp(l) * (l - lp[i]), 0);
    }),
  );
  return { rewardLoss: reward / n, loss: (reward + kd) / n };
}

describe('xkdLoss vs float64', () => {
  const cases: { lambda: number; gamma: number; base: 'seq' | 'fkl' | 'rkl' }[] = [
    { lambda: 1, gamma: 1, base: 'seq' },
    { lambda: 0.3, gamma: 0.9, base: 'fkl' },
    { lambda: 2, gamma: 0.5, base: 'rkl' },
  ];
  cases.forEach((s, k) => {
    it(`${JSON.stringify(s)}`, async () => {
      const rng = new Rng(100 + k);
      const [B, T, V] = [3, 6, 5];
      const arr = (std: number) => Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: V }, () => std * rng.normal())));
      const c = {
        Q: arr(2),
        teacher: arr(2),
        mu: arr(1),
        ls: arr(0.5),
        y: Array.from({ length: B }, () => Array.from({ length: T }, () => rng.int(0, V - 1))),
        mask: Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t >= 1 && t < T - 1 - b ? 1 : 0))),
      };
      const want = reference(c, s.lambda, s.gamma, s.base);
      const tensors = {
        studentLogits: tf.tensor3d(c.Q),
        teacherLogits: tf.tensor3d(c.teacher),
        mu: tf.tensor3d(c.mu),
        logSigma: tf.tensor3d(c.ls),
        targets: tf.tensor2d(c.y, undefined, 'int32'),
        mask: tf.tensor2d(c.mask),
      };
      const out = xkdLoss({
        ...tensors,
        lambda: s.lambda,
        gamma: s.gamma,
        base: s.base === 'seq' ? 'seq' : 'divergence',
        divergence: s.base === 'seq' ? undefined : s.base,
      });
      expectClose(await scalar(out.loss), want.loss);
      expectClose(await scalar(out.rewardLoss), want.rewardLoss);
      // The teacher is a constant of the loss.
      const gT = tf.grad(
        (t: tf.Tensor) =>
          xkdLoss({ ...tensors, teacherLogits: t as tf.Tensor3D, lambda: s.lambda, gamma: s.gamma, base: 'divergence', divergence: 'fkl' }).loss,
      )(tensors.teacherLogits);
      for (const v of await gT.data()) expect(v).toBe(0);
      tf.dispose([out, gT, tensors]);
    });
  });
});

describe('RewardHead', () => {
  it('starts near the prior (μ ≈ 0, σ ≈ 1) with the right shapes, and log σ stays bounded', async () => {
    const head = RewardHead.init(8, 5, new Rng(1));
    const hidden = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 3) as tf.Tensor3D;
    const { mu, logSigma } = head.gaussian(hidden);
    expect(mu.shape).toEqual([2, 3, 5]);
    expect(logSigma.shape).toEqual([2, 3, 5]);
    for (const v of await mu.data()) expect(Math.abs(v)).toBeLessThan(0.3);
    for (const v of await logSigma.data()) expect(Math.abs(v)).toBeLessThan(0.3);
    const big = tf.mul(hidden, 1e4) as tf.Tensor3D;
    const g = head.gaussian(big);
    for (const v of await g.logSigma.data()) expect(Math.abs(v)).toBeLessThanOrEqual(4);
    expect(head.variables()).toHaveLength(2);
    tf.dispose([hidden, mu, logSigma, big, g]);
    head.dispose();
  });
});
