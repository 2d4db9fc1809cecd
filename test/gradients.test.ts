// tf.grad of every student loss through a tiny Transformer against central finite differences
// (float32) on randomly chosen parameter entries. Losses with stop-gradients (MiniLLM, AMMD's
// policy-gradient term) are surrogates: their finite differences are taken of the surrogate with
// the stopped quantities frozen at the current parameters, computed here in float64.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Transformer, type ModelConfig } from '../src/engine/model/transformer';
import { maskedMean } from '../src/engine/objectives/likelihood';
import { tokenDivergence, type DivergenceKind, type DivergenceOptions } from '../src/engine/objectives/divergences';
import { discountedReturns, minillmLoss } from '../src/engine/objectives/minillm';
import { Critic } from '../src/engine/objectives/critic';
import { studentLoss, type AmmdBatch } from '../src/engine/objectives/ammd';
import { RewardHead, xkdLoss } from '../src/engine/objectives/xkd';
import { Rng } from '../src/engine/rng';

const B = 3;
const T = 6;
const V = 10;
const CONFIG: ModelConfig = { vocabSize: V, seqLen: T, dModel: 8, nLayers: 1, nHeads: 2 };
const H = 3e-3; // finite-difference step: float32 loss noise ~1e-7·|L|/H against O(H²) truncation
const REL = 1e-2;

let tensorsBefore = 0;
let student: Transformer;
let tokens: tf.Tensor2D;
let offTokens: tf.Tensor2D;
let targets: tf.Tensor2D;
let mask: tf.Tensor2D;
let teacherLogits: tf.Tensor3D;
let offTeacherLogits: tf.Tensor3D;
let tokenRows: number[][];

function randomTokens(rng: Rng): number[][] {
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t === 0 ? 1 : t === 1 ? 3 + b : rng.int(3, V - 1))));
}

beforeAll(async () => {
  tensorsBefore = tf.memory().numTensors;
  const rng = new Rng(2024);
  student = Transformer.init(CONFIG, rng);
  // GPT-2's std 0.02 leaves the logits almost flat; larger weights make every term matter.
  for (const [name, v] of student.params) {
    if (name.includes('emb') || name.endsWith('.w') || /w[qkvo12]$/.test(name)) {
      const scaled = tf.tidy(() => v.mul(20));
      v.assign(scaled);
      scaled.dispose();
    }
  }
  tokenRows = randomTokens(rng);
  tokens = tf.tensor2d(tokenRows, [B, T], 'int32');
  offTokens = tf.tensor2d(randomTokens(rng), [B, T], 'int32');
  targets = tf.tensor2d(
    tokenRows.map((row) => [...row.slice(1), 0]),
    [B, T],
    'int32',
  );
  mask = tf.tensor2d(Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t >= 1 && t < T - 1 - (b % 2) ? 1 : 0))));
  teacherLogits = tf.randomNormal([B, T, V], 0, 2, 'float32', 5) as tf.Tensor3D;
  offTeacherLogits = tf.randomNormal([B, T, V], 0, 2, 'float32', 6) as tf.Tensor3D;
});

afterAll(() => {
  student.dispose();
  tf.dispose([tokens, offTokens, targets, mask, teacherLogits, offTeacherLogits]);
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

async function read(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}
async function evalScalar(fn: () => tf.Scalar): Promise<number> {
  return (await read(tf.tidy(fn)))[0];
}

/** Parameter entries to check: `perVar` random entries of each named variable. */
function picks(vars: tf.Variable[], perVar: number, seed: number): { v: tf.Variable; i: number }[] {
  const rng = new Rng(seed);
  return vars.flatMap((v) => Array.from({ length: perVar }, () => ({ v, i: rng.int(0, v.size - 1) })));
}

/**
 * Compare tf's gradient of `loss` with central differences of `reference` (defaults to `loss`)
 * at the chosen entries. Returns the worst relative error for the report.
 */
async function checkGradients(loss: () => tf.Scalar, vars: tf.Variable[], reference: () => tf.Scalar = loss, perVar = 2, seed = 1): Promise<number> {
  const { value, grads } = tf.variableGrads(loss, vars);
  value.dispose();
  const gradValues = new Map<string, number[]>();
  for (const v of vars) gradValues.set(v.name, await read(grads[v.name] ?? tf.zerosLike(v)));
  let scale = 0;
  for (const g of gradValues.values()) for (const x of g) scale = Math.max(scale, Math.abs(x));
  expect(scale).toBeGreaterThan(1e-4); // the loss does depend on these parameters
  let worst = 0;
  for (const { v, i } of picks(vars, perVar, seed)) {
    const original = Float32Array.from(await v.data());
    const at = async (x: number) => {
      const values = Float32Array.from(original);
      values[i] = x;
      const t = tf.tensor(values, v.shape);
      v.assign(t);
      t.dispose();
      return evalScalar(reference);
    };
    const up = Math.fround(original[i] + H);
    const down = Math.fround(original[i] - H);
    const fd = ((await at(up)) - (await at(down))) / (up - down);
    const restore = tf.tensor(original, v.shape);
    v.assign(restore);
    restore.dispose();
    const ad = gradValues.get(v.name)![i];
    const err = Math.abs(fd - ad);
    // Relative tolerance, with a floor for entries whose gradient is tiny next to the largest.
    expect(err, `${v.name}[${i}]: autodiff ${ad}, finite difference ${fd}`).toBeLessThanOrEqual(REL * Math.abs(ad) + 2e-3 * scale);
    worst = Math.max(worst, err / Math.max(Math.abs(ad), 1e-3 * scale));
  }
  console.log(`worst relative error ${worst.toExponential(2)} over ${vars.length * perVar} entries`);
  return worst;
}

function studentVars(): tf.Variable[] {
  // wq, wk and wv: each attention product's gradient on both its operands (layers.ts batchedProduct).
  return ['tok_emb', 'h0.attn.wq', 'h0.attn.wk', 'h0.attn.wv', 'h0.mlp.w1', 'ln_f.g', 'head.w'].map((n) => student.p(n));
}

describe('token divergences through a tiny Transformer', () => {
  const cases: [DivergenceKind, DivergenceOptions][] = [
    ['fkl', {}],
    ['fkl', { temperature: 2 }],
    ['rkl', {}],
    ['jsd', { beta: 0.5 }],
    ['jsd', { beta: 0.1 }],
    ['skl', { alpha: 0.1 }],
    ['srkl', { alpha: 0.1 }],
    ['tvd', {}],
  ];
  cases.forEach(([kind, opts], k) => {
    it(`${kind} ${JSON.stringify(opts)}`, async () => {
      const loss = () => tf.tidy(() => maskedMean(tokenDivergence(kind, teacherLogits, student.forward(tokens), opts), mask));
      if (kind === 'tvd') {
        // |p − q| has a kink at ties; check that no probability pair is within reach of one
        // (a change of H in a parameter moves q by far less than this margin here).
        const margin = await evalScalar(() => {
          const p = tf.softmax(teacherLogits);
          const q = tf.softmax(student.forward(tokens));
          // invalid positions do not count: push them far away
          return p.sub(q).abs().add(tf.scalar(1).sub(mask).expandDims(-1)).min() as tf.Scalar;
        });
        console.log(`tvd: smallest |p − q| at valid positions ${margin}`);
        expect(margin).toBeGreaterThan(1e-3);
      }
      const worst = await checkGradients(loss, studentVars(), loss, 2, 10 + k);
      expect(worst).toBeLessThan(REL + 0.1);
    });
  });
});

describe('MiniLLM', () => {
  it('gradient equals that of the surrogate with weights and advantages frozen', async () => {
    const alpha = 0.2;
    const gamma = 0.95;
    const loss = () =>
      tf.tidy(() => minillmLoss({ studentLogits: student.forward(tokens), teacherLogits, targets, mask, mixAlpha: alpha, gamma, lengthNorm: true }).loss);
    // Frozen quantities at the current parameters, in float64.
    const sl = await read(student.forward(tokens));
    const tl = Array.from(await teacherLogits.data());
    const m = await read(mask.clone());
    const y = Array.from(await targets.data());
    const logSoftmaxAt = (arr: number[], b: number, t: number) => {
      const z = arr.slice((b * T + t) * V, (b * T + t + 1) * V);
      const mx = Math.max(...z);
      const lse = mx + Math.log(z.reduce((a, v) => a + Math.exp(v - mx), 0));
      return z.map((v) => v - lse);
    };
    const w: number[] = [];
    const rewards: number[][] = [];
    const maskRows: number[][] = [];
    for (let b = 0; b < B; b++) {
      rewards.push([]);
      maskRows.push([]);
      for (let t = 0; t < T; t++) {
        const lq = logSoftmaxAt(sl, b, t)[y[b * T + t]];
        const lp = logSoftmaxAt(tl, b, t)[y[b * T + t]];
        w.push(Math.exp(lq) / (alpha * Math.exp(lp) + (1 - alpha) * Math.exp(lq)));
        rewards[b].push(lp - lq);
        maskRows[b].push(m[b * T + t]);
      }
    }
    const R = discountedReturns(rewards, maskRows, gamma, true).flat();
    const n = m.reduce((a, v) => a + v, 0);
    const mean = R.reduce((a, v, i) => a + v * m[i], 0) / n;
    const variance = R.reduce((a, v, i) => a + (v - mean) ** 2 * m[i], 0) / n;
    const coef = R.map((v, i) => w[i] * ((v - mean) / Math.sqrt(variance + 1e-8)));
    const frozen = tf.tensor2d(coef, [B, T]);
    const surrogate = () =>
      tf.tidy(() => {
        const logits = student.forward(tokens);
        const logqY = tf.oneHot(targets, V).toFloat().mul(tf.logSoftmax(logits)).sum(-1);
        const pg = maskedMean(frozen.mul(logqY), mask).neg();
        return pg.add(maskedMean(tokenDivergence('rkl', teacherLogits, logits), mask)) as tf.Scalar;
      });
    // The surrogate has the loss's value too (a check of the frozen arithmetic).
    expect(Math.abs((await evalScalar(surrogate)) - (await evalScalar(loss)))).toBeLessThan(1e-4);
    await checkGradients(loss, studentVars(), surrogate, 2, 30);
    frozen.dispose();
  });
});

describe('AMMD studentLoss', () => {
  let critic: Critic;
  beforeAll(() => {
    critic = Critic.init(CONFIG, new Rng(77), 1);
    critic
      .variables()
      .slice(-4)
      .forEach((v, i) => {
        const draw = tf.randomNormal(v.shape, 0, 1, 'float32', 80 + i);
        v.assign(draw);
        draw.dispose();
      });
  });
  afterAll(() => critic.dispose());

  const batches = (): { on: AmmdBatch; off: AmmdBatch } => ({
    on: { tokens, mask, teacherLogits, studentLogits: student.forward(tokens) },
    off: { tokens: offTokens, mask, teacherLogits: offTeacherLogits, studentLogits: student.forward(offTokens) },
  });

  it('without the policy-gradient term: exact differentiation', async () => {
    const loss = () => tf.tidy(() => studentLoss({ critic, ...batches(), beta: 0.5, policyGradient: false, temperature: 1 }));
    await checkGradients(loss, studentVars(), loss, 2, 40);
  });

  it('with the policy-gradient term: the surrogate with advantages frozen', async () => {
    const beta = 0.5;
    const loss = () => tf.tidy(() => studentLoss({ critic, ...batches(), beta, policyGradient: true }));
    // Frozen advantages from the on-policy gaps at the current parameters (float64).
    const fOn = await read(critic.value(tokens, 'on'));
    const sl = await read(student.forward(tokens));
    const tl = Array.from(await teacherLogits.data());
    const m = await read(mask.clone());
    const softmaxAt = (arr: number[], b: number, t: number) => {
      const z = arr.slice((b * T + t) * V, (b * T + t + 1) * V);
      const mx = Math.max(...z);
      const e = z.map((v) => Math.exp(v - mx));
      const s = e.reduce((a, v) => a + v, 0);
      return e.map((v) => v / s);
    };
    const gap = (b: number, t: number) => {
      const p = softmaxAt(tl, b, t);
      const q = softmaxAt(sl, b, t);
      return p.reduce((a, pa, k) => a + (pa - q[k]) * fOn[(b * T + t) * V + k], 0);
    };
    const F = Array.from({ length: B }, (_, b) =>
      Array.from({ length: T }, (_, t) => {
        let s = 0;
        for (let u = t + 1; u < T; u++) s += gap(b, u) * m[b * T + u];
        return s;
      }),
    );
    const A: number[] = [];
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        let s = 0;
        let n = 0;
        for (let k = 0; k < B; k++)
          if (m[k * T + t]) {
            s += F[k][t];
            n++;
          }
        A.push(m[b * T + t] ? F[b][t] - s / n : 0);
      }
    const frozen = tf.tensor2d(A, [B, T]);
    const surrogate = () =>
      tf.tidy(() => {
        const exact = studentLoss({ critic, ...batches(), beta, policyGradient: false });
        const logqY = tf
          .oneHot(targets, V)
          .toFloat()
          .mul(tf.logSoftmax(student.forward(tokens)))
          .sum(-1);
        return exact.add(logqY.mul(frozen).mul(mask).sum(-1).mean().mul(beta)) as tf.Scalar;
      });
    expect(Math.abs((await evalScalar(surrogate)) - (await evalScalar(loss)))).toBeLessThan(1e-4);
    await checkGradients(loss, studentVars(), surrogate, 2, 41);
    frozen.dispose();
  });
});

describe('X-KD', () => {
  let head: RewardHead;
  beforeAll(() => {
    head = RewardHead.init(CONFIG.dModel, V, new Rng(90));
    const w = tf.randomNormal(head.w.shape, 0, 0.5, 'float32', 91);
    head.w.assign(w);
    w.dispose();
  });
  afterAll(() => head.dispose());

  for (const base of ['seq', 'divergence'] as const) {
    it(`xkdLoss (${base}) through the student and the reward head`, async () => {
      const loss = () =>
        tf.tidy(() => {
          const h = student.hidden(tokens);
          const { mu, logSigma } = head.gaussian(h);
          return xkdLoss({ studentLogits: student.head(h), teacherLogits, mu, logSigma, targets, mask, lambda: 1, gamma: 0.9, base, divergence: 'jsd' }).loss;
        });
      await checkGradients(loss, [...studentVars(), head.w], loss, 2, 50);
    });
  }
});
