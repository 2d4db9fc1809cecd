// SKD: the top-K acceptance rule on hand-made logits; the interleaved sampler's limits (K = V is
// the student's own sample, so SKD is on-policy distillation; K = 1 with a greedy teacher is the
// teacher's greedy decoding), its accept/replace codes checked against the teacher's ranks, and
// the acceptance rate the trainer records.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKD_STATUS, inTeacherTopK, sampleSpeculative } from '../src/engine/objectives/skd';
import { sampleTensors } from '../src/engine/model/sampling';
import { encodePrompts } from '../src/engine/data';
import { createMethod } from '../src/engine/methods/registry';
import { Rng } from '../src/engine/rng';
import { Trainer } from '../src/engine/trainer';
import { VOCAB_SIZE } from '../src/engine/tasks/vocab';
import type { Transformer } from '../src/engine/model/transformer';
import { expectClose, expectNoTensorLeak } from './support/expectations';
import { makeContext, sharpModel } from './helpers/methodContext';
import { tinyConfig, tinyTeacher } from './helpers/tinyRun';

expectNoTensorLeak();

describe('inTeacherTopK', () => {
  it('accepts a token whose rank (tokens with a strictly larger logit) is below K; ties go to the token', async () => {
    const logits = tf.tensor2d([3, 1, 2, 2, 0], [1, 5]);
    // ranks: token 0 → 0, tokens 2 and 3 → 1 (one larger), token 1 → 3, token 4 → 4.
    const cases: Array<[number, number, boolean]> = [
      [0, 1, true],
      [2, 1, false],
      [2, 2, true],
      [3, 2, true],
      [1, 3, false],
      [1, 4, true],
      [4, 4, false],
      [4, 5, true],
      [4, 50, true],
    ];
    for (const [token, k, accepted] of cases) {
      const tok = tf.tensor1d([token], 'int32');
      const got = inTeacherTopK(logits, tok, k);
      expect((await got.data())[0], `token ${token}, K ${k}`).toBe(accepted ? 1 : 0);
      tf.dispose([tok, got]);
    }
    const zero = tf.tensor1d([0], 'int32');
    expect(() => inTeacherTopK(logits, zero, 0)).toThrow(/positive integer/);
    tf.dispose([logits, zero]);
  });
});

let teacher: Transformer;
let student: Transformer;
// After the leak check's snapshot, and disposed before its final count.
beforeAll(() => {
  teacher = sharpModel(1);
  student = sharpModel(2, 16, 10);
});
afterAll(() => {
  teacher.dispose();
  student.dispose();
});
const prompts = encodePrompts(['12+3=', '7+45=', '9+9=', '31+'], 16); // the addition task's context (sharpModel's)

async function ints(x: tf.Tensor): Promise<number[]> {
  return Array.from(await x.data(), (v) => Math.round(v));
}

function dispose(s: ReturnType<typeof sampleSpeculative>) {
  tf.dispose([s.tokens, s.mask, s.status, s.proposals, ...(s.teacherLogits ? [s.teacherLogits] : [])]);
}

describe('sampleSpeculative', () => {
  it('with K = V accepts every proposal: the student’s own sample from the same stream', async () => {
    for (const tau of [0, 0.5, 1]) {
      const s = sampleSpeculative(student, teacher, prompts, { studentTemperature: tau, teacherTemperature: 0.2, topK: VOCAB_SIZE, rng: new Rng(9) });
      const own = sampleTensors(student, prompts, { temperature: tau, rng: new Rng(9) });
      expect(await ints(s.tokens)).toEqual(await ints(own.tokens));
      expect(await ints(s.mask)).toEqual(await ints(own.mask));
      const status = await ints(s.status);
      const mask = await ints(s.mask);
      status.forEach((c, i) => expect(c).toBe(mask[i] ? SKD_STATUS.accepted : SKD_STATUS.none));
      dispose(s);
      tf.dispose([own.tokens, own.mask]);
    }
  });

  it('with K = 1 and a greedy teacher is the teacher’s greedy decoding, whatever the student proposes', async () => {
    const s = sampleSpeculative(student, teacher, prompts, { studentTemperature: 1, teacherTemperature: 0, topK: 1, rng: new Rng(3) });
    const greedy = sampleTensors(teacher, prompts, { temperature: 0, rng: new Rng(3) });
    expect(await ints(s.tokens)).toEqual(await ints(greedy.tokens));
    dispose(s);
    tf.dispose([greedy.tokens, greedy.mask]);
  });

  it('keeps a proposal exactly when the teacher ranks it below K at that prefix, and marks it', async () => {
    const K = 3;
    const s = sampleSpeculative(student, teacher, prompts, { studentTemperature: 1, teacherTemperature: 1, topK: K, rng: new Rng(4), keepTeacherLogits: true });
    const T = teacher.config.seqLen;
    const V = teacher.config.vocabSize;
    const [tokens, mask, status, proposals] = await Promise.all([s.tokens, s.mask, s.status, s.proposals].map(ints));
    const forward = teacher.forward(s.tokens);
    const logits = await forward.data();
    const kept = await s.teacherLogits!.data();
    let replaced = 0;
    let accepted = 0;
    for (let b = 0; b < prompts.promptLens.length; b++)
      for (let t = 0; t + 1 < T; t++) {
        const i = b * T + t;
        if (!mask[i]) {
          expect(status[i]).toBe(SKD_STATUS.none);
          continue;
        }
        const z = logits.subarray(i * V, (i + 1) * V);
        for (let v = 0; v < V; v++) expectClose(kept[i * V + v], z[v], 1e-4, 1e-4); // the kept logits are the teacher's
        const rank = Array.from(z).filter((x) => x > z[proposals[i]]).length;
        if (rank < K) {
          expect(status[i]).toBe(SKD_STATUS.accepted);
          expect(tokens[i + 1]).toBe(proposals[i]);
          accepted++;
        } else {
          expect(status[i]).toBe(SKD_STATUS.replaced);
          replaced++;
        }
      }
    // This seed shows both outcomes (a test of the rule needs both).
    expect(accepted).toBeGreaterThan(0);
    expect(replaced).toBeGreaterThan(0);
    tf.dispose(forward);
    dispose(s);
  });
});

describe('SKD step', () => {
  it('with K = V is on-policy distillation: the same batch and loss as GKD with λ = 1 and the same divergence', async () => {
    const common = () => ({ sampleRng: new Rng(17), methodRng: new Rng(18) });
    const skdCtx = makeContext('skd', { teacher, student }, { ...common(), hyper: { topK: VOCAB_SIZE, sampleTemperature: 0.5, divergence: 'fkl' } });
    const gkdCtx = makeContext('gkd', { teacher, student }, { ...common(), hyper: { lambda: 1, sampleTemperature: 0.5, divergence: 'fkl' } });
    const losses: number[] = [];
    const tokens: number[][] = [];
    for (const [method, ctx] of [
      ['skd', skdCtx],
      ['gkd', gkdCtx],
    ] as const) {
      const runtime = createMethod(method, { hyper: ctx.hyper, settings: ctx.settings, studentConfig: student.config, initRng: new Rng(3) });
      const plan = runtime.prepare(ctx);
      expect(plan.source).toBe(method === 'skd' ? 'speculative' : 'student');
      tokens.push(await ints(plan.batch!.tokens));
      const loss = tf.tidy(() => plan.loss());
      losses.push((await loss.data())[0]);
      loss.dispose();
      plan.dispose();
      runtime.dispose();
    }
    expect(tokens[0]).toEqual(tokens[1]);
    expectClose(losses[0], losses[1], 1e-5, 1e-6);
  });

  it('records the acceptance rate since the last record: 1 with K = V, strictly between 0 and 1 with K = V/2', async () => {
    // The tiny teacher is nearly uniform, so about half of the proposals fall in its top V/2.
    for (const [topK, exact] of [
      [VOCAB_SIZE, true],
      [VOCAB_SIZE / 2, false],
    ] as const) {
      const trainer = await Trainer.create(tinyConfig('skd', { evalEvery: 3 }, { topK, sampleTemperature: 1 }), tinyTeacher(), { evalPrompts: 4 });
      expect((await trainer.evaluate()).skdAcceptance).toBeNull(); // no step yet
      let last = null;
      for (let i = 0; i < 3; i++) last = (await trainer.trainStep()).record ?? last;
      const rate = last!.skdAcceptance!;
      if (exact) expect(rate).toBe(1);
      else expect(rate > 0 && rate < 1).toBe(true);
      expect(last!.taidT).toBeNull();
      trainer.teacher.dispose();
      trainer.dispose();
    }
  });
});
