// On-policy distillation: the dense loss and the sampled-token policy gradient against float64
// arithmetic (value: the mean of log q − log p over the sampled tokens; gradient: −A_t·∇log q
// with A_t the discounted future sum of −(log q − log p)), and the method's step on the
// student's own samples.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { opdDenseLoss, opdSampledLoss } from '../src/engine/objectives/opd';
import { Rng } from '../src/engine/rng';
import { createMethod } from '../src/engine/methods/registry';
import { sampleTensors } from '../src/engine/model/sampling';
import { encodePrompts } from '../src/engine/data';
import { expectClose, expectNoTensorLeak } from './support/expectations';
import { kl64, logSoftmax64, makeContext, sharpModel } from './helpers/methodContext';

expectNoTensorLeak();

const [B, T, V] = [2, 4, 5];
const teacherValues = Array.from(new Rng(7).normals(B * T * V, 2));
const studentValues = Array.from(new Rng(8).normals(B * T * V, 2));
const targets = [1, 4, 0, 2, 3, 3, 1, 0];
const mask = [0, 1, 1, 1, 1, 1, 0, 0]; // row 0: positions 1–3; row 1: positions 0–1
const row = (x: number[], i: number) => x.slice(i * V, (i + 1) * V);

function tensors() {
  return {
    teacherLogits: tf.tensor3d(teacherValues, [B, T, V]),
    studentLogits: tf.tensor3d(studentValues, [B, T, V]),
    targets: tf.tensor2d(targets, [B, T], 'int32'),
    mask: tf.tensor2d(mask, [B, T]),
  };
}

/** k_t = log q(y_t) − log p(y_t) at every position (float64). */
const k64 = Array.from({ length: B * T }, (_, i) => logSoftmax64(row(studentValues, i))[targets[i]] - logSoftmax64(row(teacherValues, i))[targets[i]]);
const n = mask.reduce((a, b) => a + b, 0);

describe('opdDenseLoss', () => {
  it('is the mean reverse KL over valid positions, in float64', async () => {
    const x = tensors();
    const loss = opdDenseLoss(x);
    let sum = 0;
    for (let i = 0; i < B * T; i++) if (mask[i]) sum += kl64(logSoftmax64(row(studentValues, i)), logSoftmax64(row(teacherValues, i)));
    expectClose((await loss.data())[0], sum / n, 1e-5, 1e-6);
    tf.dispose([loss, ...Object.values(x)]);
  });
});

describe('opdSampledLoss', () => {
  it('reports the mean sampled per-token reverse KL, mean_t (log q − log p)', async () => {
    for (const gamma of [0, 0.5]) {
      const x = tensors();
      const loss = opdSampledLoss({ ...x, gamma });
      const want = k64.reduce((s, k, i) => s + (mask[i] ? k : 0), 0) / n;
      expectClose((await loss.data())[0], want, 1e-5, 1e-6);
      tf.dispose([loss, ...Object.values(x)]);
    }
  });

  it('has the policy-gradient gradient −(1/N)·A_t·(onehot(y_t) − q_t), A_t = −Σ_{t′≥t} γ^(t′−t)·k_t′ over valid t′', async () => {
    for (const gamma of [0, 0.5]) {
      const x = tensors();
      const g = tf.grad((z: tf.Tensor) => opdSampledLoss({ ...x, studentLogits: z as tf.Tensor3D, gamma }))(x.studentLogits);
      const got = await g.data();
      tf.dispose([g, ...Object.values(x)]);
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          const i = b * T + t;
          let A = 0;
          for (let u = t; u < T; u++) if (mask[b * T + u]) A -= gamma ** (u - t) * k64[b * T + u];
          const q = logSoftmax64(row(studentValues, i)).map(Math.exp);
          for (let v = 0; v < V; v++) {
            const want = mask[i] ? (-A * ((v === targets[i] ? 1 : 0) - q[v])) / n : 0;
            expectClose(got[i * V + v], want, 1e-4, 1e-6);
          }
        }
    }
  });

  it('refuses a discount outside [0, 1]', () => {
    const x = tensors();
    expect(() => opdSampledLoss({ ...x, gamma: 1.5 })).toThrow(/gamma must be in \[0, 1\]/);
    tf.dispose(Object.values(x));
  });
});

describe('on-policy distillation step', () => {
  it('learns from the student’s own samples, drawn from the step’s sampling stream, with the loss of its form', async () => {
    const teacher = sharpModel(1);
    const student = sharpModel(2, 16, 10);
    for (const variant of ['sampled', 'dense'] as const) {
      const ctx = makeContext('opd', { teacher, student }, { hyper: { variant, sampleTemperature: 1 }, sampleRng: new Rng(31) });
      const runtime = createMethod('opd', { hyper: ctx.hyper, settings: ctx.settings, studentConfig: student.config, initRng: new Rng(3) });
      const plan = runtime.prepare(ctx);
      expect(plan.source).toBe('student');
      // The same draw from the same stream, by the sampler itself.
      const own = sampleTensors(
        student,
        encodePrompts(
          ctx.examples.map((e) => e.prompt),
          student.config.seqLen,
        ),
        { temperature: 1, rng: new Rng(31) },
      );
      expect(Array.from(await plan.batch!.tokens.data())).toEqual(Array.from(await own.tokens.data()));
      const loss = tf.tidy(() => plan.loss());
      const value = (await loss.data())[0];
      const direct = tf.tidy(() => {
        const args = { studentLogits: student.forward(own.tokens), teacherLogits: teacher.forward(own.tokens), targets: plan.batch!.targets, mask: own.mask };
        return variant === 'dense' ? opdDenseLoss(args) : opdSampledLoss({ ...args, gamma: 0 });
      });
      expectClose(value, (await direct.data())[0], 1e-6, 1e-7);
      tf.dispose([loss, direct, own.tokens, own.mask]);
      plan.dispose();
      runtime.dispose();
    }
    teacher.dispose();
    student.dispose();
  });
});
