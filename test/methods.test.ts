// Each method's step: where its batch comes from (GKD's λ, DistiLLM's schedule and buffer), its
// loss against float64 arithmetic on the same batch, its gradient against finite differences,
// and AMMD's sanity checks. Tiny models only.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/rng';
import { createMethod } from '../src/engine/methods/registry';
import { gkdSource } from '../src/engine/methods/gkd';
import { encodeExamples, encodePrompts } from '../src/engine/data';
import { sampleTensors } from '../src/engine/model/sampling';
import { Trainer, studentConfig } from '../src/engine/trainer';
import type { MethodId } from '../src/engine/methods/types';
import type { ParamValues } from '../src/engine/params';
import { jsd64, kl64, logProbRows, makeContext, sharpModel, tvd64 } from './helpers/methodContext';
import { tinyConfig, tinyTeacher } from './helpers/tinyRun';

const teacher = sharpModel(1);
const student = sharpModel(2, 16, 10);
afterAll(() => {
  teacher.dispose();
  student.dispose();
});

function setupFor(method: MethodId, hyper: ParamValues = {}) {
  const ctx = makeContext(method, { teacher, student }, { hyper });
  const runtime = createMethod(method, {
    hyper: ctx.hyper,
    settings: ctx.settings,
    studentConfig: student.config,
    initRng: new Rng(21),
    models: { teacher, student },
  });
  return { ctx, runtime };
}

async function lossOf(method: MethodId, hyper: ParamValues = {}) {
  const { ctx, runtime } = setupFor(method, hyper);
  const plan = runtime.prepare(ctx);
  const loss = plan.loss();
  const value = (await loss.data())[0];
  tf.dispose(loss);
  plan.dispose();
  runtime.dispose();
  return { value, ctx };
}

/** Float64 mean over the batch's continuation positions of `perPosition(logP, logQ, target)`. */
async function datasetMean(ctx: ReturnType<typeof makeContext>, tau: number, perPosition: (lp: number[], lq: number[], target: number) => number) {
  const T = ctx.student.config.seqLen;
  const batch = encodeExamples(ctx.examples, T);
  const tokens = tf.tensor2d(batch.tokens, [batch.batch, T], 'int32');
  const tl = ctx.teacher.forward(tokens);
  const sl = ctx.student.forward(tokens);
  const [P, Q] = [await logProbRows(tl, tau), await logProbRows(sl, tau)];
  tf.dispose([tokens, tl, sl]);
  let sum = 0;
  let n = 0;
  for (let b = 0; b < batch.batch; b++)
    for (let t = 0; t < T; t++) {
      if (!batch.mask[b * T + t]) continue;
      sum += perPosition(P[b][t], Q[b][t], batch.targets[b * T + t]);
      n++;
    }
  return sum / n;
}

const close = (a: number, b: number, rel = 2e-4) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe('GKD data source', () => {
  it('λ = 0 never and λ = 1 always picks student samples, for any u in [0, 1)', () => {
    for (const u of [0, 1e-12, 0.3, 0.5, 0.999999]) {
      expect(gkdSource(u, 0, 'dataset')).toBe('dataset');
      expect(gkdSource(u, 0, 'teacher')).toBe('teacher');
      expect(gkdSource(u, 1, 'dataset')).toBe('student');
    }
  });

  it('the on-policy fraction over many draws of a seeded stream is λ', () => {
    for (const lambda of [0.1, 0.3, 0.75]) {
      const rng = new Rng(77);
      const n = 20000;
      let student = 0;
      for (let i = 0; i < n; i++) if (gkdSource(rng.next(), lambda, 'dataset') === 'student') student++;
      const sd = Math.sqrt((lambda * (1 - lambda)) / n);
      expect(Math.abs(student / n - lambda)).toBeLessThan(4 * sd);
    }
  });

  it('the trainer draws u from the run’s method stream (the fourth fork of the seed) every step', async () => {
    const seed = 8;
    const root = new Rng(seed);
    root.fork(); // init
    root.fork(); // data
    root.fork(); // sampling noise
    const method = root.fork();
    const expected = Array.from({ length: 8 }, () => (method.next() < 0.5 ? 'student' : 'dataset'));
    expect(new Set(expected).size).toBe(2); // this seed shows both sources
    const t = await Trainer.create(tinyConfig('gkd', { seed, evalEvery: 1000 }, { lambda: 0.5 }), tinyTeacher(), { evalPrompts: 4 });
    const got: string[] = [];
    for (let i = 0; i < 8; i++) got.push((await t.trainStep()).source);
    expect(got).toEqual(expected);
    t.setLive('lambda', 0);
    for (let i = 0; i < 3; i++) expect((await t.trainStep()).source).toBe('dataset');
    t.setLive('offPolicyData', 'teacher');
    expect((await t.trainStep()).source).toBe('teacher');
    t.setLive('lambda', 1);
    for (let i = 0; i < 3; i++) expect((await t.trainStep()).source).toBe('student');
    t.teacher.dispose();
    t.dispose();
  });
});

describe('DistiLLM data source and replay buffer', () => {
  it('follows the hand-worked schedule: φ from the validation NLL, fresh → buffer → dataset', async () => {
    const rs = [0, 0.05, 0.5, 0.07, 0.07, 0.0005];
    const steps = [0, 0, 10, 50, 50, 99];
    const scripted = { next: () => rs.shift()!, int: (lo: number) => lo } as unknown as Rng;
    const { ctx, runtime } = setupFor('distillm', { bufferCapacity: 8 });
    ctx.settings = { ...ctx.settings, steps: 100 };
    ctx.methodRng = scripted;
    const sources: string[] = [];
    const fills: number[] = [];
    let firstFresh: Int32Array | null = null;
    let replayed: Int32Array | null = null;
    for (let i = 0; i < steps.length; i++) {
      if (i === 1) {
        // φ = 0 so far; a validation NLL rise of 0.2 ≥ ε = 0.1 lifts it to 0.1.
        runtime.observeEvaluation!(2.0);
        runtime.observeEvaluation!(2.2);
        expect(runtime.extras().phi).toBeCloseTo(0.1, 12);
      }
      ctx.step = steps[i];
      const plan = runtime.prepare(ctx);
      sources.push(plan.source);
      if (plan.source === 'buffer') replayed = Int32Array.from(await plan.batch!.tokens.data());
      if (plan.readTokens) {
        const ids = Int32Array.from(await plan.readTokens.data());
        if (!firstFresh) firstFresh = ids;
        plan.afterRead!(ids);
      }
      fills.push(runtime.extras().bufferFill);
      plan.dispose();
    }
    // φ = 0: dataset. Then s = φ(1 − step/steps): r 0.05 < 0.1 → fresh; 0.5 ≥ φ → dataset;
    // 0.07 ≥ s = 0.05 but < φ, buffer not full → fresh (buffer now 8/8); 0.07 again, full →
    // buffer; 0.0005 < s = 0.001 → fresh even though full.
    expect(sources).toEqual(['dataset', 'student', 'dataset', 'student', 'buffer', 'student']);
    expect(fills).toEqual([0, 0.5, 0.5, 1, 1, 1]);
    // The scripted int(lo) picks the four oldest sequences: the first fresh batch, unchanged.
    expect(replayed).toEqual(firstFresh);
    runtime.dispose();
  });
});

describe('method losses against float64 arithmetic on the same batch', () => {
  it('SFT is the mean NLL of the reference answers', async () => {
    const { value, ctx } = await lossOf('sft');
    close(value, await datasetMean(ctx, 1, (_lp, lq, y) => -lq[y]));
  });

  it('KD is τ²·fkl at temperature τ', async () => {
    const { value, ctx } = await lossOf('kd', { temperature: 2 });
    close(value, 4 * (await datasetMean(ctx, 2, (lp, lq) => kl64(lp, lq))));
  });

  it('RKL and TVD on dataset prefixes', async () => {
    const r = await lossOf('rkl');
    close(r.value, await datasetMean(r.ctx, 1, (lp, lq) => kl64(lq, lp)));
    const t = await lossOf('tvd');
    close(t.value, await datasetMean(t.ctx, 1, (lp, lq) => tvd64(lp, lq)));
  });

  it('GKD with λ = 0 is the generalized JSD(β) on the dataset', async () => {
    const { value, ctx } = await lossOf('gkd', { lambda: 0, beta: 0.3 });
    close(value, await datasetMean(ctx, 1, (lp, lq) => jsd64(lp, lq, 0.3)));
  });

  it('SeqKD is the NLL of teacher samples drawn with the step’s sampling noise', async () => {
    const { ctx, runtime } = setupFor('seqkd', { sampleTemperature: 0.7 });
    const state = ctx.sampleRng.state();
    const plan = runtime.prepare(ctx);
    const loss = plan.loss();
    const value = (await loss.data())[0];
    // Sample again from the same noise, independently of the plan.
    const prompts = encodePrompts(
      ctx.examples.map((e) => e.prompt),
      16,
    );
    const s = sampleTensors(teacher, prompts, { temperature: 0.7, rng: Rng.fromState(state) });
    const ids = await s.tokens.data();
    const mask = await s.mask.data();
    const sl = student.forward(s.tokens);
    const Q = await logProbRows(sl);
    let sum = 0;
    let n = 0;
    for (let b = 0; b < 4; b++)
      for (let t = 0; t < 16; t++)
        if (mask[b * 16 + t]) {
          sum -= Q[b][t][ids[b * 16 + t + 1]];
          n++;
        }
    close(value, sum / n);
    tf.dispose([loss, s.tokens, s.mask, sl]);
    plan.dispose();
  });
});

describe('student-loss gradients against finite differences (output bias)', () => {
  // The output bias moves only the logits (never the hidden states that AMMD's critic or
  // X-KD's reward head read), so every loss but MiniLLM's surrogate is differentiable in it exactly.
  const cases: Array<[MethodId, ParamValues]> = [
    ['sft', {}],
    ['seqkd', {}],
    ['kd', { temperature: 2 }],
    ['rkl', {}],
    ['tvd', {}],
    ['gkd', { lambda: 1 }],
    ['distillm', { divergence: 'srkl' }],
    ['ammd', { criticSteps: 3 }],
    ['xkd', { base: 'seq', gamma: 0.9 }],
    ['xkd', { base: 'divergence', divergence: 'jsd' }],
  ];
  for (const [method, hyper] of cases) {
    it(`${method} ${JSON.stringify(hyper)}`, async () => {
      const { ctx, runtime } = setupFor(method, hyper);
      const plan = runtime.prepare(ctx);
      const bias = student.p('head.b');
      const { grads, value } = tf.variableGrads(plan.loss, [bias]);
      const g = await grads[bias.name].data();
      const base = Float32Array.from(await bias.data());
      const order = Array.from(g.keys())
        .sort((i, j) => Math.abs(g[j]) - Math.abs(g[i]))
        .slice(0, 3);
      const h = 5e-3;
      for (const i of order) {
        const at = async (delta: number) => {
          const moved = base.slice();
          moved[i] += delta;
          bias.assign(tf.tensor1d(moved));
          const l = plan.loss();
          const v = (await l.data())[0];
          l.dispose();
          return v;
        };
        const fd = ((await at(h)) - (await at(-h))) / (2 * h);
        bias.assign(tf.tensor1d(base));
        expect(Math.abs(fd - g[i]), `${method} coordinate ${i}: fd ${fd} vs grad ${g[i]}`).toBeLessThanOrEqual(2e-3 + 2e-2 * Math.abs(g[i]));
      }
      expect(Math.abs(g[order[0]])).toBeGreaterThan(1e-4); // the check was not vacuous
      tf.dispose([value, grads[bias.name]]);
      plan.dispose();
      runtime.dispose();
    });
  }
});

describe('AMMD in the trainer', () => {
  it('K = 0 leaves the critics at zero, so the student never moves', async () => {
    const tt = tinyTeacher();
    const t = await Trainer.create(tinyConfig('ammd', { evalEvery: 3 }, { criticSteps: 0 }), tt, { evalPrompts: 4 });
    const before = await Promise.all(t.student.variables().map((v) => v.data()));
    let record = null;
    for (let i = 0; i < 3; i++) record = (await t.trainStep()).record;
    const after = await Promise.all(t.student.variables().map((v) => v.data()));
    expect(after).toEqual(before);
    expect(record!.criticLoss).toBe(0);
    expect(record!.mmOnCritic).toBe(0);
    expect(record!.mmOffCritic).toBe(0);
    expect(record!.loss).toBe(0);
    t.dispose();
    tt.dispose();
  });

  it('the critics’ estimates never exceed the exact best-critic distances', async () => {
    const tt = tinyTeacher();
    const t = await Trainer.create(
      tinyConfig('ammd', { evalEvery: 4, lrWarmup: 0 }, { bound: 2, penalty: 0.05, criticLrScale: 30, criticFeatures: 'own' }),
      tt,
      { evalPrompts: 8 },
    );
    for (let i = 0; i < 8; i++) {
      const { record } = await t.trainStep();
      if (!record) continue;
      expect(record.mmOnCritic!).toBeLessThanOrEqual(record.mmOnExact! + 1e-5);
      expect(record.mmOffCritic!).toBeLessThanOrEqual(record.mmOffExact! + 1e-5);
      // After a few critic steps the critics have found something (the dense early evaluations at
      // steps 1 and 2 come before that: a critic two Adam steps old can still be below zero).
      if (record.step >= 4) expect(record.mmOnCritic!).toBeGreaterThan(0);
    }
    expect(studentConfig(t.config).dModel).toBe(8);
    t.dispose();
    tt.dispose();
  });
});
