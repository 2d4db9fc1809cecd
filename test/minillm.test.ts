// MiniLLM's returns, importance weights, loss and gradient against float64 arithmetic written
// here from the definition (docs/methods.md, "MiniLLM"; Gu et al., arXiv 2306.08543).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { discountedReturns, discountedReturnsTensor, importanceWeights, minillmLoss } from '../src/engine/objectives/minillm';
import { Rng } from '../src/engine/rng';
import { expectClose, expectNoTensorLeak } from './support/expectations';

expectNoTensorLeak();

function logSoftmax64(z: number[], tau = 1): number[] {
  const x = z.map((v) => v / tau);
  const m = Math.max(...x);
  const lse = m + Math.log(x.reduce((a, v) => a + Math.exp(v - m), 0));
  return x.map((v) => v - lse);
}

describe('discountedReturns', () => {
  // Worked by hand. Row 0: rewards 1 2 3 4, position 0 is prompt, γ = 0.5.
  //   R_1 = 2 + 0.5·3 + 0.25·4 = 4.5 (3 tokens), R_2 = 3 + 0.5·4 = 5 (2), R_3 = 4 (1), R_4 = 0.
  // Row 1: rewards 5 1 1 9, valid 1 1 0 0 (the 9 is padding).
  const rewards = [
    [1, 2, 3, 4],
    [5, 1, 1, 9],
  ];
  const mask = [
    [0, 1, 1, 1],
    [1, 1, 0, 0],
  ];

  it('float64 reference, with and without length normalisation', () => {
    expect(discountedReturns(rewards, mask, 0.5, false)).toEqual([
      [4.5, 5, 4, 0],
      [1, 0, 0, 0],
    ]);
    expect(discountedReturns(rewards, mask, 0.5, true)).toEqual([
      [1.5, 2.5, 4, 0],
      [1, 0, 0, 0],
    ]);
    expect(discountedReturns([[1, 1, 1]], [[1, 1, 1]], 1, false)).toEqual([[2, 1, 0]]);
  });

  it('the [T, T] matrix product gives the same returns', async () => {
    const r = tf.tensor2d(rewards);
    const m = tf.tensor2d(mask);
    for (const norm of [false, true]) {
      const R = discountedReturnsTensor(r, m, 0.5, norm);
      const want = norm ? [1.5, 2.5, 4, 0, 1, 0, 0, 0] : [4.5, 5, 4, 0, 1, 0, 0, 0];
      Array.from(await R.data()).forEach((v, i) => expectClose(v, want[i], 1e-6, 1e-6));
      R.dispose();
    }
    tf.dispose([r, m]);
  });
});

describe('importanceWeights', () => {
  it('w = q / (α p + (1−α) q), worked by hand', async () => {
    // q = (1/2, 1/2); p = (1/4, 3/4).
    const s = tf.tensor3d([
      [
        [0, 0],
        [0, 0],
      ],
    ]);
    const t = tf.tensor3d([
      [
        [0, Math.log(3)],
        [0, Math.log(3)],
      ],
    ]);
    const y = tf.tensor2d([[0, 1]], [1, 2], 'int32');
    const cases: [number, number[]][] = [
      [0.2, [0.5 / 0.45, 0.5 / 0.55]],
      [0, [1, 1]],
      [1, [2, 2 / 3]],
    ];
    for (const [alpha, want] of cases) {
      const w = importanceWeights(s, t, y, alpha);
      Array.from(await w.data()).forEach((v, i) => expectClose(v, want[i], 1e-5, 1e-6));
      w.dispose();
    }
    tf.dispose([s, t, y]);
  });
});

// ---- the whole loss in float64 ----
interface Case {
  student: number[][][];
  teacher: number[][][];
  targets: number[][];
  mask: number[][];
}
function reference(c: Case, alpha: number, gamma: number, lengthNorm: boolean, tau: number, clip: number | null) {
  const B = c.mask.length;
  const T = c.mask[0].length;
  const logq = c.student.map((row) => row.map((z) => logSoftmax64(z, tau)));
  const logp = c.teacher.map((row) => row.map((z) => logSoftmax64(z, tau)));
  const lq = (b: number, t: number) => logq[b][t][c.targets[b][t]];
  const lp = (b: number, t: number) => logp[b][t][c.targets[b][t]];
  const rewards = c.mask.map((row, b) => row.map((_, t) => lp(b, t) - lq(b, t)));
  const R = discountedReturns(rewards, c.mask, gamma, lengthNorm);
  let n = 0;
  let mean = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      if (c.mask[b][t]) {
        n++;
        mean += R[b][t];
      }
    }
  }
  mean /= n;
  let variance = 0;
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) if (c.mask[b][t]) variance += (R[b][t] - mean) ** 2;
  variance /= n;
  const A = R.map((row) => row.map((v) => (v - mean) / Math.sqrt(variance + 1e-8)));
  let flattened = 0;
  const w = c.mask.map((row, b) =>
    row.map((_, t) => {
      const q = Math.exp(lq(b, t));
      const p = Math.exp(lp(b, t));
      let weight = q / (alpha * p + (1 - alpha) * q);
      if (clip !== null && c.mask[b][t] && ((A[b][t] > 0 && weight > 1 + clip) || (A[b][t] < 0 && weight < 1 - clip))) {
        weight = 0;
        flattened++;
      }
      return weight;
    }),
  );
  let pg = 0;
  let single = 0;
  // Gradient w.r.t. the student logits: pg gives −w·A·(e_y − q)/τ, rkl gives q(log q − log p − KL)/τ.
  const grad = c.student.map((row) => row.map((z) => z.map(() => 0)));
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      if (!c.mask[b][t]) continue;
      pg -= w[b][t] * A[b][t] * lq(b, t);
      const q = logq[b][t].map(Math.exp);
      const kl = q.reduce((a, qi, i) => a + qi * (logq[b][t][i] - logp[b][t][i]), 0);
      single += kl;
      for (let v = 0; v < q.length; v++) {
        const onehot = v === c.targets[b][t] ? 1 : 0;
        grad[b][t][v] += (-w[b][t] * A[b][t] * (onehot - q[v]) + q[v] * (logq[b][t][v] - logp[b][t][v] - kl)) / tau / n;
      }
    }
  }
  return { pgLoss: pg / n, singleStepLoss: single / n, loss: (pg + single) / n, grad, flattened };
}

function randomCase(rng: Rng, B: number, T: number, V: number): Case {
  const logits = () => Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: V }, () => 2 * rng.normal())));
  const mask = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t >= 1 && t < T - b ? 1 : 0)));
  return {
    student: logits(),
    teacher: logits(),
    targets: Array.from({ length: B }, () => Array.from({ length: T }, () => rng.int(0, V - 1))),
    mask,
  };
}

describe('minillmLoss', () => {
  const settings: { alpha: number; gamma: number; lengthNorm: boolean; tau: number; clip: number | null }[] = [
    { alpha: 0.2, gamma: 0.95, lengthNorm: true, tau: 1, clip: null },
    { alpha: 0.2, gamma: 1, lengthNorm: false, tau: 1, clip: null },
    { alpha: 0, gamma: 0.5, lengthNorm: true, tau: 2, clip: null },
    { alpha: 0.5, gamma: 0.9, lengthNorm: true, tau: 1, clip: 0.2 },
  ];
  settings.forEach((s, k) => {
    it(`loss and its gradient match float64 (${JSON.stringify(s)})`, async () => {
      const c = randomCase(new Rng(10 + k), 3, 6, 5);
      const ref = reference(c, s.alpha, s.gamma, s.lengthNorm, s.tau, s.clip);
      if (s.clip !== null) expect(ref.flattened).toBeGreaterThan(0); // the case exercises clipping
      const student = tf.tensor3d(c.student);
      const teacher = tf.tensor3d(c.teacher);
      const targets = tf.tensor2d(c.targets, undefined, 'int32');
      const mask = tf.tensor2d(c.mask);
      const args = { teacherLogits: teacher, targets, mask, mixAlpha: s.alpha, gamma: s.gamma, lengthNorm: s.lengthNorm, temperature: s.tau, clip: s.clip };
      const out = minillmLoss({ studentLogits: student, ...args });
      expectClose((await out.loss.data())[0], ref.loss);
      expectClose((await out.pgLoss.data())[0], ref.pgLoss);
      expectClose((await out.singleStepLoss.data())[0], ref.singleStepLoss);
      tf.dispose(out);

      const [gs, gt] = tf.grads(
        (sl: tf.Tensor, tl: tf.Tensor) => minillmLoss({ ...args, studentLogits: sl as tf.Tensor3D, teacherLogits: tl as tf.Tensor3D }).loss,
      )([student, teacher]);
      const flatRef = ref.grad.flat(2);
      Array.from(await gs.data()).forEach((v, i) => expectClose(v, flatRef[i], 1e-3, 1e-5));
      // The teacher is a constant of the loss.
      for (const v of await gt.data()) expect(v).toBe(0);
      tf.dispose([gs, gt, student, teacher, targets, mask]);
    });
  });

  it('is the single-step reverse KL alone when every return is equal', async () => {
    // One valid token per sequence: every return is 0, so the whitened advantage is 0.
    const student = tf.tensor3d([
      [
        [1, 0, -1],
        [0, 0, 0],
      ],
      [
        [0, 2, 0],
        [0, 0, 0],
      ],
    ]);
    const teacher = tf.tensor3d([
      [
        [0, 1, 0],
        [0, 0, 0],
      ],
      [
        [1, 1, 1],
        [0, 0, 0],
      ],
    ]);
    const targets = tf.tensor2d(
      [
        [1, 0],
        [2, 0],
      ],
      undefined,
      'int32',
    );
    const mask = tf.tensor2d([
      [1, 0],
      [1, 0],
    ]);
    const out = minillmLoss({ studentLogits: student, teacherLogits: teacher, targets, mask, mixAlpha: 0.2, gamma: 0.95, lengthNorm: true });
    expect(Math.abs((await out.pgLoss.data())[0])).toBe(0);
    const kl = (s: number[], t: number[]) => {
      const lq = logSoftmax64(s);
      const lp = logSoftmax64(t);
      return lq.reduce((a, l, i) => a + Math.exp(l) * (l - lp[i]), 0);
    };
    expectClose((await out.loss.data())[0], (kl([1, 0, -1], [0, 1, 0]) + kl([0, 2, 0], [1, 1, 1])) / 2, 1e-5, 1e-6);
    tf.dispose([out, student, teacher, targets, mask]);
  });
});
