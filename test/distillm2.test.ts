// DistiLLM-2: the stopped skew reverse KL (value of srkl, gradient of a fixed mixture) and the
// paired loss with per-sequence means against float64 arithmetic, and the method's step on a
// teacher and a student response to the same prompts.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { distillm2Loss, stoppedSkewReverseKl } from '../src/engine/objectives/distillm2';
import { tokenDivergence } from '../src/engine/objectives/divergences';
import { Rng } from '../src/engine/rng';
import { createMethod } from '../src/engine/methods/registry';
import { sampleTensors } from '../src/engine/model/sampling';
import { encodePrompts } from '../src/engine/data';
import { expectClose, expectNoTensorLeak } from './support/expectations';
import { kl64, logSoftmax64, makeContext, sharpModel } from './helpers/methodContext';

expectNoTensorLeak();

const [B, T, V] = [2, 4, 5];
const values = (seed: number) => Array.from(new Rng(seed).normals(B * T * V, 2));
const row = (x: number[], i: number) => x.slice(i * V, (i + 1) * V);
const logMix64 = (logP: number[], w: number, logQ: number[]) => logP.map((lp, v) => Math.log(w * Math.exp(lp) + (1 - w) * Math.exp(logQ[v])));

describe('stoppedSkewReverseKl', () => {
  const t = values(1);
  const s = values(2);

  it('has the value of KL(q ‖ (1 − α)p + αq) and the gradient of a fixed mixture, q_j·(r_j − Σ_v q_v r_v), r = log q − log m', async () => {
    const alpha = 0.1;
    const tl = tf.tensor3d(t, [B, T, V]);
    const x = tf.tensor3d(s, [B, T, V]);
    const value = stoppedSkewReverseKl(tl, x, alpha);
    const got = await value.data();
    const g = tf.grad((z: tf.Tensor) => stoppedSkewReverseKl(tl, z as tf.Tensor3D, alpha).sum())(x);
    const grad = await g.data();
    // DistiLLM's srkl lets the gradient through the mixture: a different gradient, the same value.
    const gFlow = tf.grad((z: tf.Tensor) => tokenDivergence('srkl', tl, z as tf.Tensor3D, { alpha }).sum())(x);
    const flow = await gFlow.data();
    tf.dispose([tl, x, value, g, gFlow]);
    let differs = 0;
    for (let i = 0; i < B * T; i++) {
      const lp = logSoftmax64(row(t, i));
      const lq = logSoftmax64(row(s, i));
      const lm = logMix64(lp, 1 - alpha, lq);
      const f = kl64(lq, lm);
      expectClose(got[i], f, 1e-4, 1e-6);
      for (let v = 0; v < V; v++) {
        const q = Math.exp(lq[v]);
        expectClose(grad[i * V + v], q * (lq[v] - lm[v] - f), 1e-4, 1e-6);
        differs = Math.max(differs, Math.abs(flow[i * V + v] - grad[i * V + v]));
      }
    }
    expect(differs).toBeGreaterThan(1e-3);
  });
});

describe('distillm2Loss', () => {
  it('is mean_b [(2 − β)·mean_t SKL(teacher response) + β·mean_t SRKL(student response)], per-sequence means', async () => {
    const [pT, qT, pS, qS] = [values(3), values(4), values(5), values(6)];
    // Sequences of different lengths, so per-sequence means differ from one mean over all tokens.
    const maskT = [0, 1, 1, 1, 1, 0, 0, 0];
    const maskS = [1, 1, 0, 0, 0, 1, 1, 1];
    const [a1, a2, beta] = [0.1, 0.2, 1.3];
    const make = (p: number[], q: number[], m: number[]) => ({
      teacherLogits: tf.tensor3d(p, [B, T, V]),
      studentLogits: tf.tensor3d(q, [B, T, V]),
      mask: tf.tensor2d(m, [B, T]),
    });
    const onTeacher = make(pT, qT, maskT);
    const onStudent = make(pS, qS, maskS);
    const out = distillm2Loss(onTeacher, onStudent, { alpha1: a1, alpha2: a2, beta });
    const [loss, skl, srkl] = [(await out.loss.data())[0], (await out.skl.data())[0], (await out.srkl.data())[0]];
    tf.dispose([out.loss, out.skl, out.srkl, ...Object.values(onTeacher), ...Object.values(onStudent)]);
    const perSequence = (p: number[], q: number[], m: number[], f: (lp: number[], lq: number[]) => number) => {
      let total = 0;
      for (let b = 0; b < B; b++) {
        let s = 0;
        let c = 0;
        for (let t = 0; t < T; t++)
          if (m[b * T + t]) {
            s += f(logSoftmax64(row(p, b * T + t)), logSoftmax64(row(q, b * T + t)));
            c++;
          }
        total += s / c;
      }
      return total / B;
    };
    const skl64 = perSequence(pT, qT, maskT, (lp, lq) => kl64(lp, logMix64(lp, a1, lq)));
    const srkl64 = perSequence(pS, qS, maskS, (lp, lq) => kl64(lq, logMix64(lp, 1 - a2, lq)));
    expectClose(skl, skl64, 1e-4, 1e-6);
    expectClose(srkl, srkl64, 1e-4, 1e-6);
    expectClose(loss, (2 - beta) * skl64 + beta * srkl64, 1e-4, 1e-6);
  });
});

describe('DistiLLM-2 step', () => {
  it('answers each prompt once by the teacher, then once by the student, from the step’s stream, and pairs them row by row', async () => {
    const teacher = sharpModel(1);
    const student = sharpModel(2, 16, 10);
    const ctx = makeContext('distillm2', { teacher, student }, { sampleRng: new Rng(5), hyper: { beta: 1.5 } });
    const runtime = createMethod('distillm2', { hyper: ctx.hyper, settings: ctx.settings, studentConfig: student.config, initRng: new Rng(3) });
    const plan = runtime.prepare(ctx);
    expect(plan.source).toBe('paired');
    const loss = tf.tidy(() => plan.loss());
    const value = (await loss.data())[0];
    // The same two draws, in the same order from the same stream, by the sampler itself.
    const rng = new Rng(5);
    const prompts = encodePrompts(
      ctx.examples.map((e) => e.prompt),
      student.config.seqLen,
    );
    const fromTeacher = sampleTensors(teacher, prompts, { temperature: 0.8, rng });
    const fromStudent = sampleTensors(student, prompts, { temperature: 0.8, rng });
    expect(Array.from(await plan.batch!.tokens.data())).toEqual(Array.from(await fromStudent.tokens.data()));
    const direct = tf.tidy(() => {
      const half = (x: { tokens: tf.Tensor2D; mask: tf.Tensor2D }) => ({
        teacherLogits: teacher.forward(x.tokens),
        studentLogits: student.forward(x.tokens),
        mask: x.mask,
      });
      const out = distillm2Loss(half(fromTeacher), half(fromStudent), { alpha1: 0.1, alpha2: 0.1, beta: 1.5 });
      return out.loss;
    });
    expectClose(value, (await direct.data())[0], 1e-5, 1e-6);
    tf.dispose([loss, direct, fromTeacher.tokens, fromTeacher.mask, fromStudent.tokens, fromStudent.mask]);
    plan.dispose();
    runtime.dispose();
    teacher.dispose();
    student.dispose();
  });
});
