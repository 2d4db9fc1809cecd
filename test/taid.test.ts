// TAID: the interpolated target and its KL against float64 arithmetic (forward KL exactly at
// t = 1, nothing to learn at t = 0, the gradient of a fixed target), the schedule of t on a
// hand-worked sequence of losses, and t as the trainer records it.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TaidSchedule, taidDivergence } from '../src/engine/objectives/taid';
import { tokenDivergence } from '../src/engine/objectives/divergences';
import { Rng } from '../src/engine/rng';
import { Trainer } from '../src/engine/trainer';
import { expectClose, expectNoTensorLeak } from './support/expectations';
import { kl64, logSoftmax64 } from './helpers/methodContext';
import { tinyConfig, tinyTeacher } from './helpers/tinyRun';

expectNoTensorLeak();

const [B, T, V] = [2, 3, 6];
const teacherValues = Array.from(new Rng(4).normals(B * T * V, 2));
const studentValues = Array.from(new Rng(5).normals(B * T * V, 2));
const row = (x: number[], i: number) => x.slice(i * V, (i + 1) * V);

async function divergenceAt(t: number): Promise<Float32Array> {
  const tl = tf.tensor3d(teacherValues, [B, T, V]);
  const sl = tf.tensor3d(studentValues, [B, T, V]);
  const d = taidDivergence(tl, sl, t);
  const out = (await d.data()) as Float32Array;
  tf.dispose([tl, sl, d]);
  return out;
}

describe('taidDivergence', () => {
  it('is KL(softmax((1 − t)·z_q + t·z_p) ‖ q) in float64 at t = 0.4 and 0.75', async () => {
    for (const t of [0.4, 0.75]) {
      const got = await divergenceAt(t);
      for (let i = 0; i < B * T; i++) {
        const zq = row(studentValues, i);
        const target = logSoftmax64(zq.map((z, v) => (1 - t) * z + t * row(teacherValues, i)[v]));
        expectClose(got[i], kl64(target, logSoftmax64(zq)), 1e-4, 1e-6);
      }
    }
  });

  it('is exactly forward KL at t = 1', async () => {
    const got = await divergenceAt(1);
    const tl = tf.tensor3d(teacherValues, [B, T, V]);
    const sl = tf.tensor3d(studentValues, [B, T, V]);
    const fkl = tokenDivergence('fkl', tl, sl);
    const want = await fkl.data();
    tf.dispose([tl, sl, fkl]);
    for (let i = 0; i < B * T; i++) {
      expectClose(got[i], want[i], 1e-6, 1e-7);
      expectClose(got[i], kl64(logSoftmax64(row(teacherValues, i)), logSoftmax64(row(studentValues, i))), 1e-4, 1e-6);
    }
  });

  it('has the gradient q − p_t of a fixed target (the student inside it is detached), zero at t = 0', async () => {
    const teacher = tf.tensor3d(teacherValues, [B, T, V]);
    const x = tf.tensor3d(studentValues, [B, T, V]);
    for (const t of [0, 0.4]) {
      const g = tf.grad((z: tf.Tensor) => taidDivergence(teacher, z as tf.Tensor3D, t).sum())(x);
      const got = await g.data();
      g.dispose();
      for (let i = 0; i < B * T; i++) {
        const zq = row(studentValues, i);
        const q = logSoftmax64(zq).map(Math.exp);
        const pt = logSoftmax64(zq.map((z, v) => (1 - t) * z + t * row(teacherValues, i)[v])).map(Math.exp);
        for (let v = 0; v < V; v++) expectClose(got[i * V + v], q[v] - pt[v], 1e-4, 1e-6);
      }
    }
    tf.dispose([teacher, x]);
  });

  it('refuses t outside [0, 1]', () => {
    const z = tf.zeros([1, 1, V]) as tf.Tensor3D;
    expect(() => taidDivergence(z, z, 1.5)).toThrow(/t must be in \[0, 1\]/);
    z.dispose();
  });
});

describe('TaidSchedule', () => {
  const opts = { tStart: 0.4, tEnd: 1, alpha: 0.5, beta: 0.5, adaptive: true };

  it('follows the hand-worked sequence: the first update records, then momentum, δ and the linear floor', () => {
    const s = new TaidSchedule(0.4);
    // (step before the update, loss) → t after it; worked in float64 from TAID's Algorithm 1:
    // m = β·m + (1 − β)·(ℓ_prev − ℓ)/ℓ_prev, δ = α·σ(m)·(1 − t), t = min(1, max(0.4 + 0.6·step/10, t + δ)).
    const expected: Array<[number, number, number]> = [
      [0, 1.0, 0.4], // records ℓ = 1
      [1, 0.5, 0.5686529502657395], // m = 0.25, δ = 0.5·σ(0.25)·0.6 = 0.16865…, linear 0.46
      [2, 0.5, 0.6832207482637169], // m = 0.125
      [3, 0.75, 0.7550127227911764], // the loss rose: m = −0.1875, δ still > 0 (t never falls)
      [4, 0.25, 0.8235615061905137],
    ];
    for (const [step, loss, t] of expected) {
      s.update(loss, step, 10, opts);
      expectClose(s.t, t, 1e-12, 1e-12);
    }
  });

  it('without adaptation is the linear schedule, and stays at 1 past the planned steps', () => {
    const s = new TaidSchedule(0.2);
    const linear = { ...opts, tStart: 0.2, adaptive: false };
    s.update(3, 0, 8, linear);
    expect(s.t).toBe(0.2);
    for (let step = 1; step <= 12; step++) {
      s.update(3 - 0.1 * step, step, 8, linear);
      expectClose(s.t, Math.min(1, 0.2 + (0.8 * step) / 8), 1e-12, 1e-12);
    }
    expect(s.t).toBe(1);
  });

  it('moves ahead of the linear schedule while the loss falls, and ignores a non-finite loss', () => {
    const s = new TaidSchedule(0.4);
    const slow = { ...opts, alpha: 0.05, beta: 0.9 };
    for (let step = 0; step < 50; step++) s.update(1 / (1 + step), step, 1000, slow);
    expect(s.t).toBeGreaterThan(0.4 + (0.6 * 49) / 1000 + 0.1);
    const before = s.t;
    s.update(NaN, 50, 1000, slow);
    expect(s.t).toBe(before);
  });
});

describe('TAID in the trainer', () => {
  it('records t at every evaluation: t₀ at step 0, then the linear schedule when adaptation is off', async () => {
    const N = 40;
    const trainer = await Trainer.create(tinyConfig('taid', { steps: N, evalEvery: 4 }, { tStart: 0.3, adaptive: false }), tinyTeacher(), { evalPrompts: 4 });
    expect((await trainer.evaluate()).taidT).toBe(0.3);
    let last = null;
    for (let i = 0; i < 4; i++) last = (await trainer.trainStep()).record ?? last;
    // Update at step n (n steps before it) sets t = 0.3 + 0.7·n/N from the second step on.
    expect(last?.step).toBe(4);
    expectClose(last!.taidT!, 0.3 + (0.7 * 3) / N, 1e-9, 1e-9);
    expect(last!.skdAcceptance).toBeNull();
    trainer.teacher.dispose();
    trainer.dispose();
  });
});
