// The step explainer takes the step the run would take next: the same learning rate (the
// warm-up's at the run's step count), optimiser moments, critics and sampling streams. Checked
// against a real step of the run itself from the same state, on the same batch: the loss, the
// weights' change and the student after it agree. For AMMD the explanation carries the run's
// critics' gaps, checked against the best critics' gaps worked out here in float64 from the
// reported distributions, and against the run's critics on continuations rebuilt from the report.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, test } from 'vitest';
import { Trainer } from '../src/engine/trainer';
import type { MethodRuntime } from '../src/engine/methods/runtime';
import type { AdaptiveOffPolicy, ReplayBuffer } from '../src/engine/objectives/distillm';
import { explainStep, type ExplainedStep } from '../src/engine/explain';
import { getTask } from '../src/engine/tasks';
import { PAD } from '../src/engine/tasks/vocab';
import { tinyConfig, tinyTeacher } from './helpers/tinyRun';
import { kl64 } from './helpers/methodContext';

const teacher = tinyTeacher();
afterAll(() => teacher.dispose());
const example = getTask('addition').heldOut[0];
const B = 4;
const LR = 0.01;
const WARMUP = 20;

async function weights(t: Trainer): Promise<Float64Array> {
  const out: number[] = [];
  for (const [, v] of t.student.params) out.push(...(await v.data()));
  return Float64Array.from(out);
}

async function trainFor(method: string, steps: number, hyper: Record<string, unknown> = {}): Promise<Trainer> {
  const t = await Trainer.create(tinyConfig(method, { lr: LR, lrWarmup: WARMUP }, hyper), teacher, { evalPrompts: 8 });
  for (let k = 0; k < steps; k++) expect((await t.trainStep({ evaluate: false })).halted).toBeNull();
  return t;
}

/** The explained continuation as model input: the prompt, then the continuation's tokens, then padding. */
function sequence(prompt: number[], continuation: number[], T: number): { tokens: tf.Tensor2D; mask: tf.Tensor2D } {
  const ids = [...prompt, ...continuation];
  const mask = new Float32Array(T);
  for (let i = 0; i < continuation.length; i++) mask[prompt.length - 1 + i] = 1;
  return {
    tokens: tf.tensor2d([[...ids, ...Array(T - ids.length).fill(PAD)]], [1, T], 'int32'),
    mask: tf.tensor2d(mask, [1, T]),
  };
}

/** float64 probabilities of `model` at each continuation position of the explained sequence. */
async function probsAt(model: Trainer['student'], e: ExplainedStep): Promise<number[][]> {
  const T = model.config.seqLen;
  const s = sequence(
    e.prompt,
    e.positions.map((p) => p.token),
    T,
  );
  const probs = tf.tidy(() => tf.softmax(model.forward(s.tokens)));
  const v = await probs.data();
  const V = probs.shape[2];
  tf.dispose([probs, s.tokens, s.mask]);
  return e.positions.map((_, i) => Array.from(v.subarray((e.prompt.length - 1 + i) * V, (e.prompt.length + i) * V)));
}

const norm = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0));
const tvd = (p: number[], q: number[]) => 0.5 * p.reduce((s, x, i) => s + Math.abs(x - q[i]), 0);
/** The best penalised critic's gap Σ_a (p − q)·clip((p − q)/(2c), −R, R) at one state (R·sign(p − q) at c = 0). */
const penalisedGap = (p: number[], q: number[], c: number, R: number) =>
  p.reduce((s, x, i) => {
    const d = x - q[i];
    const f = c > 0 ? Math.max(-R, Math.min(R, d / (2 * c))) : R * Math.sign(d);
    return s + d * f;
  }, 0);

describe('explainStep takes the run’s next step', () => {
  test.each([
    ['kd', 3],
    ['gkd', 3],
    ['ammd', 3],
    ['kd', 0],
    ['taid', 3],
    ['distillm', 3],
  ])('%s after %i steps: the explained step is a real step of the run at the same rate', async (method, k) => {
    const live = await trainFor(method, k);
    const w0 = await weights(live);
    const tensors = tf.memory().numTensors;
    const e = await explainStep(live, example);
    expect(tf.memory().numTensors).toBe(tensors);
    // Step k of the warm-up: lr·(k + 1)/20, not the full rate and not step 0's.
    const lr = (LR * (k + 1)) / WARMUP;
    expect(e.rate).toEqual({ lr, step: k, warmup: WARMUP, base: LR });
    expect(e.lr).toBe(lr);
    // The live run is untouched by the explanation.
    expect(await weights(live)).toEqual(w0);
    expect(live.step).toBe(k);

    // The run's own next step on the explainer's batch (the held-out example B times).
    const outcome = await live.trainStep({ evaluate: false, examples: Array.from({ length: B }, () => example) });
    expect(outcome.halted).toBeNull();
    expect(outcome.source).toBe(e.source);
    const w1 = await weights(live);
    expect(Math.abs(live.lastStepLoss! - e.loss!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(e.loss!)));
    const moved = norm(w1, w0);
    expect(moved).toBeGreaterThan(0);
    expect(Math.abs(e.updateNorm - moved)).toBeLessThan(1e-5 * Math.max(1, moved) + 1e-7);
    if (k === 0) {
      // Adam's first update moves a weight by lr·|g|/(|g| + ε) ≤ lr: here lr = 0.01/20.
      const largest = w1.reduce((m, x, i) => Math.max(m, Math.abs(x - w0[i])), 0);
      expect(largest).toBeLessThanOrEqual(lr * (1 + 1e-3));
      expect(largest).toBeGreaterThan(lr * 0.9);
    }
    // The student after the run's step is the explainer's "after", distribution by distribution.
    const after = await probsAt(live.student, e);
    e.positions.forEach((p, i) => p.after.forEach((x, a) => expect(Math.abs(x - after[i][a])).toBeLessThan(1e-5)));
    if (method === 'kd') {
      // Forward KL after the step, summed over the continuation, from the run's student.
      const sum = (key: 'valueAfter') => e.positions.reduce((s, p) => s + p[key], 0);
      const recomputed = e.positions.reduce((s, p, i) => s + kl64(p.teacher.map(Math.log), after[i].map(Math.log)), 0);
      expect(Math.abs(sum('valueAfter') - recomputed)).toBeLessThan(1e-4);
    }
    live.dispose();
  });
});

/** The run's method state (private to the trainer; read here to compare a copy with its run). */
const methodOf = (t: Trainer) => (t as unknown as { method: MethodRuntime }).method;

test('TAID and DistiLLM: the copy takes over the run’s schedule (t; φ and the replay buffer)', async () => {
  const live = await trainFor('taid', 3);
  const t = methodOf(live).metrics!().taidT!;
  const scratch = await Trainer.create(live.config, teacher, { evalPrompts: 8 });
  scratch.adoptStateOf(live);
  // t has left t_start after three steps, and the copy holds the run's t, not t_start.
  expect(t).not.toBe(Number(live.config.hyper.tStart));
  expect(methodOf(scratch).metrics!().taidT).toBe(t);
  scratch.dispose();
  live.dispose();

  // DistiLLM's φ rises only when the validation NLL does, and only then do samples fill the
  // buffer: both are put there by hand (φ 0 → 0.1, three sequences of the buffer's 32 slots).
  const d = await trainFor('distillm', 3, { bufferCapacity: 32 });
  const [schedule, buffer] = methodOf(d).plainState!() as [AdaptiveOffPolicy, ReplayBuffer];
  schedule.observeValidationNll(1);
  schedule.observeValidationNll(1.5);
  const T = d.student.config.seqLen;
  buffer.push(
    Int32Array.from({ length: 3 * T }, (_, i) => i % 7),
    Int32Array.from([2, 3, 4]),
  );
  const copy = await Trainer.create(d.config, teacher, { evalPrompts: 8 });
  expect(methodOf(copy).extras()).toEqual({ phi: 0, bufferFill: 0 });
  copy.adoptStateOf(d);
  expect(methodOf(copy).extras()).toEqual({ phi: 0.1, bufferFill: 3 / 32 });
  const copiedBuffer = (methodOf(copy).plainState!() as [AdaptiveOffPolicy, ReplayBuffer])[1];
  expect(copiedBuffer.at(2)).toEqual(buffer.at(2));
  copy.dispose();
  d.dispose();
});

describe('explainStep for AMMD: the run’s critics beside the best critics', () => {
  test('learned critics: found, could find and the best gap, on both continuations', async () => {
    const live = await trainFor('ammd', 3);
    const tensors = tf.memory().numTensors;
    const e = await explainStep(live, example);
    expect(tf.memory().numTensors).toBe(tensors);
    const c = e.critics!;
    expect(c.kind).toBe('learned');
    const R = c.bound;
    const penalty = c.penalty;
    expect(penalty).toBeGreaterThan(0);
    const off = c.offPositions;
    expect(c.on.tokens).toBe(e.positions.length);
    expect(c.off.tokens).toBe(off.length);
    expect(off.length).toBeGreaterThan(0);
    // The best critics' gaps, summed over each continuation, from the reported distributions.
    const sumOver = (ps: Array<{ teacher: number[]; before: number[] }>, f: (p: number[], q: number[]) => number) =>
      ps.reduce((s, x) => s + f(x.teacher, x.before), 0);
    expect(c.on.best).toBeCloseTo(
      sumOver(e.positions, (p, q) => 2 * R * tvd(p, q)),
      4,
    );
    expect(c.off.best).toBeCloseTo(
      sumOver(off, (p, q) => 2 * R * tvd(p, q)),
      4,
    );
    expect(c.on.couldFind).toBeCloseTo(
      sumOver(e.positions, (p, q) => penalisedGap(p, q, penalty, R)),
      4,
    );
    expect(c.off.couldFind).toBeCloseTo(
      sumOver(off, (p, q) => penalisedGap(p, q, penalty, R)),
      4,
    );
    // The per-token values shown are the best critic's: they sum to its gap.
    expect(c.on.best).toBeCloseTo(
      e.positions.reduce((s, p) => s + p.valueBefore, 0),
      4,
    );
    // A critic bounded by R finds at most the best critic's gap; after three steps it finds something.
    for (const g of [c.on, c.off]) {
      expect(Math.abs(g.found)).toBeLessThanOrEqual(g.best + 1e-5);
      expect(Math.abs(g.found)).toBeGreaterThan(0);
    }
    // The run's critics, on the two continuations rebuilt from the report (prompt + tokens).
    const T = live.student.config.seqLen;
    const probe = (continuation: number[]) => {
      const s = sequence(e.prompt, continuation, T);
      return { ...s, teacherLogits: live.teacher.forward(s.tokens), studentLogits: live.student.forward(s.tokens) };
    };
    const on = probe(e.positions.map((p) => p.token));
    const offProbe = probe(off.map((p) => p.token));
    const est = live.critics!.estimates(on, offProbe);
    const values = await tf.stack([est.on, est.off]).data();
    tf.dispose([...Object.values(est), ...Object.values(on), ...Object.values(offProbe)]);
    expect(c.on.found).toBeCloseTo(values[0], 5);
    expect(c.off.found).toBeCloseTo(values[1], 5);
    live.dispose();
  });

  test('before any critic step the learned heads are zero: they found nothing', async () => {
    const live = await trainFor('ammd', 0);
    const e = await explainStep(live, example);
    expect([e.critics!.on.found, e.critics!.off.found]).toEqual([0, 0]);
    expect(e.critics!.on.best).toBeGreaterThan(0);
    live.dispose();
  });

  test.each([
    // The oracle is the unpenalised best critic R·sign(p − q); "could find" stays the penalised one's.
    ['oracle', 0],
    ['penalised', 0.3],
  ])('%s critic: what it finds (its own c = %f) and what a penalised critic could, from the distributions', async (kind, c) => {
    const live = await trainFor('ammd', 2, { critic: kind, penalty: 0.3 });
    const e = await explainStep(live, example);
    const g = e.critics!;
    expect([g.kind, g.penalty]).toEqual([kind, 0.3]);
    const R = g.bound;
    for (const [gaps, ps] of [
      [g.on, e.positions],
      [g.off, g.offPositions],
    ] as const) {
      expect(gaps.found).toBeCloseTo(
        ps.reduce((s, x) => s + penalisedGap(x.teacher, x.before, c, R), 0),
        4,
      );
      expect(gaps.couldFind).toBeCloseTo(
        ps.reduce((s, x) => s + penalisedGap(x.teacher, x.before, 0.3, R), 0),
        4,
      );
    }
    live.dispose();
  });
});
