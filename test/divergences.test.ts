// tokenDivergence and momentGap against float64 arithmetic over probabilities, written here
// from the definitions in docs/methods.md (no code shared with the implementation).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DIVERGENCE_KINDS, momentGap, tokenDivergence, type DivergenceKind } from '../src/engine/objectives/divergences';
import { expectClose as expectCloseTo, expectNoTensorLeak } from './support/expectations';

// ---- float64 reference over one position ----
function softmax64(logits: number[], tau = 1): number[] {
  const z = logits.map((x) => x / tau);
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
function logSoftmax64(logits: number[], tau = 1): number[] {
  const z = logits.map((x) => x / tau);
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
  return z.map((x) => x - lse);
}
/** KL(a‖b) with a given as probabilities and both as logs (so peaked cases stay exact). */
function kl64(a: number[], logA: number[], logB: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > 0) s += a[i] * (logA[i] - logB[i]);
  return s;
}
function logMix64(logP: number[], w: number, logQ: number[]): number[] {
  return logP.map((lp, i) => {
    const x = Math.log(w) + lp;
    const y = Math.log(1 - w) + logQ[i];
    const m = Math.max(x, y);
    return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
  });
}
function reference(kind: DivergenceKind, t: number[], s: number[], opts: { beta?: number; alpha?: number; temperature?: number } = {}): number {
  const tau = opts.temperature ?? 1;
  const beta = opts.beta ?? 0.5;
  const alpha = opts.alpha ?? 0.1;
  const p = softmax64(t, tau);
  const q = softmax64(s, tau);
  const lp = logSoftmax64(t, tau);
  const lq = logSoftmax64(s, tau);
  switch (kind) {
    case 'fkl':
      return kl64(p, lp, lq);
    case 'rkl':
      return kl64(q, lq, lp);
    case 'tvd':
      return 0.5 * p.reduce((a, pi, i) => a + Math.abs(pi - q[i]), 0);
    case 'jsd': {
      if (beta === 0) return kl64(p, lp, lq);
      if (beta === 1) return kl64(q, lq, lp);
      const lm = logMix64(lp, beta, lq);
      return beta * kl64(p, lp, lm) + (1 - beta) * kl64(q, lq, lm);
    }
    case 'skl':
      return alpha === 0 ? kl64(p, lp, lq) : kl64(p, lp, logMix64(lp, alpha, lq));
    case 'srkl':
      return alpha === 0 ? kl64(q, lq, lp) : kl64(q, lq, logMix64(lp, 1 - alpha, lq));
  }
}

// Hand-made positions: mild, very peaked (p underflows in float32), and identical.
const TEACHER: number[][] = [
  [1, 2, 0.5, -1],
  [30, 0, -30, 5],
  [100, 0, -100, 0],
  [0.3, 0.3, 0.3, 0.3],
  [2, -1, 0, 1],
  [-3, 4, 4, 0],
];
const STUDENT: number[][] = [
  [0, 1, 1, 0],
  [0, 20, 0, -10],
  [0, 100, 0, 0],
  [1, -2, 0.5, 3],
  [2, -1, 0, 1], // equal to the teacher's row
  [4, -3, 0, 4],
];

async function divergenceRows(kind: DivergenceKind, opts: { beta?: number; alpha?: number; temperature?: number } = {}) {
  const t = tf.tensor3d([TEACHER.slice(0, 3), TEACHER.slice(3)]);
  const s = tf.tensor3d([STUDENT.slice(0, 3), STUDENT.slice(3)]);
  const d = tokenDivergence(kind, t, s, opts);
  expect(d.shape).toEqual([2, 3]);
  const values = Array.from(await d.data());
  tf.dispose([t, s, d]);
  return values;
}

const expectClose = (actual: number, expected: number, rel = 2e-4, abs = 2e-5) => expectCloseTo(actual, expected, rel, abs);

expectNoTensorLeak();

describe('tokenDivergence', () => {
  const settings: { beta?: number; alpha?: number; temperature?: number }[] = [
    {},
    { beta: 0.1, alpha: 0.3 },
    { beta: 0.9, alpha: 0.9 },
    { temperature: 2 },
    { temperature: 0.5, beta: 0.3, alpha: 0.05 },
  ];
  for (const kind of DIVERGENCE_KINDS) {
    for (const opts of settings) {
      it(`${kind} ${JSON.stringify(opts)} matches float64 arithmetic`, async () => {
        const got = await divergenceRows(kind, opts);
        const rows = [...TEACHER.keys()];
        rows.forEach((i) => expectClose(got[i], reference(kind, TEACHER[i], STUDENT[i], opts)));
      });
    }
  }

  it('known values: very peaked logits', async () => {
    // Teacher certain of token 0, student of token 1, 100 nats apart: both KLs are ≈ 100,
    // TVD ≈ 1 and every other divergence finite.
    for (const kind of DIVERGENCE_KINDS) {
      const v = (await divergenceRows(kind))[2];
      expect(Number.isFinite(v)).toBe(true);
    }
    expectClose((await divergenceRows('fkl'))[2], 100, 1e-5);
    expectClose((await divergenceRows('rkl'))[2], 100, 1e-5);
    expectClose((await divergenceRows('tvd'))[2], 1, 1e-5);
    // jsd(0.5) with disjoint supports is log 2.
    expectClose((await divergenceRows('jsd'))[2], Math.log(2), 1e-5);
    // skl(α) with disjoint supports: KL(p ‖ α p) = −log α.
    expectClose((await divergenceRows('skl', { alpha: 0.1 }))[2], -Math.log(0.1), 1e-5);
    expectClose((await divergenceRows('srkl', { alpha: 0.1 }))[2], -Math.log(0.1), 1e-5);
  });

  it('jsd endpoints are exactly fkl (β = 0) and rkl (β = 1)', async () => {
    const fkl = await divergenceRows('fkl');
    const rkl = await divergenceRows('rkl');
    expect(await divergenceRows('jsd', { beta: 0 })).toEqual(fkl);
    expect(await divergenceRows('jsd', { beta: 1 })).toEqual(rkl);
    // Near the endpoints the value is about β·fkl and (1−β)·rkl.
    const near0 = await divergenceRows('jsd', { beta: 1e-4 });
    const near1 = await divergenceRows('jsd', { beta: 1 - 1e-4 });
    [0, 3, 5].forEach((i) => {
      expectClose(near0[i] / 1e-4, fkl[i], 2e-2, 1e-3);
      expectClose(near1[i] / 1e-4, rkl[i], 2e-2, 1e-3);
    });
  });

  it('skl and srkl at α = 0 equal fkl and rkl', async () => {
    const fkl = await divergenceRows('fkl');
    const rkl = await divergenceRows('rkl');
    (await divergenceRows('skl', { alpha: 0 })).forEach((v, i) => expectClose(v, fkl[i], 1e-6, 1e-6));
    (await divergenceRows('srkl', { alpha: 0 })).forEach((v, i) => expectClose(v, rkl[i], 1e-6, 1e-6));
    // At α = 1 the mixture is the first argument itself: zero.
    (await divergenceRows('skl', { alpha: 1 })).forEach((v) => expect(v).toBe(0));
    (await divergenceRows('srkl', { alpha: 1 })).forEach((v) => expect(v).toBe(0));
  });

  it('is non-negative on random logits and zero when teacher == student', async () => {
    const t = tf.randomNormal([4, 5, 44], 0, 3, 'float32', 7) as tf.Tensor3D;
    const s = tf.randomNormal([4, 5, 44], 0, 3, 'float32', 8) as tf.Tensor3D;
    for (const kind of DIVERGENCE_KINDS) {
      for (const opts of [{}, { beta: 0.2, alpha: 0.7, temperature: 1.5 }]) {
        const d = tokenDivergence(kind, t, s, opts);
        const same = tokenDivergence(kind, t, t, opts);
        const dv = await d.data();
        const sv = await same.data();
        for (const v of dv) expect(v).toBeGreaterThan(0);
        for (const v of sv) expect(Math.abs(v)).toBeLessThan(1e-6);
        tf.dispose([d, same]);
      }
    }
    tf.dispose([t, s]);
  });

  it('temperature divides the logits of both models', async () => {
    // fkl at τ = 2 of (t, s) equals fkl at τ = 1 of (t/2, s/2).
    const t = tf.tensor3d([[[4, 0, -2]]]);
    const s = tf.tensor3d([[[0, 2, 2]]]);
    const a = tokenDivergence('fkl', t, s, { temperature: 2 });
    const t2 = t.div(2) as tf.Tensor3D;
    const s2 = s.div(2) as tf.Tensor3D;
    const b = tokenDivergence('fkl', t2, s2);
    const [av, bv] = [(await a.data())[0], (await b.data())[0]];
    expectClose(av, bv, 1e-6, 1e-7);
    expectClose(av, reference('fkl', [2, 0, -1], [0, 1, 1]), 1e-5);
    // And it is not the τ = 1 value.
    expect(Math.abs(av - reference('fkl', [4, 0, -2], [0, 2, 2]))).toBeGreaterThan(0.1);
    tf.dispose([t, s, t2, s2, a, b]);
  });

  it('gradients reach both logits arguments and are finite on peaked logits', async () => {
    const t = tf.tensor3d([TEACHER.slice(0, 3), TEACHER.slice(3)]);
    const s = tf.tensor3d([STUDENT.slice(0, 3), STUDENT.slice(3)]);
    for (const kind of DIVERGENCE_KINDS) {
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tokenDivergence(kind, a as tf.Tensor3D, b as tf.Tensor3D).sum())([t, s]);
      for (const g of grads) {
        const values = await g.data();
        for (const v of values) expect(Number.isFinite(v)).toBe(true);
        // Row 0 differs between teacher and student, so both gradients are non-zero there.
        expect(Math.max(...Array.from(values.slice(0, 4)).map(Math.abs))).toBeGreaterThan(1e-3);
      }
      tf.dispose(grads);
    }
    tf.dispose([t, s]);
  });
});

describe('momentGap', () => {
  it('matches Σ_a (p − q)·f computed by hand', async () => {
    const tl = [
      [1, 2, 0.5, -1],
      [30, 0, -30, 5],
    ];
    const sl = [
      [0, 1, 1, 0],
      [0, 20, 0, -10],
    ];
    const f = [
      [0.5, -1, 0.25, 1],
      [1, -1, 0.3, -0.2],
    ];
    for (const tau of [1, 2]) {
      const inputs = [tf.tensor3d([tl]), tf.tensor3d([sl]), tf.tensor3d([f])] as const;
      const g = momentGap(inputs[0], inputs[1], inputs[2], { temperature: tau });
      expect(g.shape).toEqual([1, 2]);
      const got = await g.data();
      tl.forEach((row, i) => {
        const p = softmax64(row, tau);
        const q = softmax64(sl[i], tau);
        const want = p.reduce((a, pi, k) => a + (pi - q[k]) * f[i][k], 0);
        expectClose(got[i], want, 1e-5, 1e-6);
      });
      tf.dispose([g, ...inputs]);
    }
  });
});
