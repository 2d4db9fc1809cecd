// AMMD: the critic, its loss, the student's loss and the exact distance, against float64
// arithmetic and against the closed-form optimum of the penalised critic (docs/methods.md, "AMMD").
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Critic } from '../src/engine/objectives/critic';
import { criticLoss, exactDistance, futureGapAdvantage, studentLoss, type AmmdBatch } from '../src/engine/objectives/ammd';
import { Rng } from '../src/engine/rng';
import type { ModelConfig } from '../src/engine/model/transformer';
import { expectClose, expectNoTensorLeak } from './support/expectations';

const B = 4;
const T = 6;
const V = 8;
const CONFIG: ModelConfig = { vocabSize: V, seqLen: T, dModel: 16, nLayers: 1, nHeads: 2 };

expectNoTensorLeak();

function softmax64(z: number[], tau = 1): number[] {
  const x = z.map((v) => v / tau);
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

/** Plain-number data of one batch, and its tensors. */
interface Data {
  tokens: number[][];
  mask: number[][];
  teacher: number[][][];
  student: number[][][];
}
function makeData(rng: Rng, scale = 2): Data {
  // Row b starts with token b + 1, so every prefix is distinct and a critic can tell states apart.
  const tokens = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t === 0 ? b + 1 : rng.int(3, V - 1))));
  const mask = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t >= 1 && t < T - (b % 2) - 1 ? 1 : 0)));
  const logits = () => Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: V }, () => scale * rng.normal())));
  return { tokens, mask, teacher: logits(), student: logits() };
}
function toBatch(d: Data): AmmdBatch {
  return {
    tokens: tf.tensor2d(d.tokens, [B, T], 'int32'),
    mask: tf.tensor2d(d.mask),
    teacherLogits: tf.tensor3d(d.teacher),
    studentLogits: tf.tensor3d(d.student),
  };
}
function disposeBatch(b: AmmdBatch) {
  tf.dispose([b.tokens, b.mask, b.teacherLogits, b.studentLogits]);
}

/** Σ_t Σ_a (p − q)·fn(p_a − q_a) per sequence, mean over sequences, in float64. */
function sequenceValue(d: Data, fn: (diff: number) => number): number {
  let total = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      if (!d.mask[b][t]) continue;
      const p = softmax64(d.teacher[b][t]);
      const q = softmax64(d.student[b][t]);
      for (let a = 0; a < V; a++) total += (p[a] - q[a]) * fn(p[a] - q[a]);
    }
  }
  return total / B;
}
const exact64 = (d: Data, R: number) => sequenceValue(d, (x) => R * Math.sign(x));

async function scalar(t: tf.Tensor): Promise<number> {
  return (await t.data())[0];
}
/** max |x| read back, disposing the intermediates. */
async function maxAbsOf(x: tf.Tensor): Promise<number> {
  const m = tf.tidy(() => x.abs().max());
  const v = await scalar(m);
  m.dispose();
  return v;
}
/** Give the critic's four head variables random values (std), disposing the draws. */
function randomHeads(critic: Critic, std: number, seed: number) {
  critic
    .variables()
    .slice(-4)
    .forEach((v, i) => {
      const draw = tf.randomNormal(v.shape, 0, std, 'float32', seed + i);
      v.assign(draw);
      draw.dispose();
    });
}

/** Train a critic alone on fixed logits; returns the final game values. */
async function trainCritic(on: AmmdBatch, off: AmmdBatch, penalty: number, R: number, steps: number, lr: number, seed: number) {
  const critic = Critic.init(CONFIG, new Rng(seed), R);
  const opt = tf.train.adam(lr);
  for (let i = 0; i < steps; i++) {
    const cost = opt.minimize(() => criticLoss({ critic, on, off, beta: 0.5, penalty }).loss, true, critic.variables());
    cost?.dispose();
  }
  const r = criticLoss({ critic, on, off, beta: 0.5, penalty });
  const [lOn, lOff] = [await scalar(r.lOn), await scalar(r.lOff)];
  const f = critic.values(on.tokens);
  const maxAbs = Math.max(await maxAbsOf(f.on), await maxAbsOf(f.off));
  tf.dispose([r, f]);
  opt.dispose();
  critic.dispose();
  return { lOn, lOff, maxAbs };
}

describe('Critic', () => {
  it('starts with zero heads: f = 0, zero gap, zero losses', async () => {
    const d = makeData(new Rng(1));
    const batch = toBatch(d);
    const critic = Critic.init(CONFIG, new Rng(2), 1);
    const f = critic.values(batch.tokens);
    expect(f.on.shape).toEqual([B, T, V]);
    for (const v of await f.on.data()) expect(v).toBe(0);
    for (const v of await f.off.data()) expect(v).toBe(0);
    const r = criticLoss({ critic, on: batch, off: batch, beta: 0.5, penalty: 1 });
    expect(Math.abs(await scalar(r.loss))).toBe(0);
    expect(Math.abs(await scalar(r.lOn))).toBe(0);
    const s = studentLoss({ critic, on: batch, off: batch, beta: 0.5, policyGradient: true });
    expect(Math.abs(await scalar(s))).toBe(0);
    // ... but the heads do receive a gradient, so the critic can leave zero.
    const { grads, value } = tf.variableGrads(() => criticLoss({ critic, on: batch, off: batch, beta: 0.5, penalty: 1 }).loss, critic.variables());
    const total = tf.tidy(() => tf.addN(Object.values(grads).map((g) => g.abs().sum())));
    expect(await scalar(total)).toBeGreaterThan(1e-4);
    tf.dispose([f, r, s, grads, value, total]);
    critic.dispose();
    disposeBatch(batch);
  });

  it('f stays within [−R, R] and follows setBound', async () => {
    const d = makeData(new Rng(3));
    const batch = toBatch(d);
    const critic = Critic.init(CONFIG, new Rng(4), 0.5);
    randomHeads(critic, 50, 10);
    const f = critic.values(batch.tokens);
    const maxAbs = await maxAbsOf(f.on);
    expect(maxAbs).toBeLessThanOrEqual(0.5);
    expect(maxAbs).toBeGreaterThan(0.45); // the large heads saturate tanh
    critic.setBound(2);
    const g = critic.values(batch.tokens);
    const diff = tf.tidy(() => g.on.sub(f.on.mul(4)));
    expect(await maxAbsOf(diff)).toBeLessThan(1e-5);
    tf.dispose([f, g, diff]);
    critic.dispose();
    disposeBatch(batch);
  });
});

describe('Critic.valuesOnOff', () => {
  it('equals each head on its own batch', async () => {
    const on = toBatch(makeData(new Rng(12)));
    const off = toBatch(makeData(new Rng(13)));
    const critic = Critic.init(CONFIG, new Rng(14), 1);
    randomHeads(critic, 1, 15);
    const both = critic.valuesOnOff(on.tokens, off.tokens);
    const fOn = critic.value(on.tokens, 'on');
    const fOff = critic.value(off.tokens, 'off');
    const d1 = both.on.sub(fOn);
    const d2 = both.off.sub(fOff);
    expect(await maxAbsOf(d1)).toBeLessThan(1e-6);
    expect(await maxAbsOf(d2)).toBeLessThan(1e-6);
    expect(await maxAbsOf(fOn)).toBeGreaterThan(0.1);
    tf.dispose([both, fOn, fOff, d1, d2]);
    critic.dispose();
    disposeBatch(on);
    disposeBatch(off);
  });
});

describe('criticLoss', () => {
  it('matches float64 for a fixed non-zero critic, and passes no gradient to the logits', async () => {
    const dOn = makeData(new Rng(5));
    const dOff = makeData(new Rng(6));
    const on = toBatch(dOn);
    const off = toBatch(dOff);
    const critic = Critic.init(CONFIG, new Rng(7), 1);
    randomHeads(critic, 1, 20);
    const fOn = critic.value(on.tokens, 'on');
    const fOff = critic.value(off.tokens, 'off');
    const [fOnV, fOffV] = [Array.from(await fOn.data()), Array.from(await fOff.data())];
    const beta = 0.3;
    const c = 0.7;
    const terms = (d: Data, f: number[]) => {
      let value = 0;
      let size = 0;
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          if (!d.mask[b][t]) continue;
          const p = softmax64(d.teacher[b][t]);
          const q = softmax64(d.student[b][t]);
          for (let a = 0; a < V; a++) {
            const fa = f[(b * T + t) * V + a];
            value += (p[a] - q[a]) * fa;
            size += fa * fa;
          }
        }
      return { value: value / B, size: size / B };
    };
    const tOn = terms(dOn, fOnV);
    const tOff = terms(dOff, fOffV);
    const want = -(beta * tOn.value + (1 - beta) * tOff.value) + c * (beta * tOn.size + (1 - beta) * tOff.size);
    const r = criticLoss({ critic, on, off, beta, penalty: c });
    expectClose(await scalar(r.loss), want);
    expectClose(await scalar(r.lOn), tOn.value);
    expectClose(await scalar(r.lOff), tOff.value);

    const grads = tf.grads(
      (s: tf.Tensor, t: tf.Tensor) =>
        criticLoss({ critic, on: { ...on, studentLogits: s as tf.Tensor3D, teacherLogits: t as tf.Tensor3D }, off, beta, penalty: c }).loss,
    )([on.studentLogits, on.teacherLogits]);
    for (const g of grads) for (const v of await g.data()) expect(v).toBe(0);
    tf.dispose([fOn, fOff, r, grads]);
    critic.dispose();
    disposeBatch(on);
    disposeBatch(off);
  });
});

describe('exactDistance and futureGapAdvantage', () => {
  it('exactDistance = 2R·Σ_t tvd per sequence, mean over sequences (by hand)', async () => {
    // p = (1/2, 1/2), q = (3/4, 1/4): tvd = 1/4. Sequence 0 has 2 valid positions, sequence 1 has 1.
    const t = tf.tensor3d([
      [
        [0, 0],
        [0, 0],
      ],
      [
        [0, 0],
        [0, 0],
      ],
    ]);
    const s = tf.tensor3d([
      [
        [Math.log(3), 0],
        [Math.log(3), 0],
      ],
      [
        [Math.log(3), 0],
        [Math.log(3), 0],
      ],
    ]);
    const m = tf.tensor2d([
      [1, 1],
      [1, 0],
    ]);
    const e = exactDistance(t, s, m, 2);
    expectClose(await scalar(e), (4 * 0.5 + 4 * 0.25) / 2, 1e-6, 1e-6);
    tf.dispose([t, s, m, e]);
  });

  it('future sums of the gap minus the per-position batch mean (by hand)', async () => {
    const gap = tf.tensor2d([
      [1, 2, 3, 7],
      [4, 5, 9, 9],
    ]);
    const mask = tf.tensor2d([
      [1, 1, 1, 0],
      [1, 1, 0, 0],
    ]);
    // F = [[5, 3, 0, 0], [5, 0, 0, 0]] (masked values never count); baselines 5, 1.5, 0 (row 0 alone).
    const A = futureGapAdvantage(gap, mask);
    expect(Array.from(await A.data())).toEqual([0, 1.5, 0, 0, 0, -1.5, 0, 0]);
    tf.dispose([gap, mask, A]);
  });
});

describe('studentLoss', () => {
  for (const policyGradient of [false, true]) {
    it(`value and gradient match float64 (policyGradient ${policyGradient}); the critic gets no gradient`, async () => {
      const dOn = makeData(new Rng(8));
      const dOff = makeData(new Rng(9));
      const on = toBatch(dOn);
      const off = toBatch(dOff);
      const critic = Critic.init(CONFIG, new Rng(11), 1);
      randomHeads(critic, 1, 30);
      const fOn = critic.value(on.tokens, 'on');
      const fOff = critic.value(off.tokens, 'off');
      const [fOnV, fOffV] = [Array.from(await fOn.data()), Array.from(await fOff.data())];
      const beta = 0.6;
      const tau = 1.5;

      // float64: g per position, the loss, and d loss / d student logits of the on batch.
      const gaps = (d: Data, f: number[]) =>
        d.teacher.map((row, b) =>
          row.map((z, t) => {
            const p = softmax64(z, tau);
            const q = softmax64(d.student[b][t], tau);
            return p.reduce((acc, pa, a) => acc + (pa - q[a]) * f[(b * T + t) * V + a], 0);
          }),
        );
      const gOn = gaps(dOn, fOnV);
      const gOff = gaps(dOff, fOffV);
      const seq = (g: number[][], d: Data) => g.reduce((acc, row, b) => acc + row.reduce((a2, v, t) => a2 + v * d.mask[b][t], 0), 0) / B;
      let want = beta * seq(gOn, dOn) + (1 - beta) * seq(gOff, dOff);
      // advantage: future sums minus the per-position mean over valid sequences
      const F = gOn.map((row, b) => row.map((_, t) => row.reduce((a, v, u) => a + (u > t ? v * dOn.mask[b][u] : 0), 0)));
      const A = F.map((row, b) =>
        row.map((v, t) => {
          if (!dOn.mask[b][t]) return 0;
          let s = 0;
          let n = 0;
          for (let k = 0; k < B; k++)
            if (dOn.mask[k][t]) {
              s += F[k][t];
              n++;
            }
          return v - s / n;
        }),
      );
      const targetOf = (b: number, t: number) => (t + 1 < T ? dOn.tokens[b][t + 1] : 0);
      if (policyGradient) {
        let pg = 0;
        for (let b = 0; b < B; b++)
          for (let t = 0; t < T; t++) {
            if (!dOn.mask[b][t]) continue;
            pg += Math.log(softmax64(dOn.student[b][t], tau)[targetOf(b, t)]) * A[b][t];
          }
        want += (beta * pg) / B;
      }
      const gradWant: number[] = [];
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          const q = softmax64(dOn.student[b][t], tau);
          const f = fOnV.slice((b * T + t) * V, (b * T + t + 1) * V);
          const qf = q.reduce((a, qa, k) => a + qa * f[k], 0);
          for (let v = 0; v < V; v++) {
            let g = (-q[v] * (f[v] - qf)) / tau; // d g(s_t) / d logit_v
            if (policyGradient) g += (A[b][t] * ((v === targetOf(b, t) ? 1 : 0) - q[v])) / tau;
            gradWant.push((dOn.mask[b][t] * beta * g) / B);
          }
        }

      const args = { critic, on, off, beta, policyGradient, temperature: tau };
      const loss = studentLoss(args);
      expectClose(await scalar(loss), want);
      const [gS, gT] = tf.grads((s: tf.Tensor, t: tf.Tensor) =>
        studentLoss({ ...args, on: { ...on, studentLogits: s as tf.Tensor3D, teacherLogits: t as tf.Tensor3D } }),
      )([on.studentLogits, on.teacherLogits]);
      Array.from(await gS.data()).forEach((v, i) => expectClose(v, gradWant[i], 1e-3, 1e-6));
      for (const v of await gT.data()) expect(v).toBe(0);
      const { value, grads } = tf.variableGrads(() => studentLoss(args), critic.variables());
      for (const g of Object.values(grads)) for (const v of await g.data()) expect(v).toBe(0);
      tf.dispose([fOn, fOff, loss, gS, gT, value, grads]);
      critic.dispose();
      disposeBatch(on);
      disposeBatch(off);
    });
  }
});

describe('a critic trained alone on fixed logits', () => {
  const dOn = makeData(new Rng(40));
  const dOff = makeData(new Rng(41));

  it('c = 0 approaches the exact best-critic value 2R·Σ tvd from below', async () => {
    const on = toBatch(dOn);
    const off = toBatch(dOff);
    const R = 1;
    const { lOn, lOff, maxAbs } = await trainCritic(on, off, 0, R, 300, 0.02, 50);
    const [eOn, eOff] = [exact64(dOn, R), exact64(dOff, R)];
    console.log(
      `critic c=0: lOn ${lOn.toFixed(4)} / exact ${eOn.toFixed(4)} = ${(lOn / eOn).toFixed(3)}; lOff ${lOff.toFixed(4)} / ${eOff.toFixed(4)} = ${(lOff / eOff).toFixed(3)}`,
    );
    expect(maxAbs).toBeLessThanOrEqual(R);
    expect(lOn).toBeLessThanOrEqual(eOn + 1e-5);
    expect(lOff).toBeLessThanOrEqual(eOff + 1e-5);
    expect(lOn / eOn).toBeGreaterThan(0.9);
    expect(lOff / eOff).toBeGreaterThan(0.9);
    disposeBatch(on);
    disposeBatch(off);
  });

  // Relative tolerance per c: at c = 0.01 the optimum saturates |f| = R almost everywhere (tanh
  // only gets there asymptotically); at c = 0.5 it is interior, f = p − q, and reachable.
  for (const [c, tolerance] of [
    [0.01, 0.1],
    [0.5, 0.02],
  ]) {
    it(`c = ${c} approaches Σ_a (p − q)·clip((p − q)/2c, −R, R)`, async () => {
      const on = toBatch(dOn);
      const off = toBatch(dOff);
      const R = 1;
      const { lOn, lOff } = await trainCritic(on, off, c, R, 300, 0.02, 51);
      const clipped = (x: number) => Math.max(-R, Math.min(R, x / (2 * c)));
      const [oOn, oOff] = [sequenceValue(dOn, clipped), sequenceValue(dOff, clipped)];
      const [eOn, eOff] = [exact64(dOn, R), exact64(dOff, R)];
      console.log(
        `critic c=${c}: lOn ${lOn.toFixed(4)} / optimum ${oOn.toFixed(4)} (exact ${eOn.toFixed(4)}); lOff ${lOff.toFixed(4)} / ${oOff.toFixed(4)} (exact ${eOff.toFixed(4)})`,
      );
      expect(lOn).toBeLessThanOrEqual(eOn + 1e-5);
      expect(lOff).toBeLessThanOrEqual(eOff + 1e-5);
      expect(Math.abs(lOn - oOn) / oOn).toBeLessThan(tolerance);
      expect(Math.abs(lOff - oOff) / oOff).toBeLessThan(tolerance);
      disposeBatch(on);
      disposeBatch(off);
    });
  }
});
