// Every fused WebGPU kernel against the cpu backend: the same inputs give the same values and the
// same gradients (of Σ out·w for a fixed random w, with respect to every differentiable input)
// within 1e-4, the tolerance of the WebGPU parity test. The reference is the unfused composition
// of tfjs ops that the cpu and wasm backends run (the engine's own functions where they are
// exported). Runs in Node on Dawn + SwiftShader and never skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine/rng';
import { fusedLayerNorm } from '../src/engine/webgpu/layerNorm';
import { fusedSelfAttention } from '../src/engine/webgpu/attention';
import { momentGap, tokenDivergence, type DivergenceKind } from '../src/engine/objectives/divergences';
import { dense, gelu } from '../src/engine/model/layers';
import { fusedEmbed } from '../src/engine/webgpu/embed';
import { sampleTensors } from '../src/engine/model/sampling';
import { encodePrompts } from '../src/engine/data';
import type { Transformer } from '../src/engine/model/transformer';
import { randomTransformer, tinyConfig } from './support/models';
import { FlatAdam } from '../src/engine/flatAdam';
import { maxAbsDiff, startWebGpu, stopWebGpu } from './support/webgpu';

const TOLERANCE = 1e-4;

interface Input {
  name: string;
  shape: number[];
  values: Float32Array;
  /** Differentiate with respect to it. */
  grad: boolean;
}

interface Case {
  name: string;
  inputs: Input[];
  /** The cpu/wasm composition. */
  reference: (x: tf.Tensor[]) => tf.Tensor;
  /** The fused kernel. */
  fused: (x: tf.Tensor[]) => tf.Tensor;
}

interface Result {
  value: Float32Array;
  grads: Float32Array[];
}

const rng = new Rng(99);
const input = (name: string, shape: number[], std = 1, mean = 0, grad = true): Input => {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = rng.normals(n, std);
  for (let i = 0; i < n; i++) values[i] += mean;
  return { name, shape, values, grad };
};

/** Value and gradients of one case on the current backend. */
async function evaluate(c: Case, f: (x: tf.Tensor[]) => tf.Tensor, weights: Float32Array): Promise<Result> {
  const xs = c.inputs.map((i) => tf.tensor(i.values, i.shape));
  const value = f(xs);
  const w = tf.tensor(weights, value.shape);
  const which = c.inputs.map((i, k) => (i.grad ? k : -1)).filter((k) => k >= 0);
  const grads = !which.length
    ? []
    : tf.grads((...vars: tf.Tensor[]) => {
        const all = xs.map((x, k) => (which.includes(k) ? vars[which.indexOf(k)] : x));
        return f(all).mul(w).sum();
      })(which.map((k) => xs[k]));
  const out = { value: (await value.data()) as Float32Array, grads: [] as Float32Array[] };
  for (const g of grads) out.grads.push((await g.data()) as Float32Array);
  tf.dispose([...xs, value, w, ...grads]);
  return out;
}

function weightsFor(c: Case): Float32Array {
  const shape = tf.tidy(() => c.reference(c.inputs.map((i) => tf.tensor(i.values, i.shape))).shape);
  return new Rng(7).normals(
    shape.reduce((a, b) => a * b, 1),
    1,
  );
}

// ---- references: the unfused compositions ----

function layerNormReference([x, g, b]: tf.Tensor[]): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x
    .sub(mean)
    .mul(tf.rsqrt(variance.add(1e-5)))
    .mul(g)
    .add(b);
}

function attentionReference(H: number) {
  return ([qkv]: tf.Tensor[]): tf.Tensor => {
    const [B, T, three] = qkv.shape;
    const d = three / 3;
    const heads = (part: number) =>
      qkv
        .slice([0, 0, part * d], [B, T, d])
        .reshape([B, T, H, d / H])
        .transpose([0, 2, 1, 3]);
    const bias = tf.linalg
      .bandPart(tf.ones([T, T]), -1, 0)
      .sub(1)
      .mul(1e9);
    const scores = heads(0)
      .matMul(heads(1), false, true)
      .mul(1 / Math.sqrt(d / H))
      .add(bias);
    return tf.softmax(scores).matMul(heads(2)).transpose([0, 2, 1, 3]).reshape([B, T, d]);
  };
}

/** tokenDivergence itself on both backends: on webgpu it runs the fused kernel. */
function divergenceCase(kind: DivergenceKind, opts: { beta?: number; alpha?: number; temperature?: number } = {}): Case {
  const f = ([t, s]: tf.Tensor[]) => tokenDivergence(kind, t as tf.Tensor3D, s as tf.Tensor3D, opts);
  return {
    name: `tokenDivergence ${kind} ${JSON.stringify(opts)} [3, 4, 11]`,
    inputs: [input('teacher', [3, 4, 11], 2), input('student', [3, 4, 11], 2)],
    reference: f,
    fused: f,
  };
}

const DIVERGENCES: Case[] = [
  divergenceCase('fkl'),
  divergenceCase('rkl'),
  divergenceCase('tvd'),
  divergenceCase('jsd', { beta: 0.3 }),
  divergenceCase('jsd', { beta: 0 }),
  divergenceCase('jsd', { beta: 1 }),
  divergenceCase('skl', { alpha: 0.1 }),
  divergenceCase('srkl', { alpha: 0.25 }),
  divergenceCase('jsd', { beta: 0.5, temperature: 2 }),
  divergenceCase('fkl', { temperature: 0.5 }),
];

/** GELU's reference: layers.ts's composition (what cpu and wasm run). */
function geluReference([x]: tf.Tensor[]): tf.Tensor {
  const k = 2 * Math.sqrt(2 / Math.PI);
  return x.mul(
    tf.sigmoid(
      x
        .square()
        .mul(0.044715 * k)
        .add(k)
        .mul(x),
    ),
  );
}

const tokenIds = (shape: number[], V: number) => {
  const r = new Rng(5);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.floor(r.next() * V));
};

const CASES: Case[] = [
  ...DIVERGENCES,
  {
    name: 'GELU [4, 9]',
    inputs: [input('x', [4, 9], 2)],
    reference: geluReference,
    fused: ([x]) => gelu(x),
  },
  {
    name: 'dense (fused product and bias) [2, 3, 7] · [7, 5]',
    inputs: [input('x', [2, 3, 7]), input('w', [7, 5]), input('b', [5])],
    reference: ([x, w, b]) => x.reshape([-1, 7]).matMul(w).add(b).reshape([2, 3, 5]),
    fused: ([x, w, b]) => dense(x, w, b),
  },
  {
    name: 'token and position embedding (decoding) [3, 4] tokens',
    inputs: [
      { name: 'tokens', shape: [3, 4], values: tokenIds([3, 4], 6), grad: false },
      input('table', [6, 5], 1, 0, false),
      input('positions', [7, 5], 1, 0, false),
    ],
    // Columns 1 and 2 of each row at positions 3 and 4.
    reference: ([tk, table, pos]) =>
      tf
        .oneHot(tk.slice([0, 1], [3, 2]).reshape([-1]).toInt(), 6)
        .toFloat()
        .matMul(table)
        .reshape([3, 2, 5])
        .add(pos.slice([3, 0], [2, 5]))
        .reshape([6, 5]),
    fused: ([tk, table, pos]) => fusedEmbed(tk.toInt(), table, pos, { n: 2, col: 1, pos: 3 }),
  },
  {
    name: 'momentGap (temperature 1.5) [3, 4, 11]',
    inputs: [input('teacher', [3, 4, 11], 2), input('student', [3, 4, 11], 2), input('critic', [3, 4, 11], 0.7)],
    reference: ([t, s, c]) => momentGap(t as tf.Tensor3D, s as tf.Tensor3D, c as tf.Tensor3D, { temperature: 1.5 }),
    fused: ([t, s, c]) => momentGap(t as tf.Tensor3D, s as tf.Tensor3D, c as tf.Tensor3D, { temperature: 1.5 }),
  },
  {
    name: 'layer norm [2, 5, 12]',
    inputs: [input('x', [2, 5, 12], 2, 0.5), input('g', [12], 0.3, 1), input('b', [12], 0.3)],
    reference: layerNormReference,
    fused: ([x, g, b]) => fusedLayerNorm(x, g, b),
  },
  {
    name: 'causal self-attention [2, 6, 3·8], 2 heads',
    inputs: [input('qkv', [2, 6, 24], 1)],
    reference: attentionReference(2),
    fused: ([qkv]) => fusedSelfAttention(qkv as tf.Tensor3D, 2),
  },
];

// Sampling: the fused decoder and sampler draw what the cpu draws, from the same noise.
const SAMPLING = [
  { name: 'temperature 0.7, with the logits', temperature: 0.7, mix: false, keepLogits: true },
  { name: 'greedy', temperature: 0, mix: false, keepLogits: false },
  { name: 'teacher-mixed (weight 0.3)', temperature: 1, mix: true, keepLogits: true },
];
const samplingConfig = tinyConfig({ seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2 });
const PROMPTS = ['', 'ab', '12+', 'xy>', 'a', 'the '];

interface Sampled {
  tokens: Int32Array;
  mask: Float32Array;
  logits: Float32Array | null;
  mixLogits: Float32Array | null;
}

async function sampleAll(model: Transformer, mixModel: Transformer): Promise<Sampled[]> {
  const out: Sampled[] = [];
  for (const c of SAMPLING) {
    const s = sampleTensors(model, encodePrompts(PROMPTS, samplingConfig.seqLen), {
      temperature: c.temperature,
      rng: new Rng(31),
      mix: c.mix ? { model: mixModel, weight: 0.3 } : undefined,
      keepLogits: c.keepLogits,
    });
    out.push({
      tokens: Int32Array.from(await s.tokens.data()),
      mask: Float32Array.from(await s.mask.data()),
      logits: s.logits ? ((await s.logits.data()) as Float32Array) : null,
      mixLogits: s.mixLogits ? ((await s.mixLogits.data()) as Float32Array) : null,
    });
    tf.dispose([s.tokens, s.mask, ...(s.logits ? [s.logits] : []), ...(s.mixLogits ? [s.mixLogits] : [])]);
  }
  return out;
}

async function sampledOn(): Promise<Sampled[]> {
  const model = randomTransformer(samplingConfig, 11);
  const mixModel = randomTransformer(samplingConfig, 12);
  try {
    return await sampleAll(model, mixModel);
  } finally {
    model.dispose();
    mixModel.dispose();
  }
}

// FlatAdam: the trainer's clipped step (clip factor from the norm on the CPU, as the cpu path
// does) against the guarded fused step, and a plain apply with a fixed factor, over four steps
// (the third without a gradient for b, the second clipped). On webgpu a refused (NaN) step and
// the finite step queued after it change nothing, and once resumed the run continues as if
// they had never been taken.
const ADAM_STEPS = [0.3, 4, 0.2, 0.5].map((std, k) => ({
  a: new Rng(40 + k).normals(12, std),
  b: k === 2 ? null : new Rng(50 + k).normals(5, std),
}));

interface AdamRun {
  clipped: Float32Array[];
  norms: number[];
  plain: Float32Array[];
  refused: number[];
  unchangedWhileRefused: boolean;
}

async function adamRun(): Promise<AdamRun> {
  const vars = (tag: string) => [
    tf.variable(tf.tensor(new Rng(60).normals(12, 1), [3, 4]), true, `adam-${tag}-a-${tf.getBackend()}`),
    tf.variable(tf.tensor(new Rng(61).normals(5, 1), [5]), true, `adam-${tag}-b-${tf.getBackend()}`),
  ];
  const clippedVars = vars('clipped');
  const plainVars = vars('plain');
  const clipped = new FlatAdam(clippedVars, 0.01, 0.9, 0.98);
  const plain = new FlatAdam(plainVars, 0.02, 0.9, 0.98);
  const norms: number[] = [];
  const refused: number[] = [];
  let unchangedWhileRefused = true;
  const gradsOf = (k: number, v: tf.Variable[]) => {
    const g: tf.NamedTensorMap = { [v[0].name]: tf.tensor(ADAM_STEPS[k].a, [3, 4]) };
    if (ADAM_STEPS[k].b) g[v[1].name] = tf.tensor(ADAM_STEPS[k].b!, [5]);
    return g;
  };
  const read = async (v: tf.Variable[]) => Float32Array.from([...(await v[0].data()), ...(await v[1].data())]);
  for (let k = 0; k < ADAM_STEPS.length; k++) {
    const g = gradsOf(k, clippedVars);
    const flat = clipped.flatten(g);
    if (clipped.fused) {
      if (k === 3) {
        // A NaN loss, then a finite step queued behind it: both refused, nothing moves.
        const before = await read(clippedVars);
        for (const loss of [NaN, 1]) {
          const l = tf.scalar(loss);
          const zero = tf.scalar(0);
          const r = clipped.guardedStep(flat, l, zero, 1);
          refused.push((await r.data())[2]);
          tf.dispose([l, zero, r]);
        }
        unchangedWhileRefused = maxAbsDiff(before, await read(clippedVars)) === 0;
        clipped.resumeAfterRefusal(2);
      }
      const l = tf.scalar(1);
      const zero = tf.scalar(0);
      const r = clipped.guardedStep(flat, l, zero, 1);
      const values = await r.data();
      norms.push(values[1]);
      tf.dispose([l, zero, r]);
    } else {
      const norm = (await flat.square().sum().sqrt().data())[0];
      norms.push(norm);
      clipped.apply(flat, norm > 1 ? 1 / norm : 1);
    }
    const pg = gradsOf(k, plainVars);
    const pflat = plain.flatten(pg);
    const factor = tf.scalar(0.5);
    plain.apply(pflat, factor);
    tf.dispose([flat, pflat, factor, ...Object.values(g), ...Object.values(pg)]);
  }
  const out = { clipped: [await read(clippedVars)], norms, plain: [await read(plainVars)], refused, unchangedWhileRefused };
  clipped.dispose();
  plain.dispose();
  tf.dispose([...clippedVars, ...plainVars]);
  return out;
}

const cpu = new Map<string, Result>();
const gpu = new Map<string, Result>();
let cpuAdam: AdamRun;
let gpuAdam: AdamRun;
let cpuSamples: Sampled[] = [];
let gpuSamples: Sampled[] = [];
let setupError: Error | null = null;

beforeAll(async () => {
  try {
    expect(tf.getBackend()).toBe('cpu');
    const weights = new Map(CASES.map((c) => [c.name, weightsFor(c)]));
    for (const c of CASES) cpu.set(c.name, await evaluate(c, c.reference, weights.get(c.name)!));
    cpuSamples = await sampledOn();
    cpuAdam = await adamRun();
    await startWebGpu();
    gpuAdam = await adamRun();
    for (const c of CASES) gpu.set(c.name, await evaluate(c, c.fused, weights.get(c.name)!));
    gpuSamples = await sampledOn();
  } catch (e) {
    setupError = e as Error;
  }
}, 600_000);

afterAll(stopWebGpu);

describe('fused WebGPU kernels match the cpu backend', () => {
  for (const c of CASES) {
    it(`${c.name}: values and gradients within 1e-4`, () => {
      if (setupError) throw setupError;
      const a = cpu.get(c.name)!;
      const b = gpu.get(c.name)!;
      const scale = maxAbsDiff(a.value, new Float32Array(a.value.length));
      expect(scale).toBeGreaterThan(0.1); // not all zeros, so the comparison means something
      expect(maxAbsDiff(a.value, b.value)).toBeLessThan(TOLERANCE);
      expect(b.grads.length).toBe(c.inputs.filter((i) => i.grad).length);
      a.grads.forEach((g, k) => {
        // not all zeros, so the comparison means something
        expect(maxAbsDiff(g, new Float32Array(g.length)), `gradient ${k}`).toBeGreaterThan(1e-3);
        expect(maxAbsDiff(g, b.grads[k]), `gradient ${k}`).toBeLessThan(TOLERANCE);
      });
    });
  }
});

describe('fused WebGPU sampling matches the cpu backend', () => {
  SAMPLING.forEach((c, k) => {
    it(`${c.name}: the same tokens and mask, logits within 1e-4`, () => {
      if (setupError) throw setupError;
      const a = cpuSamples[k];
      const b = gpuSamples[k];
      expect(Array.from(b.tokens)).toEqual(Array.from(a.tokens));
      expect(Array.from(b.mask)).toEqual(Array.from(a.mask));
      expect(a.mask.reduce((x, y) => x + y, 0)).toBeGreaterThan(5); // something was generated
      if (c.keepLogits) {
        expect(maxAbsDiff(a.logits!, b.logits!)).toBeLessThan(TOLERANCE);
        if (c.mix) expect(maxAbsDiff(a.mixLogits!, b.mixLogits!)).toBeLessThan(TOLERANCE);
      }
    });
  });
  it('the three settings draw different continuations (the cases are not trivially equal)', () => {
    if (setupError) throw setupError;
    expect(Array.from(cpuSamples[0].tokens)).not.toEqual(Array.from(cpuSamples[1].tokens));
    expect(Array.from(cpuSamples[0].tokens)).not.toEqual(Array.from(cpuSamples[2].tokens));
  });
});

describe('the fused FlatAdam step matches the cpu backend', () => {
  it('clipped (guarded) and plain steps give the same weights and norms within 1e-4', () => {
    if (setupError) throw setupError;
    expect(cpuAdam.norms[1]).toBeGreaterThan(1); // the second step is clipped
    expect(maxAbsDiff(cpuAdam.norms, gpuAdam.norms)).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(cpuAdam.clipped[0], gpuAdam.clipped[0])).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(cpuAdam.plain[0], gpuAdam.plain[0])).toBeLessThan(TOLERANCE);
  });
  it('a refused step and the one queued after it change nothing; the resumed run goes on as if they never were', () => {
    if (setupError) throw setupError;
    expect(gpuAdam.refused).toEqual([0, 0]);
    expect(gpuAdam.unchangedWhileRefused).toBe(true);
    // The clipped comparison above includes the step after the resume.
  });
});
