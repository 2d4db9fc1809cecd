// Sampling-time decoding: the transformer of transformer.ts, arranged so that each position
// costs few, large kernels. Used only where no gradient flows (sampling, evaluation).
//   - The weights are prepared once per sampling call: Wq, Wk, Wv side by side as one [d, 3d]
//     matrix (one product instead of three), with 1/√dh folded into the query columns.
//   - Activations stay 2-D [rows, d], every dense layer is one plain 2-D product (XNNPACK on wasm) and its bias.
//   - `prefill` runs the shared prompt prefix in one pass; `step` then decodes one position
//     from the key/value cache. Shapes never change with the position (fixed WebGPU buffers).
// The numbers are those of Transformer.forward up to float32 rounding (test/decoder.test.ts).
// On webgpu the same steps run in fused kernels (../webgpu/): the embedding lookup, layer norm
// and attention are one dispatch each, the cache holds the packed projections [B, T, 3d] of
// every position and takes each new position in place, and 1/√dh is applied by the attention.
import * as tf from '@tensorflow/tfjs';
import type { Transformer } from './transformer';
import { dense, gelu } from './layers';
import { onWebGpu } from '../webgpu/device';
import { fusedLayerNorm } from '../webgpu/layerNorm';
import { fusedCachedAttention } from '../webgpu/attention';
import { fusedEmbed } from '../webgpu/embed';
import { writeCacheRow } from '../webgpu/kvCache';

interface LayerWeights {
  ln1: [tf.Tensor, tf.Tensor];
  ln2: [tf.Tensor, tf.Tensor];
  /** [d, 3d]: queries (pre-scaled by 1/√dh), keys, values. */
  wqkv: tf.Tensor2D;
  bqkv: tf.Tensor1D;
  wo: tf.Tensor2D;
  bo: tf.Tensor;
  w1: tf.Tensor2D;
  b1: tf.Tensor;
  w2: tf.Tensor2D;
  b2: tf.Tensor;
}

export class Decoder {
  private readonly layers: LayerWeights[];
  private readonly prepared: tf.Tensor[];
  private keys: tf.Tensor4D[] = [];
  private values: tf.Tensor4D[] = [];
  /** webgpu: per layer the packed projections [B, T, 3d] of every position decoded so far. */
  private projections: tf.Tensor3D[] = [];
  private readonly fused: boolean;
  private readonly H: number;
  private readonly dh: number;

  constructor(
    private readonly model: Transformer,
    private readonly batch: number,
  ) {
    const { nLayers, nHeads, dModel } = model.config;
    this.H = nHeads;
    this.dh = dModel / nHeads;
    this.fused = onWebGpu();
    const scale = 1 / Math.sqrt(this.dh);
    const p = (n: string) => model.p(n);
    this.layers = [];
    for (let l = 0; l < nLayers; l++) {
      const pre = `h${l}.`;
      // webgpu: the model's packed, unscaled projection (kept by the model, not by this decoder).
      const packed = this.fused ? model.packedQkv(l) : null;
      const [wqkv, bqkv] = packed
        ? [packed.w, packed.b]
        : tf.tidy(() => [
            tf.concat([p(pre + 'attn.wq').mul(scale), p(pre + 'attn.wk'), p(pre + 'attn.wv')], 1) as tf.Tensor2D,
            tf.concat([p(pre + 'attn.bq').mul(scale), p(pre + 'attn.bk'), p(pre + 'attn.bv')]) as tf.Tensor1D,
          ]);
      this.layers.push({
        ln1: [p(pre + 'ln1.g'), p(pre + 'ln1.b')],
        ln2: [p(pre + 'ln2.g'), p(pre + 'ln2.b')],
        wqkv,
        bqkv,
        wo: p(pre + 'attn.wo') as tf.Tensor2D,
        bo: p(pre + 'attn.bo'),
        w1: p(pre + 'mlp.w1') as tf.Tensor2D,
        b1: p(pre + 'mlp.b1'),
        w2: p(pre + 'mlp.w2') as tf.Tensor2D,
        b2: p(pre + 'mlp.b2'),
      });
    }
    this.prepared = this.fused ? [] : this.layers.flatMap((w) => [w.wqkv, w.bqkv]);
  }

  /**
   * The first P positions of every row at once: tokens [B, P] → logits [B, P, V] (logits[:, t]
   * predict token t + 1). Fills the cache at positions 0 … P − 1.
   */
  prefill(tokens: tf.Tensor2D): tf.Tensor3D {
    if (this.fused) return this.prefillFused(tokens);
    const { seqLen: T, vocabSize: V, dModel: d } = this.model.config;
    const [B, P] = tokens.shape;
    const { H, dh } = this;
    const bias = tf.tensor2d(causalBias(P), [P, P]);
    const out = tf.tidy(() => {
      // int32 then cast: tfjs-wasm 4.22's OneHot with dtype 'float32' writes the int32 bit
      // pattern (1 reads as 1.4e-45), which silently zeroes the embeddings on wasm.
      const oneHot = tf.oneHot(tokens.reshape([-1]), V).toFloat();
      const pos = this.model.p('pos_emb').slice([0, 0], [P, d]);
      let x = oneHot
        .matMul(this.model.p('tok_emb') as tf.Tensor2D)
        .reshape([B, P, d])
        .add(pos)
        .reshape([B * P, d]) as tf.Tensor2D;
      const keys: tf.Tensor4D[] = [];
      const values: tf.Tensor4D[] = [];
      for (const w of this.layers) {
        const qkv = linear(layerNorm(x as tf.Tensor2D, w.ln1), w.wqkv, w.bqkv)
          .reshape([B, P, 3 * H, dh])
          .transpose([0, 2, 1, 3]);
        const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor4D[];
        const pad: Array<[number, number]> = [
          [0, 0],
          [0, 0],
          [0, T - P],
          [0, 0],
        ];
        keys.push(tf.pad(k, pad));
        values.push(tf.pad(v, pad));
        const mixed = tf
          .softmax(q.matMul(k, false, true).add(bias))
          .matMul(v)
          .transpose([0, 2, 1, 3])
          .reshape([B * P, d]);
        x = x.add(linear(mixed as tf.Tensor2D, w.wo, w.bo)) as tf.Tensor2D;
        x = x.add(this.mlp(x, w)) as tf.Tensor2D;
      }
      return { logits: this.head(x).reshape([B, P, V]) as tf.Tensor3D, keys, values };
    });
    bias.dispose();
    this.disposeCache();
    this.keys = out.keys;
    this.values = out.values;
    return out.logits;
  }

  /**
   * `token` [B] at position t → logits [B, V] predicting t + 1; writes the cache at t. On webgpu
   * `token` may also be a [B, W] int32 matrix whose column t holds the tokens (the sampler's state).
   */
  step(token: tf.Tensor1D | tf.Tensor2D, t: number): tf.Tensor2D {
    if (this.fused) return this.stepFused(token, t);
    if (token.rank !== 1) throw new Error('Decoder.step: a token matrix is read on webgpu only');
    const { seqLen: T, vocabSize: V, dModel: d } = this.model.config;
    const B = this.batch;
    const { H, dh } = this;
    const at = tf.tensor4d(
      Array.from({ length: T }, (_, i) => (i === t ? 1 : 0)),
      [1, 1, T, 1],
    );
    const visible = tf.tensor4d(
      Array.from({ length: T }, (_, i) => (i <= t ? 0 : -1e9)),
      [1, 1, 1, T],
    );
    const out = tf.tidy(() => {
      const pos = this.model.p('pos_emb').slice([t, 0], [1, d]);
      // int32 then cast, as in prefill (wasm's OneHot ignores a float32 dtype).
      let x = linear(tf.oneHot(token, V).toFloat() as tf.Tensor2D, this.model.p('tok_emb') as tf.Tensor2D, pos);
      const keys: tf.Tensor4D[] = [];
      const values: tf.Tensor4D[] = [];
      this.layers.forEach((w, l) => {
        const qkv = linear(layerNorm(x as tf.Tensor2D, w.ln1), w.wqkv, w.bqkv).reshape([B, 3 * H, 1, dh]);
        const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor4D[];
        // Position t of the cache is still zero: adding at ⊗ k writes it exactly.
        const K = this.keys[l].add(at.mul(k)) as tf.Tensor4D;
        const Vv = this.values[l].add(at.mul(v)) as tf.Tensor4D;
        keys.push(K);
        values.push(Vv);
        const mixed = tf
          .softmax(q.matMul(K, false, true).add(visible))
          .matMul(Vv)
          .reshape([B, d]);
        x = x.add(linear(mixed as tf.Tensor2D, w.wo, w.bo)) as tf.Tensor2D;
        x = x.add(this.mlp(x, w)) as tf.Tensor2D;
      });
      return { logits: this.head(x) as tf.Tensor2D, keys, values };
    });
    tf.dispose([at, visible]);
    this.disposeCache();
    this.keys = out.keys;
    this.values = out.values;
    return out.logits;
  }

  dispose(): void {
    this.disposeCache();
    tf.dispose(this.prepared);
  }

  private prefillFused(tokens: tf.Tensor2D): tf.Tensor3D {
    const { seqLen: T, vocabSize: V, dModel: d } = this.model.config;
    const [B, P] = tokens.shape;
    const p = (n: string) => this.model.p(n);
    const out = tf.tidy(() => {
      let x = fusedEmbed(tokens, p('tok_emb'), p('pos_emb'), { n: P, col: 0, pos: 0 });
      const projections: tf.Tensor3D[] = [];
      for (const w of this.layers) {
        const qkv = linear(layerNorm(x, w.ln1), w.wqkv, w.bqkv).reshape([B, P, 3 * d]) as tf.Tensor3D;
        projections.push(
          P < T
            ? (tf.pad(qkv, [
                [0, 0],
                [0, T - P],
                [0, 0],
              ]) as tf.Tensor3D)
            : qkv.clone(),
        );
        const mixed = fusedCachedAttention(qkv, qkv, this.H, 0).reshape([B * P, d]) as tf.Tensor2D;
        x = x.add(linear(mixed, w.wo, w.bo)) as tf.Tensor2D;
        x = x.add(this.mlp(x, w)) as tf.Tensor2D;
      }
      return { logits: this.head(x).reshape([B, P, V]) as tf.Tensor3D, projections };
    });
    this.disposeCache();
    this.projections = out.projections;
    return out.logits;
  }

  private stepFused(token: tf.Tensor1D | tf.Tensor2D, t: number): tf.Tensor2D {
    const d = this.model.config.dModel;
    const B = this.batch;
    const p = (n: string) => this.model.p(n);
    return tf.tidy(() => {
      let x = fusedEmbed(token, p('tok_emb'), p('pos_emb'), { n: 1, col: token.rank === 2 ? t : 0, pos: t });
      this.layers.forEach((w, l) => {
        const qkv = linear(layerNorm(x, w.ln1), w.wqkv, w.bqkv);
        writeCacheRow(this.projections[l], qkv, t);
        const mixed = fusedCachedAttention(qkv.reshape([B, 1, 3 * d]) as tf.Tensor3D, this.projections[l], this.H, t).reshape([B, d]) as tf.Tensor2D;
        x = x.add(linear(mixed, w.wo, w.bo)) as tf.Tensor2D;
        x = x.add(this.mlp(x, w)) as tf.Tensor2D;
      });
      return this.head(x);
    });
  }

  private mlp(x: tf.Tensor2D, w: LayerWeights): tf.Tensor2D {
    return linear(gelu(linear(layerNorm(x, w.ln2), w.w1, w.b1)) as tf.Tensor2D, w.w2, w.b2);
  }

  private head(x: tf.Tensor2D): tf.Tensor2D {
    const p = (n: string) => this.model.p(n);
    return linear(layerNorm(x, [p('ln_f.g'), p('ln_f.b')]) as tf.Tensor2D, p('head.w') as tf.Tensor2D, p('head.b'));
  }

  private disposeCache(): void {
    tf.dispose([...this.keys, ...this.values, ...this.projections]);
    this.keys = [];
    this.values = [];
    this.projections = [];
  }
}

/**
 * x [n, din] · w [din, dout] + b (on cpu and wasm tf.fused.matMul would be one kernel but four
 * more ops around it; on webgpu it is one dispatch).
 */
function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor): tf.Tensor2D {
  if (onWebGpu()) return dense(x, w, b) as tf.Tensor2D;
  return x.matMul(w).add(b);
}

/** Layer norm over the last axis of [n, d], as in Transformer (ε = 1e-5). */
function layerNorm(x: tf.Tensor2D, [g, b]: [tf.Tensor, tf.Tensor]): tf.Tensor2D {
  if (onWebGpu()) return fusedLayerNorm(x, g, b, 1e-5) as tf.Tensor2D;
  const centred = x.sub(x.mean(-1, true));
  return centred.mul(centred.square().mean(-1, true).add(1e-5).rsqrt()).mul(g).add(b) as tf.Tensor2D;
}

/** [P, P] additive causal mask: 0 where a position may attend, -1e9 above the diagonal. */
function causalBias(P: number): Float32Array {
  const m = new Float32Array(P * P);
  for (let i = 0; i < P; i++) for (let j = i + 1; j < P; j++) m[i * P + j] = -1e9;
  return m;
}
