// The step explainer on webgpu, where the optimiser's moments live in one state buffer that the
// fused Adam updates in place: the copy takes the run's moments into a buffer of its own, so its
// step is the run's next step, and the run, stepping on afterwards, is exactly a twin run that
// was never explained. Runs in Node on Dawn + SwiftShader and never skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Trainer } from '../src/engine/trainer';
import { explainStep } from '../src/engine/explain';
import { getTask } from '../src/engine/tasks';
import type { Transformer } from '../src/engine/model/transformer';
import { tinyConfig, tinyTeacher } from './helpers/tinyRun';
import { maxAbsDiff, startWebGpu, stopWebGpu } from './support/webgpu';

const OPTS = { evalPrompts: 4, earlyEvalSteps: [] as number[] };
const example = getTask('addition').heldOut[0];
const B = 4;

async function weights(t: Trainer): Promise<Float64Array> {
  const parts = await Promise.all(t.student.variables().map(async (v) => Array.from(await v.data())));
  return Float64Array.from(parts.flat());
}

let teacher: Transformer;
let setupError: Error | null = null;

beforeAll(async () => {
  try {
    await startWebGpu();
    teacher = tinyTeacher();
  } catch (e) {
    setupError = e as Error;
  }
}, 900_000);

afterAll(async () => {
  teacher?.dispose();
  await stopWebGpu();
});

describe('explainStep on webgpu', () => {
  it.each(['kd', 'ammd'])('%s: the explained step is the run’s next step, and the run goes on as its unexplained twin', async (method) => {
    if (setupError) throw setupError;
    const config = tinyConfig(method, { evalEvery: 1000, lr: 0.01, lrWarmup: 20 });
    const [live, twin] = [await Trainer.create(config, teacher, OPTS), await Trainer.create(config, teacher, OPTS)];
    for (let k = 0; k < 3; k++) for (const t of [live, twin]) expect((await t.trainStep({ evaluate: false })).halted).toBeNull();
    // The last step's check is pending (its report tensor alive) until settled: settle first.
    expect(await live.settle()).toBeNull();
    const w0 = await weights(live);
    const tensors = tf.memory().numTensors;
    const e = await explainStep(live, example);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(e.rate).toEqual({ lr: (0.01 * 4) / 20, step: 3, warmup: 20, base: 0.01 });
    expect(Array.from(await weights(live))).toEqual(Array.from(w0));

    const examples = Array.from({ length: B }, () => example);
    for (const t of [live, twin]) {
      expect((await t.trainStep({ evaluate: false, examples })).halted).toBeNull();
      expect(await t.settle()).toBeNull();
    }
    const w1 = await weights(live);
    const moved = Math.sqrt(w1.reduce((s, x, i) => s + (x - w0[i]) ** 2, 0));
    expect(moved).toBeGreaterThan(0);
    expect(Math.abs(e.updateNorm - moved)).toBeLessThan(1e-5 * Math.max(1, moved) + 1e-7);
    expect(Math.abs(live.lastStepLoss! - e.loss!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(e.loss!)));
    // Two more steps: the explained run and its twin stay identical (the copy shared no buffer it wrote).
    for (let k = 0; k < 2; k++) for (const t of [live, twin]) expect((await t.trainStep({ evaluate: false })).halted).toBeNull();
    expect(maxAbsDiff(await weights(live), await weights(twin))).toBe(0);
    live.dispose();
    twin.dispose();
  });
});
