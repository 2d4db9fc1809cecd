// The transformer: forward against a float64 reimplementation of the GPT-2 block written
// here, the causal mask, decodeStep with the KV cache against forward, parameter counts
// against a hand formula, and the default student's size against the teachers'.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine/rng';
import { Transformer, countParameters, dense, gelu as geluTensor, type ModelConfig } from '../src/engine/model/transformer';
import { DEFAULT_STUDENT, TEACHER_SIZES, modelConfig } from '../src/engine/model/sizes';
import { TASK_IDS } from '../src/engine/tasks';
import { VOCAB_SIZE } from '../src/engine/tasks/vocab';
import { randomTokens, randomTransformer, readParams, tinyConfig } from './support/models';

// ---- float64 reference (Radford et al. 2019, GPT-2: pre-norm blocks, tanh GELU) ----
type Params = Map<string, number[]>;
type Vec = number[];

function matVec(x: Vec, w: number[], b: number[] | null, din: number, dout: number): Vec {
  const y = new Array(dout).fill(0);
  for (let j = 0; j < dout; j++) {
    let s = b ? b[j] : 0;
    for (let i = 0; i < din; i++) s += x[i] * w[i * dout + j];
    y[j] = s;
  }
  return y;
}
function layerNorm(x: Vec, g: number[], b: number[]): Vec {
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * g[i] + b[i]);
}
const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** Logits [T][V] for one sequence. */
function referenceForward(P: Params, c: ModelConfig, tokens: number[]): number[][] {
  const d = c.dModel;
  const H = c.nHeads;
  const dh = d / H;
  const get = (n: string) => P.get(n)!;
  let x = tokens.map((tok, t) => Array.from({ length: d }, (_, i) => get('tok_emb')[tok * d + i] + get('pos_emb')[t * d + i]));
  for (let l = 0; l < c.nLayers; l++) {
    const p = (n: string) => get(`h${l}.${n}`);
    const h = x.map((v) => layerNorm(v, p('ln1.g'), p('ln1.b')));
    const q = h.map((v) => matVec(v, p('attn.wq'), p('attn.bq'), d, d));
    const k = h.map((v) => matVec(v, p('attn.wk'), p('attn.bk'), d, d));
    const val = h.map((v) => matVec(v, p('attn.wv'), p('attn.bv'), d, d));
    const mixed = x.map((_, i) => {
      const out = new Array(d).fill(0);
      for (let head = 0; head < H; head++) {
        const cols = Array.from({ length: dh }, (_, j) => head * dh + j);
        // causal: position i sees positions 0..i
        const scores = Array.from({ length: i + 1 }, (_, j) => cols.reduce((s, col) => s + q[i][col] * k[j][col], 0) / Math.sqrt(dh));
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j <= i; j++) for (const col of cols) out[col] += (e[j] / z) * val[j][col];
      }
      return out;
    });
    x = x.map((v, i) => {
      const attn = matVec(mixed[i], p('attn.wo'), p('attn.bo'), d, d);
      return v.map((a, j) => a + attn[j]);
    });
    x = x.map((v) => {
      const hidden = matVec(layerNorm(v, p('ln2.g'), p('ln2.b')), p('mlp.w1'), p('mlp.b1'), d, 4 * d).map(gelu);
      const out = matVec(hidden, p('mlp.w2'), p('mlp.b2'), 4 * d, d);
      return v.map((a, j) => a + out[j]);
    });
  }
  return x.map((v) => matVec(layerNorm(v, get('ln_f.g'), get('ln_f.b')), get('head.w'), get('head.b'), d, c.vocabSize));
}

async function logitsOf(model: Transformer, tokens: Int32Array, B: number): Promise<Float32Array> {
  const x = tf.tensor2d(tokens, [B, model.config.seqLen], 'int32');
  const y = model.forward(x);
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return out;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const models: Transformer[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

describe('forward', () => {
  it('matches a float64 reimplementation of the transformer', async () => {
    for (const config of [tinyConfig({ seqLen: 6, dModel: 8, nLayers: 1, nHeads: 2 }), tinyConfig({ seqLen: 5, dModel: 12, nLayers: 2, nHeads: 3 })]) {
      const model = randomTransformer(config, 3, 0.4);
      models.push(model);
      const B = 2;
      const tokens = randomTokens(new Rng(1), B, config.seqLen);
      const got = await logitsOf(model, tokens, B);
      expect(got.length).toBe(B * config.seqLen * VOCAB_SIZE);
      const P = await readParams(model);
      let spread = 0;
      for (let b = 0; b < B; b++) {
        const ref = referenceForward(P, config, Array.from(tokens.slice(b * config.seqLen, (b + 1) * config.seqLen)));
        ref.forEach((row, t) =>
          row.forEach((v, j) => {
            expect(Math.abs(got[(b * config.seqLen + t) * VOCAB_SIZE + j] - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v)));
            spread = Math.max(spread, Math.abs(v));
          }),
        );
      }
      expect(spread).toBeGreaterThan(1); // the weights are large enough for every part to matter
    }
  });

  it('is deterministic per seed: Transformer.init with the same seed gives the same logits', async () => {
    const config = tinyConfig();
    const a = Transformer.init(config, new Rng(4));
    const b = Transformer.init(config, new Rng(4));
    const c = Transformer.init(config, new Rng(5));
    models.push(a, b, c);
    const tokens = randomTokens(new Rng(2), 2, config.seqLen);
    const la = await logitsOf(a, tokens, 2);
    expect(maxAbs(la, await logitsOf(b, tokens, 2))).toBe(0);
    expect(maxAbs(la, await logitsOf(c, tokens, 2))).toBeGreaterThan(1e-4);
  });
});

describe('causal mask', () => {
  it('changing a later token never changes the logits at earlier positions', async () => {
    const config = tinyConfig({ seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2 });
    const model = randomTransformer(config, 7, 0.4);
    models.push(model);
    const T = config.seqLen;
    const V = config.vocabSize;
    const base = randomTokens(new Rng(3), 1, T);
    const before = await logitsOf(model, base, 1);
    for (const k of [1, 4, T - 1]) {
      const changed = Int32Array.from(base);
      changed[k] = base[k] === 10 ? 11 : 10;
      const after = await logitsOf(model, changed, 1);
      expect(maxAbs(before.slice(0, k * V), after.slice(0, k * V))).toBeLessThanOrEqual(1e-6);
      // ...while position k itself (which reads token k) does change: the test can fail.
      expect(maxAbs(before.slice(k * V, (k + 1) * V), after.slice(k * V, (k + 1) * V))).toBeGreaterThan(1e-3);
    }
  });
});

describe('decodeStep with the KV cache', () => {
  it('gives the same logits as forward at every position (within 1e-5)', async () => {
    for (const config of [tinyConfig({ seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2 }), tinyConfig({ seqLen: 6, dModel: 8, nLayers: 1, nHeads: 1 })]) {
      const model = randomTransformer(config, 11, 0.15);
      models.push(model);
      const B = 3;
      const T = config.seqLen;
      const V = config.vocabSize;
      const tokens = randomTokens(new Rng(5), B, T);
      const full = await logitsOf(model, tokens, B);
      const x = tf.tensor2d(tokens, [B, T], 'int32');
      let cache = model.emptyCache(B);
      let worst = 0;
      for (let t = 0; t < T; t++) {
        const column = tf.tidy(() => x.slice([0, t], [B, 1]).reshape([B])) as tf.Tensor1D;
        const step = model.decodeStep(column, t, cache);
        cache = step.cache;
        expect(step.logits.shape).toEqual([B, V]);
        const got = await step.logits.data();
        tf.dispose([column, step.logits]);
        for (let b = 0; b < B; b++) for (let j = 0; j < V; j++) worst = Math.max(worst, Math.abs(got[b * V + j] - full[(b * T + t) * V + j]));
      }
      tf.dispose([x, ...cache.keys, ...cache.values]);
      expect(worst).toBeLessThan(1e-5);
    }
  });
});

describe('gelu', () => {
  // The derivative of the tanh form, worked out by hand: with z = k(x + c·x³), k = √(2/π),
  // c = 0.044715, d/dx [½x(1 + tanh z)] = ½(1 + tanh z) + ½x(1 − tanh² z)·k(1 + 3c·x²).
  const k = Math.sqrt(2 / Math.PI);
  const dGelu = (x: number) => {
    const th = Math.tanh(k * (x + 0.044715 * x ** 3));
    return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * k * (1 + 3 * 0.044715 * x * x);
  };
  const xs = [-40, -12, -6, -3, -1.5, -0.7, -0.1, -1e-4, 0, 1e-4, 0.1, 0.7, 1.5, 3, 6, 12, 40];

  it('is the tanh-approximation GELU in value and gradient, within float32 rounding', async () => {
    const x = tf.tensor1d(xs);
    const y = geluTensor(x);
    const g = tf.grad((v: tf.Tensor) => geluTensor(v).sum())(x);
    const [got, grad] = [await y.data(), await g.data()];
    tf.dispose([x, y, g]);
    xs.forEach((v, i) => {
      expect(Number.isFinite(got[i])).toBe(true);
      expect(Math.abs(got[i] - gelu(v))).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(v)));
      expect(Math.abs(grad[i] - dGelu(v))).toBeLessThanOrEqual(2e-6);
    });
  });
});

describe('dense', () => {
  it('has the gradients of x·w + b (worked out in float64) under a tape, and the same value without one', async () => {
    const rng = new Rng(9);
    const [n, din, dout] = [5, 4, 3];
    const xv = Array.from(rng.normals(2 * n * din)); // x is [2, n, din]: the leading axes are flattened
    const wv = Array.from(rng.normals(din * dout));
    const bv = Array.from(rng.normals(dout));
    const rv = Array.from(rng.normals(2 * n * dout)); // loss = Σ r ⊙ dense(x)
    const [x, w, b, r] = [tf.tensor3d(xv, [2, n, din]), tf.tensor2d(wv, [din, dout]), tf.tensor1d(bv), tf.tensor3d(rv, [2, n, dout])];
    const { value, grads } = tf.valueAndGrads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => dense(xx, ww, bb).mul(r).sum())([x, w, b]);
    const plain = dense(x, w, b);
    const [gx, gw, gb, yPlain, loss] = await Promise.all([...grads, plain, value].map((t) => t.data()));
    tf.dispose([x, w, b, r, plain, value, ...grads]);
    const rows = 2 * n;
    let want = 0;
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < dout; j++) {
        let y = bv[j];
        for (let k = 0; k < din; k++) y += xv[i * din + k] * wv[k * dout + j];
        expect(Math.abs(yPlain[i * dout + j] - y)).toBeLessThan(1e-5);
        want += rv[i * dout + j] * y;
      }
    expect(Math.abs(loss[0] - want)).toBeLessThan(1e-4);
    for (let i = 0; i < rows; i++)
      for (let k = 0; k < din; k++) {
        let g = 0; // dL/dx = r · wᵀ
        for (let j = 0; j < dout; j++) g += rv[i * dout + j] * wv[k * dout + j];
        expect(Math.abs(gx[i * din + k] - g)).toBeLessThan(1e-5);
      }
    for (let k = 0; k < din; k++)
      for (let j = 0; j < dout; j++) {
        let g = 0; // dL/dw = xᵀ · r
        for (let i = 0; i < rows; i++) g += xv[i * din + k] * rv[i * dout + j];
        expect(Math.abs(gw[k * dout + j] - g)).toBeLessThan(1e-5);
      }
    for (let j = 0; j < dout; j++) {
      let g = 0;
      for (let i = 0; i < rows; i++) g += rv[i * dout + j];
      expect(Math.abs(gb[j] - g)).toBeLessThan(1e-5);
    }
  });
});

describe('parameter count', () => {
  // Per layer: ln1 (2d) + wq, wk, wv, wo (4d²) + their biases (4d) + ln2 (2d)
  //            + mlp w1, w2 (8d²) + b1 (4d) + b2 (d)  = 12d² + 13d.
  // Plus embeddings V·d + T·d, final norm 2d, head d·V + V.
  const formula = (V: number, T: number, d: number, L: number) => V * d + T * d + L * (12 * d * d + 13 * d) + 2 * d + d * V + V;

  it('matches the hand formula, and the variables hold exactly that many numbers', () => {
    for (const config of [tinyConfig(), tinyConfig({ dModel: 8, nLayers: 3, nHeads: 4, seqLen: 5 })]) {
      const { vocabSize: V, seqLen: T, dModel: d, nLayers: L } = config;
      expect(countParameters(config)).toBe(formula(V, T, d, L));
      const model = Transformer.init(config, new Rng(1));
      models.push(model);
      expect(model.parameterCount()).toBe(formula(V, T, d, L));
      expect(model.variables().reduce((n, v) => n + v.size, 0)).toBe(formula(V, T, d, L));
    }
    // The addition teacher (V 44, T 16, d 64, 3 layers), by hand:
    // 2816 + 1024 + 3·(49152 + 832) + 128 + 2816 + 44 = 156,780.
    expect(countParameters(modelConfig('addition', { dModel: 64, nLayers: 3, nHeads: 4 }))).toBe(156_780);
  });

  it('the default student has at most an eighth of the teacher’s parameters on every task', () => {
    for (const task of TASK_IDS) {
      const teacher = countParameters(modelConfig(task, TEACHER_SIZES[task]));
      const student = countParameters(modelConfig(task, DEFAULT_STUDENT));
      expect(student * 8).toBeLessThanOrEqual(teacher);
    }
  });

  it('rejects configurations whose width does not split into the heads', () => {
    expect(() => Transformer.init(tinyConfig({ dModel: 10, nHeads: 4 }), new Rng(1))).toThrow(/not divisible/);
  });
});
