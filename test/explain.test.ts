// The step explainer: one real step of the method on a scratch copy of the student, on one
// held-out example. Checked against numbers recomputed here: the distributions are softmaxes of
// the models' logits on the continuation it reports, the per-position values are the method's
// divergence of those distributions, the live run is untouched and no tensor is left behind.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, test } from 'vitest';
import { Trainer } from '../src/engine/trainer';
import { explainStep } from '../src/engine/explain';
import { getTask } from '../src/engine/tasks';
import { tinyConfig, tinyTeacher } from './helpers/tinyRun';
import { kl64, tvd64 } from './helpers/methodContext';

const teacher = tinyTeacher();
afterAll(() => teacher.dispose());
const example = getTask('addition').heldOut[0];
const log = (p: number[]) => p.map((x) => Math.log(x));

async function weights(t: Trainer): Promise<number[]> {
  const out: number[] = [];
  for (const [, v] of t.student.params) out.push(...(await v.data()));
  return out;
}

describe('explainStep', () => {
  test.each([
    ['kd', 'dataset'],
    ['rkl', 'dataset'],
    ['ammd', 'mixed'],
  ])('%s: real distributions before and after, the method’s quantity per position, the live run untouched', async (method, source) => {
    const live = await Trainer.create(tinyConfig(method), teacher, { evalPrompts: 8 });
    const w0 = await weights(live);
    const tensors = tf.memory().numTensors;
    const e = await explainStep(live, example);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await weights(live)).toEqual(w0);
    expect(live.step).toBe(0);
    expect(e.source).toBe(source);
    expect(e.positions.length).toBeGreaterThan(0);
    expect(e.loss).not.toBeNull();
    if (method === 'kd') {
      // Off-policy on the dataset: the continuation is the held-out answer.
      const answer = [...example.answer].map((c) => c);
      expect(e.positions.length).toBeGreaterThanOrEqual(answer.length);
    }
    for (const p of e.positions) {
      for (const d of [p.teacher, p.before, p.after]) expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      const expected =
        method === 'kd'
          ? kl64(log(p.teacher), log(p.before))
          : method === 'rkl'
            ? kl64(log(p.before), log(p.teacher))
            : 2 * tvd64(log(p.teacher), log(p.before));
      expect(p.valueBefore).toBeCloseTo(expected, 3);
    }
    // The update moved the student's distributions.
    const moved = e.positions.some((p) => p.before.some((q, i) => Math.abs(q - p.after[i]) > 1e-6));
    expect(moved).toBe(true);
    live.dispose();
  });

  test.each([
    ['opd', 'student', 'rkl'],
    ['taid', 'dataset', 'fkl'],
    ['distillm2', 'paired', 'srkl'],
    ['skd', 'speculative', 'fkl'],
    ['abkd', 'dataset', 'ab'],
  ])('%s (2025): its batch source and per-position quantity, the live run untouched', async (method, source, kind) => {
    const live = await Trainer.create(tinyConfig(method), teacher, { evalPrompts: 8 });
    const tensors = tf.memory().numTensors;
    const e = await explainStep(live, example);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(live.step).toBe(0);
    expect([e.source, e.quantity.kind]).toEqual([source, kind]);
    expect(e.positions.length).toBeGreaterThan(0);
    expect(e.loss).not.toBeNull();
    for (const p of e.positions) {
      // ABKD at its defaults (0.2, 0.7): the α-β divergence of the reported distributions, in float64.
      if (kind !== 'ab') continue;
      const [a, b] = [0.2, 0.7];
      let sum = 0;
      p.teacher.forEach((pv, v) => (sum += pv ** a * p.before[v] ** b - (a / (a + b)) * pv ** (a + b) - (b / (a + b)) * p.before[v] ** (a + b)));
      expect(p.valueBefore).toBeCloseTo(-sum / (a * b), 3);
    }
    live.dispose();
  });
});
