// The training loop's contracts: reproducibility, memory, halting on non-finite values, live
// settings, configuration checks, and student export/import. Tiny random teachers (d16) only.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Trainer, resolveConfig, CheckpointError } from '../src/engine/trainer';
import { METRIC_KEYS, type MetricRecord } from '../src/engine/metrics/record';
import { METHOD_IDS } from '../src/engine/methods/declarations';
import { toArtifacts } from '../src/engine/model/checkpoint';
import { tinyConfig, tinyTeacher } from './helpers/tinyRun';

const teacher = tinyTeacher();
afterAll(() => teacher.dispose());

async function weights(t: Trainer): Promise<Float32Array[]> {
  return Promise.all(t.student.variables().map(async (v) => Float32Array.from(await v.data())));
}

function withoutTiming(r: MetricRecord) {
  const { stepsPerSec, ...rest } = r;
  expect(stepsPerSec === null || stepsPerSec > 0).toBe(true);
  return rest;
}

describe('Trainer', () => {
  it('gives identical records for the same seed and settings (cpu)', async () => {
    for (const method of ['gkd', 'ammd']) {
      const runs: MetricRecord[][] = [];
      for (let r = 0; r < 2; r++) {
        const t = await Trainer.create(tinyConfig(method, { evalEvery: 3, seed: 5 }), teacher, { evalPrompts: 8 });
        const records = [await t.evaluate()];
        for (let i = 0; i < 6; i++) {
          const o = await t.trainStep();
          if (o.record) records.push(o.record);
        }
        t.dispose();
        runs.push(records);
      }
      expect(runs[0].length).toBe(6); // steps 0, 1, 2, 4 (early) and 3, 6 (evalEvery 3)
      expect(runs[0].map(withoutTiming)).toEqual(runs[1].map(withoutTiming));
      // And a different seed gives a different run.
      const other = await Trainer.create(tinyConfig(method, { evalEvery: 3, seed: 6 }), teacher, { evalPrompts: 8 });
      await other.trainStep();
      await other.trainStep();
      const o = await other.trainStep();
      other.dispose();
      expect(o.record!.loss).not.toBe(runs[0][1].loss);
    }
  });

  it('every record has every METRIC_KEYS key, null where the method has none', async () => {
    for (const method of ['sft', 'ammd', 'distillm', 'xkd'] as const) {
      const t = await Trainer.create(tinyConfig(method, { evalEvery: 2 }), teacher, { evalPrompts: 8 });
      const first = await t.evaluate();
      await t.trainStep();
      const { record } = await t.trainStep();
      t.dispose();
      for (const r of [first, record!]) for (const k of METRIC_KEYS) expect(r, `${method} ${k}`).toHaveProperty(k);
      expect(first.step).toBe(0);
      expect(first.loss).toBeNull();
      expect(first.stepsPerSec).toBeNull();
      expect(record!.step).toBe(2);
      expect(Number.isFinite(record!.loss)).toBe(true);
      expect(record!.stepsPerSec).toBeGreaterThan(0);
      for (const k of ['fklTeacher', 'rklStudent', 'tvdStudent', 'tvdTeacher', 'mmOnExact', 'mmOffExact', 'score'] as const) {
        expect(record![k], `${method} ${k}`).toBeGreaterThanOrEqual(0);
      }
      expect(record!.extras!.valNll).toBeGreaterThan(0);
      if (method === 'ammd') {
        expect(record!.criticLoss).not.toBeNull();
        expect(record!.mmOnCritic).not.toBeNull();
        expect(record!.mmOffCritic).not.toBeNull();
      } else if (method === 'xkd') {
        expect(record!.criticLoss).toEqual(expect.any(Number)); // the reward head's loss
        expect(record!.mmOnCritic).toBeNull();
        expect(record!.mmOffCritic).toBeNull();
      } else {
        expect(record!.criticLoss).toBeNull();
        expect(record!.mmOnCritic).toBeNull();
        expect(record!.mmOffCritic).toBeNull();
      }
      if (method === 'distillm') expect(record!.extras).toMatchObject({ phi: 0, bufferFill: 0 });
    }
  });

  it('every method starts from the same student and sees the same step-0 metrics for a seed', async () => {
    const a = await Trainer.create(tinyConfig('sft', { seed: 3 }), teacher, { evalPrompts: 8 });
    const b = await Trainer.create(tinyConfig('ammd', { seed: 3 }), teacher, { evalPrompts: 8 });
    expect(await weights(a)).toEqual(await weights(b));
    const [ra, rb] = [await a.evaluate(), await b.evaluate()];
    expect(ra.rklStudent).toBe(rb.rklStudent);
    expect(ra.fklTeacher).toBe(rb.fklTeacher);
    a.dispose();
    b.dispose();
  });

  it('keeps tf.memory().numTensors flat over 20 steps of every method, and frees everything on dispose', async () => {
    for (const method of METHOD_IDS) {
      const start = tf.memory().numTensors;
      // Two evaluations (steps 10 and 20) are enough to see a leak: no early ones, to keep it fast.
      const t = await Trainer.create(tinyConfig(method, { evalEvery: 10 }), teacher, { evalPrompts: 8, earlyEvalSteps: [] });
      await t.evaluate();
      await t.trainStep(); // Adam creates its moment estimates on the first step
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) {
        const o = await t.trainStep();
        expect(o.halted, method).toBeNull();
      }
      expect(tf.memory().numTensors, method).toBe(before);
      t.dispose();
      expect(tf.memory().numTensors, `${method} after dispose`).toBe(start);
    }
  });

  it('halts on a non-finite loss and keeps the weights from before the bad step', async () => {
    const config = tinyConfig('sft');
    config.settings.lr = 1e30; // beyond the slider's range on purpose
    const t = await Trainer.create(config, teacher, { evalPrompts: 8 });
    let halted: string | null = null;
    let before: Float32Array[] = [];
    let stepAtHalt = -1;
    for (let i = 0; i < 10 && !halted; i++) {
      before = await weights(t);
      const o = await t.trainStep();
      halted = o.halted;
      stepAtHalt = o.step;
    }
    expect(halted).toMatch(/Halted at step \d+: the (loss|gradient norm) is (NaN|Infinity|-Infinity)/);
    expect(halted).toMatch(/weights are kept/);
    expect(t.step).toBe(stepAtHalt);
    const after = await weights(t);
    expect(after).toEqual(before);
    // Still halted, still unchanged, when asked again.
    const again = await t.trainStep();
    expect(again.halted).not.toBeNull();
    expect(await weights(t)).toEqual(before);
    t.dispose();
  });

  it('a restored run counts on from the restored step, in records and in a halt message', async () => {
    const t = await Trainer.create(tinyConfig('sft'), teacher, { evalPrompts: 8 });
    t.continueFrom(120);
    const o = await t.trainStep();
    expect(o.step).toBe(121);
    // Beyond the slider's range on purpose, to make it halt.
    const bad = await Trainer.create({ ...tinyConfig('sft'), settings: { ...tinyConfig('sft').settings, lr: 1e30 } }, teacher, { evalPrompts: 8 });
    bad.continueFrom(120);
    let halted: string | null = null;
    for (let i = 0; i < 10 && !halted; i++) halted = (await bad.trainStep()).halted;
    expect(halted).toMatch(/^Halted at step 12\d: .* kept from step 12\d/);
    expect(() => t.continueFrom(-1)).toThrow();
    t.dispose();
    bad.dispose();
  });

  it('halts when a loss is NaN from the start, without touching any weight', async () => {
    const t = await Trainer.create(tinyConfig('kd'), teacher, { evalPrompts: 8 });
    const head = t.student.p('head.b');
    head.assign(tf.fill([head.shape[0]], NaN) as tf.Tensor1D);
    const before = await weights(t);
    const o = await t.trainStep();
    expect(o.halted).toMatch(/the loss is NaN/);
    expect(o.step).toBe(0);
    expect(await weights(t)).toEqual(before);
    t.dispose();
  });

  it('setLive changes live settings and rejects restart ones with a clear error', async () => {
    const t = await Trainer.create(tinyConfig('distillm'), teacher, { evalPrompts: 8 });
    t.setLive('lr', 0.001);
    t.setLive('evalEvery', 3);
    t.setLive('alpha', 0.3);
    expect(t.config.settings.lr).toBe(0.001);
    expect(t.config.hyper.alpha).toBe(0.3);
    expect(() => t.setLive('seed', 2)).toThrow(/applies on restart/);
    expect(() => t.setLive('studentWidth', 16)).toThrow(/applies on restart/);
    expect(() => t.setLive('bufferCapacity', 64)).toThrow(/applies on restart/);
    expect(() => t.setLive('task', 'reverse')).toThrow(/applies on restart/);
    expect(() => t.setLive('nonsense', 1)).toThrow(/neither a run setting nor a parameter of distillm/);
    expect(() => t.setLive('alpha', 5)).toThrow(/Skew α: 5 is above the maximum 0.9/);
    expect(t.config.hyper.alpha).toBe(0.3);
    await t.trainStep();
    await t.trainStep();
    const { record } = await t.trainStep();
    expect(record?.step).toBe(3); // evalEvery 3 applied (the default 10 would not record step 3)
    t.dispose();
  });

  it('exports the student and loads it back; a model that does not fit changes nothing', async () => {
    const a = await Trainer.create(tinyConfig('sft', { seed: 1 }), teacher, { evalPrompts: 8 });
    for (let i = 0; i < 3; i++) await a.trainStep();
    const artifacts = await a.exportStudent();
    const b = await Trainer.create(tinyConfig('sft', { seed: 2 }), teacher, { evalPrompts: 8 });
    const original = await weights(b);
    expect(original).not.toEqual(await weights(a));
    const teacherArtifacts = await toArtifacts(teacher);
    expect(() => b.loadStudent(teacherArtifacts)).toThrow(CheckpointError);
    expect(await weights(b)).toEqual(original);
    const count = tf.memory().numTensors;
    b.loadStudent(artifacts);
    expect(tf.memory().numTensors).toBe(count);
    expect(await weights(b)).toEqual(await weights(a));
    a.dispose();
    b.dispose();
  });
});

describe('resolveConfig', () => {
  it('fills defaults, coerces strings, and reports and drops unknown keys', () => {
    const { config, problems } = resolveConfig({ method: 'gkd', settings: { lr: '0.01', bogus: 1 }, hyper: { lambda: '1', nope: 2 } });
    expect(config.method).toBe('gkd');
    expect(config.settings.lr).toBe(0.01);
    expect(config.settings.batchSize).toBe(32);
    expect(config.hyper).toMatchObject({ lambda: 1, beta: 0.5, divergence: 'jsd' });
    expect(config.settings).not.toHaveProperty('bogus');
    expect(config.hyper).not.toHaveProperty('nope');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/Unknown setting 'bogus'.*lr/);
    expect(problems[1]).toMatch(/'nope' is not a parameter of gkd.*lambda/);
  });

  it('reports unknown methods, out-of-range values and heads that do not divide the width', () => {
    const { config, problems } = resolveConfig({ method: 'magic', settings: { lr: 5, studentWidth: 24, studentHeads: 5 } });
    expect(config.method).toBe('ammd'); // the default method
    expect(problems[0]).toMatch(/Unknown method 'magic'.*sft.*xkd/);
    expect(problems.some((p) => /Learning rate: 5 is above the maximum 0.05; using 0.05/.test(p))).toBe(true);
    expect(config.settings.lr).toBe(0.05);
    expect(config.settings.studentHeads).toBe(4); // 24 % 5 ≠ 0; 4 divides 24
  });

  it('a valid configuration has no problems', () => {
    expect(resolveConfig({ method: 'ammd', settings: { seed: 4 }, hyper: { criticSteps: 3 } }).problems).toEqual([]);
  });
});
