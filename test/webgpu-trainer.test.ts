// The trainer on webgpu: a step is not held up by its own finiteness check (step k's read is
// checked while step k + 1 is queued), yet a NaN still halts the run with the last good weights
// and says so; the losses are those of the cpu backend; memory stays flat. Runs in Node on
// Dawn + SwiftShader and never skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Trainer } from '../src/engine/trainer';
import type { Transformer } from '../src/engine/model/transformer';
import { tinyConfig, tinyTeacher } from './helpers/tinyRun';
import { maxAbsDiff, startWebGpu, stopWebGpu } from './support/webgpu';

const TOLERANCE = 1e-4;
const STEPS = 3;
const OPTS = { evalPrompts: 4, earlyEvalSteps: [] as number[] };
const CASES = [
  { method: 'gkd', hyper: { lambda: 0 } },
  { method: 'gkd', hyper: { lambda: 1 } },
  { method: 'ammd', hyper: {} },
] as const;

async function weights(t: Trainer): Promise<Float32Array> {
  const parts = await Promise.all(t.student.variables().map(async (v) => Float32Array.from(await v.data())));
  return Float32Array.from(parts.flatMap((p) => Array.from(p)));
}

/** The loss of each of the first STEPS steps (settled one by one), on the current backend. */
async function losses(teacher: Transformer, method: string, hyper: Record<string, number>): Promise<number[]> {
  const t = await Trainer.create(tinyConfig(method, { evalEvery: 1000 }, hyper), teacher, OPTS);
  const out: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const o = await t.trainStep();
    expect(o.halted).toBeNull();
    expect(await t.settle()).toBeNull();
    out.push(t.lastStepLoss!);
  }
  t.dispose();
  return out;
}

let teacher: Transformer;
const cpuLosses: number[][] = [];
const gpuLosses: number[][] = [];
let setupError: Error | null = null;

beforeAll(async () => {
  try {
    expect(tf.getBackend()).toBe('cpu');
    const cpuTeacher = tinyTeacher();
    for (const c of CASES) cpuLosses.push(await losses(cpuTeacher, c.method, c.hyper));
    cpuTeacher.dispose();
    await startWebGpu();
    teacher = tinyTeacher(); // the same seeded weights, on webgpu
    for (const c of CASES) gpuLosses.push(await losses(teacher, c.method, c.hyper));
  } catch (e) {
    setupError = e as Error;
  }
}, 900_000);

afterAll(async () => {
  teacher?.dispose();
  await stopWebGpu();
});

function requireWebGpu() {
  if (setupError) throw setupError;
}

describe('the trainer on webgpu', () => {
  CASES.forEach((c, k) => {
    it(`${c.method} ${JSON.stringify(c.hyper)}: the first ${STEPS} losses are the cpu backend's within 1e-4`, () => {
      requireWebGpu();
      expect(gpuLosses[k].length).toBe(STEPS);
      expect(maxAbsDiff(cpuLosses[k], gpuLosses[k])).toBeLessThan(TOLERANCE);
      expect(new Set(cpuLosses[k]).size).toBe(STEPS); // the steps change the student
    });
  });

  it('a NaN injected at step 3 halts the run, reported by the next step, with the weights of step 2', async () => {
    requireWebGpu();
    const t = await Trainer.create(tinyConfig('gkd', { evalEvery: 1000 }, { lambda: 0 }), teacher, OPTS);
    for (let i = 0; i < 2; i++) expect((await t.trainStep()).halted).toBeNull();
    expect(await t.settle()).toBeNull();
    const good = await weights(t);

    // The teacher's logits become NaN, so step 3's loss is NaN.
    const head = teacher.p('head.b');
    const saved = tf.keep(head.clone());
    head.assign(tf.fill(head.shape as [number], NaN) as tf.Tensor1D);
    try {
      // Step 3 is queued and returns without waiting for its own check.
      const third = await t.trainStep();
      expect(third.halted).toBeNull();
      expect(t.step).toBe(3);
      // Step 4 is queued (and refused on the device), then step 3's check halts the run.
      const fourth = await t.trainStep();
      expect(fourth.halted).toMatch(/^Halted at step 3: the loss is NaN\. The weights are kept from step 2/);
      expect(fourth.step).toBe(2);
      expect(t.step).toBe(2);
      expect(Array.from(await weights(t))).toEqual(Array.from(good));
    } finally {
      head.assign(saved);
      saved.dispose();
    }

    // With a finite teacher again the run goes on from step 2.
    expect((await t.trainStep()).halted).toBeNull();
    expect(await t.settle()).toBeNull();
    expect(t.step).toBe(3);
    expect(maxAbsDiff(good, await weights(t))).toBeGreaterThan(0);
    t.dispose();
  });

  it('a halt found by an evaluation is returned by the next trainStep', async () => {
    requireWebGpu();
    const t = await Trainer.create(tinyConfig('gkd', { evalEvery: 1000 }, { lambda: 0 }), teacher, OPTS);
    expect((await t.trainStep()).halted).toBeNull();
    const head = teacher.p('head.b');
    const saved = tf.keep(head.clone());
    head.assign(tf.fill(head.shape as [number], NaN) as tf.Tensor1D);
    try {
      expect((await t.trainStep()).halted).toBeNull();
      expect(await t.settle()).toMatch(/^Halted at step 2: the loss is NaN/);
      const next = await t.trainStep();
      expect(next.halted).toMatch(/^Halted at step 2/);
      expect(next.step).toBe(1);
    } finally {
      head.assign(saved);
      saved.dispose();
    }
    t.dispose();
  });

  it('new weights supersede a step whose check is pending: no halt, and updates apply again', async () => {
    requireWebGpu();
    const t = await Trainer.create(tinyConfig('gkd', { evalEvery: 1000 }, { lambda: 0 }), teacher, OPTS);
    expect((await t.trainStep()).halted).toBeNull();
    const artifacts = await t.exportStudent();
    const loaded = await weights(t);
    const head = teacher.p('head.b');
    const saved = tf.keep(head.clone());
    head.assign(tf.fill(head.shape as [number], NaN) as tf.Tensor1D);
    try {
      expect((await t.trainStep()).halted).toBeNull(); // queued, refused on the device, unchecked
    } finally {
      head.assign(saved);
      saved.dispose();
    }
    t.loadStudent(artifacts);
    expect((await t.trainStep()).halted).toBeNull();
    expect(await t.settle()).toBeNull();
    expect(maxAbsDiff(loaded, await weights(t))).toBeGreaterThan(0);
    t.dispose();
  });

  it('keeps tf.memory().numTensors flat over steps with their checks deferred', async () => {
    requireWebGpu();
    const t = await Trainer.create(tinyConfig('ammd', { evalEvery: 1000 }), teacher, OPTS);
    for (let i = 0; i < 2; i++) await t.trainStep();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) expect((await t.trainStep()).halted).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
