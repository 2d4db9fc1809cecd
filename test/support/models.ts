// Small transformers for tests. Transformer.init draws weights with std 0.02, which makes
// every logit nearly equal; tests that must see the attention, the MLP or a clear argmax use
// larger weights drawn here from the same seeded Rng (so every backend gets the same numbers).
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/engine/rng';
import { Transformer, parameterSpecs, type ModelConfig } from '../../src/engine/model/transformer';
import { VOCAB_SIZE } from '../../src/engine/tasks/vocab';

export function tinyConfig(over: Partial<ModelConfig> = {}): ModelConfig {
  return { vocabSize: VOCAB_SIZE, seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2, ...over };
}

let counter = 0;

/** Weights ~ N(0, std²); layer-norm gains around 1 and biases around 0 with the same spread. */
export function randomTransformer(config: ModelConfig, seed: number, std = 0.3): Transformer {
  const rng = new Rng(seed);
  const params = new Map<string, tf.Variable>();
  for (const s of parameterSpecs(config)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const values = rng.normals(n, std);
    if (s.init === 'ones') for (let i = 0; i < n; i++) values[i] += 1;
    params.set(s.name, tf.variable(tf.tensor(values, s.shape), true, `test/${s.name}#${counter++}`));
  }
  return new Transformer(config, params);
}

/** Replace one parameter's values (e.g. to give the head a known bias). */
export function setParam(model: Transformer, name: string, values: ArrayLike<number>): void {
  const p = model.p(name);
  tf.tidy(() => p.assign(tf.tensor(Array.from(values), p.shape)));
}

/** All parameters as plain number arrays (one read each), for float64 references. */
export async function readParams(model: Transformer): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, v] of model.params) out.set(name, Array.from(await v.data()));
  return out;
}

/** Random token ids in [3, V) (no PAD/BOS/EOS), row-major [B, T]. */
export function randomTokens(rng: Rng, B: number, T: number, V = VOCAB_SIZE): Int32Array {
  return Int32Array.from({ length: B * T }, () => rng.int(3, V - 1));
}
