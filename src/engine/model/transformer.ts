// A tiny decoder-only transformer, GPT-2 style, with the maths in plain sight:
//   x = E[tokens] + P[positions]
//   for each block:  x = x + Attn(LN1(x));  x = x + MLP(LN2(x))
//   logits = LN_f(x) · W_head + b_head
// Token embeddings are a oneHot · matMul (not tf.gather) so the wasm backend can train them.
// On webgpu the same maths runs in fewer dispatches: layer norm and attention are fused kernels
// (../webgpu/), attention reads the three projections from one packed product.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';
import { uniqueVariableName } from './variableName';
import { countParameters, parameterSpecs, validateConfig, type ModelConfig } from './config';
import { dense, gelu, recordingGradients } from './layers';
import { onWebGpu } from '../webgpu/device';
import { fusedLayerNorm } from '../webgpu/layerNorm';
import { fusedSelfAttention } from '../webgpu/attention';

export { countParameters, parameterSpecs, validateConfig, type ModelConfig, dense, gelu };

/** Keys and values of every layer at every position, for decoding one token at a time. */
export interface KVCache {
  keys: tf.Tensor4D[]; // per layer [B, H, T, dh]
  values: tf.Tensor4D[];
}

export class Transformer {
  readonly config: ModelConfig;
  readonly params: Map<string, tf.Variable>;
  /** [T, T] additive mask: 0 where a position may attend, -1e9 above the diagonal. */
  private readonly causalBias: tf.Tensor2D;
  /** Per layer, Wq | Wk | Wv and their biases side by side, kept while the variables hold the same data. */
  private readonly packed = new Map<number, { sources: tf.DataId[]; w: tf.Tensor2D; b: tf.Tensor1D }>();

  constructor(config: ModelConfig, params: Map<string, tf.Variable>) {
    validateConfig(config);
    this.config = { ...config };
    this.params = params;
    const T = config.seqLen;
    this.causalBias = tf.tidy(() =>
      tf.linalg
        .bandPart(tf.ones([T, T]), -1, 0)
        .sub(1)
        .mul(1e9),
    ) as tf.Tensor2D;
  }

  /** A fresh model with weights drawn from `rng` (GPT-2 initialisation). */
  static init(config: ModelConfig, rng: Rng, trainable = true): Transformer {
    validateConfig(config);
    const residualStd = 0.02 / Math.sqrt(2 * config.nLayers);
    const params = new Map<string, tf.Variable>();
    for (const s of parameterSpecs(config)) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      let values: Float32Array;
      if (s.init === 'zeros') values = new Float32Array(n);
      else if (s.init === 'ones') values = new Float32Array(n).fill(1);
      else values = rng.normals(n, s.init === 'residual' ? residualStd : 0.02);
      const initial = tf.tensor(values, s.shape);
      params.set(s.name, tf.variable(initial, trainable, uniqueVariableName(s.name)));
      initial.dispose(); // the variable keeps its own reference to the data
    }
    return new Transformer(config, params);
  }

  p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`Transformer has no parameter '${name}'`);
    return v;
  }

  variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  parameterCount(): number {
    return countParameters(this.config);
  }

  /** tokens [B, T] int32 → logits [B, T, V]; logits[:, t] predict token t + 1. */
  forward(tokens: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => this.head(this.hidden(tokens)));
  }

  /** The final-norm hidden states [B, T, d], for models that put their own heads on the trunk. */
  hidden(tokens: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const [B, T] = tokens.shape;
      let x = this.embed(tokens, T);
      for (let l = 0; l < this.config.nLayers; l++) {
        const pre = `h${l}.`;
        if (onWebGpu()) {
          // The same block in 11 dispatches: LN, packed projection, attention, …
          const { w, b } = this.packedQkv(l);
          const qkv = dense(this.layerNorm(x, pre + 'ln1'), w, b) as tf.Tensor3D;
          x = x.add(dense(fusedSelfAttention(qkv, this.config.nHeads), this.p(pre + 'attn.wo'), this.p(pre + 'attn.bo')));
          x = x.add(this.mlp(this.layerNorm(x, pre + 'ln2'), pre));
          continue;
        }
        const { q, k, v } = this.qkv(this.layerNorm(x, pre + 'ln1'), pre, B, T);
        const bias = T === this.config.seqLen ? this.causalBias : this.causalBias.slice([0, 0], [T, T]);
        x = x.add(this.attend(q, k, v, bias, pre, B, T));
        x = x.add(this.mlp(this.layerNorm(x, pre + 'ln2'), pre));
      }
      return this.layerNorm(x, 'ln_f') as tf.Tensor3D;
    });
  }

  /** Final hidden states [.., d] → logits [.., V]. */
  head(h: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => dense(h, this.p('head.w'), this.p('head.b'))) as tf.Tensor3D;
  }

  emptyCache(batch: number): KVCache {
    const { nLayers, nHeads, seqLen, dModel } = this.config;
    const shape: [number, number, number, number] = [batch, nHeads, seqLen, dModel / nHeads];
    return {
      keys: Array.from({ length: nLayers }, () => tf.zeros(shape) as tf.Tensor4D),
      values: Array.from({ length: nLayers }, () => tf.zeros(shape) as tf.Tensor4D),
    };
  }

  /**
   * Decode one position: `token` [B] int32 sits at position `t`; returns the logits [B, V]
   * predicting position t + 1 and the cache with position t written. The old cache is
   * disposed. Shapes never change with t, so the WebGPU buffer pool stays fixed.
   */
  decodeStep(token: tf.Tensor1D, t: number, cache: KVCache): { logits: tf.Tensor2D; cache: KVCache } {
    const { seqLen: T, nLayers } = this.config;
    const B = token.shape[0];
    const out = tf.tidy(() => {
      const at = tf.oneHot(tf.tensor1d([t], 'int32'), T).reshape([1, T, 1]) as tf.Tensor3D; // writes position t
      const visible = tf.tensor1d(Array.from({ length: T }, (_, i) => (i <= t ? 0 : -1e9))).reshape([1, 1, 1, T]);
      let x = this.embed(token.reshape([B, 1]), 1, t);
      const keys: tf.Tensor4D[] = [];
      const values: tf.Tensor4D[] = [];
      for (let l = 0; l < nLayers; l++) {
        const pre = `h${l}.`;
        const { q, k, v } = this.qkv(this.layerNorm(x, pre + 'ln1'), pre, B, 1);
        const K = cache.keys[l].add(writeAt(at, k)) as tf.Tensor4D;
        const V = cache.values[l].add(writeAt(at, v)) as tf.Tensor4D;
        keys.push(K);
        values.push(V);
        x = x.add(this.attend(q, K, V, visible, pre, B, 1));
        x = x.add(this.mlp(this.layerNorm(x, pre + 'ln2'), pre));
      }
      const logits = this.head(this.layerNorm(x, 'ln_f')).reshape([B, -1]) as tf.Tensor2D;
      return { logits, keys, values };
    });
    disposeCache(cache);
    return { logits: out.logits, cache: { keys: out.keys, values: out.values } };
  }

  /**
   * Layer l's query, key and value weights side by side, [d, 3d] and [3d]. Under a gradient
   * tape they are joined afresh (the gradient flows back to the three variables); otherwise
   * they are kept until a variable's data changes, so a frozen teacher joins them once.
   */
  packedQkv(l: number): { w: tf.Tensor2D; b: tf.Tensor1D } {
    const pre = `h${l}.attn.`;
    const vars = ['wq', 'wk', 'wv', 'bq', 'bk', 'bv'].map((n) => this.p(pre + n));
    const join = () => ({ w: tf.concat(vars.slice(0, 3), 1) as tf.Tensor2D, b: tf.concat(vars.slice(3)) as tf.Tensor1D });
    if (recordingGradients()) return join();
    const cached = this.packed.get(l);
    if (cached && cached.sources.every((id, i) => id === vars[i].dataId)) return cached;
    if (cached) tf.dispose([cached.w, cached.b]);
    const joined = tf.tidy(join);
    const entry = { sources: vars.map((v) => v.dataId), w: tf.keep(joined.w), b: tf.keep(joined.b) };
    this.packed.set(l, entry);
    return entry;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.causalBias.dispose();
    for (const { w, b } of this.packed.values()) tf.dispose([w, b]);
    this.packed.clear();
  }

  // ---- pieces ----

  private embed(tokens: tf.Tensor2D | tf.Tensor, T: number, offset = 0): tf.Tensor3D {
    const [B] = tokens.shape;
    const { vocabSize: V, dModel: d } = this.config;
    const oneHot = tf.oneHot(tokens.reshape([-1]).toInt(), V).toFloat();
    // `dense` so the table's gradient, oneHotᵀ · dy, is a plain product (XNNPACK on wasm).
    const tok = dense(oneHot, this.p('tok_emb')).reshape([B, T, d]);
    // A slice of the whole table is a copy (a dispatch on webgpu): skip it there.
    const whole = onWebGpu() && offset === 0 && T === this.config.seqLen;
    const pos = whole ? this.p('pos_emb') : this.p('pos_emb').slice([offset, 0], [T, d]);
    return tok.add(pos) as tf.Tensor3D;
  }

  private layerNorm(x: tf.Tensor, name: string): tf.Tensor {
    if (onWebGpu()) return fusedLayerNorm(x, this.p(name + '.g'), this.p(name + '.b'), 1e-5);
    const { mean, variance } = tf.moments(x, -1, true);
    return x
      .sub(mean)
      .mul(tf.rsqrt(variance.add(1e-5)))
      .mul(this.p(name + '.g'))
      .add(this.p(name + '.b'));
  }

  /** Queries, keys and values as [B, H, T, dh]. */
  private qkv(x: tf.Tensor, pre: string, B: number, T: number) {
    const { nHeads: H, dModel: d } = this.config;
    const split = (w: string, b: string) =>
      dense(x, this.p(pre + w), this.p(pre + b))
        .reshape([B, T, H, d / H])
        .transpose([0, 2, 1, 3]) as tf.Tensor4D;
    return { q: split('attn.wq', 'attn.bq'), k: split('attn.wk', 'attn.bk'), v: split('attn.wv', 'attn.bv') };
  }

  /** softmax(q kᵀ / √dh + bias) v, heads merged and projected: [B, Tq, d]. */
  private attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor, pre: string, B: number, Tq: number) {
    const { nHeads: H, dModel: d } = this.config;
    const scores = q
      .matMul(k, false, true)
      .mul(1 / Math.sqrt(d / H))
      .add(bias);
    const mixed = tf.softmax(scores).matMul(v).transpose([0, 2, 1, 3]).reshape([B, Tq, d]);
    return dense(mixed, this.p(pre + 'attn.wo'), this.p(pre + 'attn.bo'));
  }

  private mlp(x: tf.Tensor, pre: string): tf.Tensor {
    return dense(gelu(dense(x, this.p(pre + 'mlp.w1'), this.p(pre + 'mlp.b1'))), this.p(pre + 'mlp.w2'), this.p(pre + 'mlp.b2'));
  }
}

/**
 * The new key or value `x` [B, H, 1, dh] placed at the one position where `at` [1, T, 1] is 1,
 * zeros elsewhere: [B, H, T, dh]. An outer product (a matMul with inner size 1, so exact), which
 * the cpu backend runs several times faster than a broadcasting multiply.
 */
function writeAt(at: tf.Tensor3D, x: tf.Tensor4D): tf.Tensor4D {
  const [B, H, , dh] = x.shape;
  return tf.matMul(at, x.reshape([B * H, 1, dh])).reshape([B, H, -1, dh]);
}

export function disposeCache(cache: KVCache): void {
  for (const t of cache.keys) t.dispose();
  for (const t of cache.values) t.dispose();
}
