// AMMD's exact critics (oracle and penalised optimum), the critic efficiency they define, and
// the critics on frozen teacher / student features, against values worked out by hand or in
// float64 (docs/methods.md, "AMMD").
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Critic } from '../src/engine/objectives/critic';
import { ExactCritic, penalisedOptimum } from '../src/engine/objectives/exactCritic';
import { criticLoss, exactDistance, penalisedDistance, studentLoss, type AmmdBatch } from '../src/engine/objectives/ammd';
import { Rng } from '../src/engine/rng';
import { Transformer, type ModelConfig } from '../src/engine/model/transformer';
import { Trainer } from '../src/engine/trainer';
import { expectNoTensorLeak } from './support/expectations';
import { tinyConfig, tinyTeacher } from './helpers/tinyRun';

expectNoTensorLeak();

async function read(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

// One state, three actions: p = (0.5, 0.3, 0.2), q = (0.2, 0.3, 0.5); p − q = (0.3, 0, −0.3), tvd 0.3.
const P = [0.5, 0.3, 0.2];
const Q = [0.2, 0.3, 0.5];
const logits = (x: number[]) => tf.tensor3d([[x.map(Math.log)]]);

describe('penalisedOptimum by hand', () => {
  const cases: Array<{ c: number; R: number; f: number[]; gap: number }> = [
    // c = 1: (p − q)/2 = (0.15, 0, −0.15) inside the bound; gap ‖p − q‖²/(2c) = 0.18/2 = 0.09.
    { c: 1, R: 1, f: [0.15, 0, -0.15], gap: 0.09 },
    // c = 0.1: (1.5, 0, −1.5) clipped to R = 1; gap = 0.3 + 0.3 = 0.6 = 2R·tvd.
    { c: 0.1, R: 1, f: [1, 0, -1], gap: 0.6 },
    // c = 0.1, R = 2: 1.5 is inside the bound; gap 2 · 0.3 · 1.5 = 0.9.
    { c: 0.1, R: 2, f: [1.5, 0, -1.5], gap: 0.9 },
    // c = 0: the oracle R·sign(p − q), sign(0) = 0; gap 2R·tvd = 2 · 0.5 · 0.3.
    { c: 0, R: 0.5, f: [0.5, 0, -0.5], gap: 0.3 },
  ];
  for (const { c, R, f, gap } of cases) {
    it(`c = ${c}, R = ${R}: f = (${f.join(', ')}), gap ${gap}`, async () => {
      const [tl, sl] = [logits(P), logits(Q)];
      const got = await read(penalisedOptimum(tl, sl, c, R));
      got.forEach((v, i) => expect(v).toBeCloseTo(f[i], 5));
      const mask = tf.ones([1, 1]) as tf.Tensor2D;
      expect((await read(penalisedDistance(tl, sl, mask, c, R)))[0]).toBeCloseTo(gap, 5);
      tf.dispose([tl, sl, mask]);
    });
  }

  it('rejects a negative penalty with a clear message', () => {
    const [tl, sl] = [logits(P), logits(Q)];
    expect(() => penalisedOptimum(tl, sl, -1, 1)).toThrow(/penalty c must be ≥ 0/);
    tf.dispose([tl, sl]);
  });
});

// Random batches: B sequences of T positions over V actions, masks with ragged ends.
const B = 3;
const T = 5;
const V = 6;
function randomBatch(seed: number): AmmdBatch {
  const rng = new Rng(seed);
  const arr = <X>(n: number, f: () => X): X[] => Array.from({ length: n }, f);
  return {
    tokens: tf.tensor2d(
      arr(B, () => arr(T, () => rng.int(0, V - 1))),
      [B, T],
      'int32',
    ),
    mask: tf.tensor2d(Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t < T - b ? 1 : 0)))),
    teacherLogits: tf.tensor3d(arr(B, () => arr(T, () => arr(V, () => 2 * rng.normal())))),
    studentLogits: tf.tensor3d(arr(B, () => arr(T, () => arr(V, () => 2 * rng.normal())))),
  };
}
const disposeBatch = (b: AmmdBatch) => tf.dispose([b.tokens, b.mask, b.teacherLogits, b.studentLogits]);

describe('exact critics in the game', () => {
  it('the oracle’s moment gap equals 2R·Σ_t tvd (exactDistance) on both batches', async () => {
    const [on, off] = [randomBatch(1), randomBatch(2)];
    const R = 1.7;
    const r = criticLoss({ critic: new ExactCritic(R, 0), on, off, beta: 0.5, penalty: 0 });
    const [lOn, lOff] = [(await read(r.lOn))[0], (await read(r.lOff))[0]];
    r.loss.dispose();
    expect(lOn).toBeCloseTo((await read(exactDistance(on.teacherLogits, on.studentLogits, on.mask, R)))[0], 5);
    expect(lOff).toBeCloseTo((await read(exactDistance(off.teacherLogits, off.studentLogits, off.mask, R)))[0], 5);
    expect(lOn).toBeGreaterThan(0);
    disposeBatch(on);
    disposeBatch(off);
  });

  it('the penalised optimum has efficiency 1 and beats any other critic on the penalised objective', async () => {
    const [on, off] = [randomBatch(3), randomBatch(4)];
    const [c, R] = [0.2, 1];
    const at = async (critic: ExactCritic) => {
      const r = criticLoss({ critic, on, off, beta: 0.5, penalty: c });
      const v = { loss: (await read(r.loss))[0], lOn: (await read(r.lOn))[0], lOff: (await read(r.lOff))[0] };
      return v;
    };
    const best = await at(new ExactCritic(R, c));
    const possible = (await read(penalisedDistance(on.teacherLogits, on.studentLogits, on.mask, c, R)))[0];
    expect(best.lOn / possible).toBeCloseTo(1, 5);
    // The oracle finds more gap but pays more penalty: a larger (worse) critic loss.
    const oracle = await at(new ExactCritic(R, 0));
    expect(oracle.lOn).toBeGreaterThan(best.lOn);
    expect(oracle.loss).toBeGreaterThan(best.loss);
    // So does the optimum of a different penalty.
    expect((await at(new ExactCritic(R, 2 * c))).loss).toBeGreaterThan(best.loss);
    disposeBatch(on);
    disposeBatch(off);
  });

  it('the student learns through q against an exact critic, and no gradient flows through the critic', async () => {
    const [on, off] = [randomBatch(5), randomBatch(6)];
    const critic = new ExactCritic(1, 0);
    // d/dz_q of Σ_a (p − q)·f with f fixed: −q ⊙ (f − Σ_a q f). Check one coordinate by hand.
    const grad = tf.grad((s: tf.Tensor) => studentLoss({ critic, on: { ...on, studentLogits: s as tf.Tensor3D }, off, beta: 1, policyGradient: false }))(
      on.studentLogits,
    );
    const [g, p, q] = [await read(grad), await read(tf.softmax(on.teacherLogits)), await read(tf.softmax(on.studentLogits))];
    const row = (b: number, t: number) => (b * T + t) * V;
    const i = row(0, 1);
    const f = Array.from({ length: V }, (_, a) => Math.sign(p[i + a] - q[i + a]));
    const qf = f.reduce((s, fa, a) => s + q[i + a] * fa, 0);
    for (let a = 0; a < V; a++) expect(g[i + a]).toBeCloseTo((-q[i + a] * (f[a] - qf)) / B, 5);
    disposeBatch(on);
    disposeBatch(off);
  });
});

describe('critics on frozen features', () => {
  const teacherConfig: ModelConfig = { vocabSize: V, seqLen: T, dModel: 12, nLayers: 1, nHeads: 2 };
  const studentConfig: ModelConfig = { vocabSize: V, seqLen: T, dModel: 8, nLayers: 1, nHeads: 2 };

  for (const features of ['teacher', 'both', 'probs'] as const) {
    it(`${features}: zero at start, no trunk, gradient only into the heads, and trained alone it approaches the penalised optimum`, async () => {
      const teacher = Transformer.init(teacherConfig, new Rng(7), false);
      const student = Transformer.init(studentConfig, new Rng(8));
      const critic = Critic.init(studentConfig, new Rng(9), 1, features, { teacher, student });
      expect(critic.trunk).toBeNull();
      expect(critic.variables()).toHaveLength(4);
      const width = features === 'teacher' ? 12 : features === 'both' ? 20 : 20 + 2 * V;
      expect(critic.variables()[0].shape).toEqual([width, V]);
      const [on, off] = [randomBatch(10), randomBatch(11)];
      expect(Math.max(...(await read(critic.valueFor(on, 'on'))).map(Math.abs))).toBe(0);

      if (features !== 'teacher') {
        // The student's hidden states are read, but its weights get no gradient from the critic.
        const sGrads = tf.variableGrads(() => criticLoss({ critic, on, off, beta: 0.5, penalty: 0.5 }).loss, student.variables());
        for (const g of Object.values(sGrads.grads)) expect(Math.max(...(await read(g)).map(Math.abs))).toBe(0);
        sGrads.value.dispose();
      }

      // Adam on the heads alone for a fixed p, q: efficiency should climb towards 1. The
      // features are random-weight hidden states of random tokens, so the bar is modest.
      const c = 0.5;
      const opt = tf.train.adam(0.05);
      for (let k = 0; k < 150; k++) {
        const cost = opt.minimize(() => criticLoss({ critic, on, off, beta: 0.5, penalty: c }).loss, true, critic.variables());
        cost?.dispose();
      }
      const r = criticLoss({ critic, on, off, beta: 0.5, penalty: c });
      r.loss.dispose();
      const eff = (await read(r.lOn))[0] / (await read(penalisedDistance(on.teacherLogits, on.studentLogits, on.mask, c, 1)))[0];
      r.lOff.dispose();
      expect(eff).toBeGreaterThan(0.5);
      expect(eff).toBeLessThan(1.5);
      opt.dispose();
      critic.dispose();
      teacher.dispose();
      student.dispose();
      disposeBatch(on);
      disposeBatch(off);
    });
  }
});

describe('critic on probs features', () => {
  it('reads p and q: heads set to ±1/(2c) on them give R·tanh((p − q)/(2c)), worked out in float64', async () => {
    const teacherConfig: ModelConfig = { vocabSize: V, seqLen: T, dModel: 12, nLayers: 1, nHeads: 2 };
    const studentConfig: ModelConfig = { vocabSize: V, seqLen: T, dModel: 8, nLayers: 1, nHeads: 2 };
    const teacher = Transformer.init(teacherConfig, new Rng(7), false);
    const student = Transformer.init(studentConfig, new Rng(8));
    const [R, c] = [0.7, 0.25];
    const critic = Critic.init(studentConfig, new Rng(9), R, 'probs', { teacher, student });
    // Rows 0..19 read the hidden states (left at zero), rows 20..25 read p, rows 26..31 read q.
    const w = Array.from({ length: 20 + 2 * V }, (_, i) =>
      Array.from({ length: V }, (_, a) => (i - 20 === a ? 1 / (2 * c) : i - 20 - V === a ? -1 / (2 * c) : 0)),
    );
    const wOn = tf.tensor2d(w);
    critic.variables()[0].assign(wOn);
    wOn.dispose();
    const batch = randomBatch(12);
    const [tl, sl, f] = await Promise.all([batch.teacherLogits.data(), batch.studentLogits.data(), read(critic.valueFor(batch, 'on'))]);
    const softmax = (x: number[]) => {
      const m = Math.max(...x);
      const e = x.map((v) => Math.exp(v - m));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    };
    let worst = 0;
    for (let i = 0; i < B * T; i++) {
      const p = softmax(Array.from(tl.slice(i * V, (i + 1) * V)));
      const q = softmax(Array.from(sl.slice(i * V, (i + 1) * V)));
      for (let a = 0; a < V; a++) worst = Math.max(worst, Math.abs(f[i * V + a] - R * Math.tanh((p[a] - q[a]) / (2 * c))));
    }
    expect(worst).toBeLessThan(1e-5);
    critic.dispose();
    teacher.dispose();
    student.dispose();
    disposeBatch(batch);
  });
});

describe('AMMD in the trainer with exact critics', () => {
  it('penalised: efficiency 1 at every evaluation; oracle: the critic’s estimate is the exact distance', async () => {
    const tt = tinyTeacher();
    const pen = await Trainer.create(tinyConfig('ammd', { evalEvery: 2 }, { critic: 'penalised', penalty: 0.3 }), tt, { evalPrompts: 4 });
    const orc = await Trainer.create(tinyConfig('ammd', { evalEvery: 2 }, { critic: 'oracle' }), tt, { evalPrompts: 4 });
    for (let i = 0; i < 2; i++) {
      const a = (await pen.trainStep()).record;
      const b = (await orc.trainStep()).record;
      if (!a || !b) continue;
      expect(a.criticEffOn!).toBeCloseTo(1, 4);
      expect(a.criticEffOff!).toBeCloseTo(1, 4);
      expect(a.mmOnPenalised!).toBeLessThanOrEqual(a.mmOnExact! + 1e-6);
      expect(b.mmOnCritic!).toBeCloseTo(b.mmOnExact!, 4);
      expect(b.mmOffCritic!).toBeCloseTo(b.mmOffExact!, 4);
      expect(b.criticEffOn!).toBeGreaterThanOrEqual(1 - 1e-5);
    }
    pen.dispose();
    orc.dispose();
    tt.dispose();
  });

  it('learned critics on teacher, both and probs features train in the trainer', async () => {
    const tt = tinyTeacher();
    for (const criticFeatures of ['teacher', 'both', 'probs']) {
      const t = await Trainer.create(tinyConfig('ammd', { evalEvery: 3 }, { criticFeatures, criticWarmup: 4, penalty: 0.1, criticLrScale: 1 }), tt, {
        evalPrompts: 4,
      });
      const before = await t.student.variables()[0].data();
      let record = null;
      for (let i = 0; i < 3; i++) record = (await t.trainStep()).record ?? record;
      // The critic pushed the student (zero heads would leave it where it was, as K = 0 does) and
      // its held-out estimate is finite and below the exact distance.
      expect(Array.from(await t.student.variables()[0].data())).not.toEqual(Array.from(before));
      expect(Number.isFinite(record!.criticEffOn!)).toBe(true);
      expect(record!.mmOnCritic!).toBeLessThanOrEqual(record!.mmOnExact! + 1e-5);
      t.dispose();
    }
    tt.dispose();
  });
});
