// Save and load in the TensorFlow.js weights format: a round trip keeps the logits
// identical, and every kind of bad file is refused with a CheckpointError that says what is
// wrong, before any tensor is allocated.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine/rng';
import { CheckpointError, FORMAT, fromArtifacts, loadFromFiles, loadFromUrl, modelJson, toArtifacts } from '../src/engine/model/checkpoint';
import type { Transformer } from '../src/engine/model/transformer';
import { randomTokens, randomTransformer, tinyConfig } from './support/models';

const config = tinyConfig({ seqLen: 6, dModel: 8, nLayers: 2, nHeads: 2 });
let model: Transformer;
let artifacts: tf.io.ModelArtifacts;
const meta = { role: 'teacher', task: 'addition', steps: 123 };

beforeAll(async () => {
  model = randomTransformer(config, 21, 0.3);
  artifacts = await toArtifacts(model, meta);
});
afterAll(() => model.dispose());

async function logits(m: Transformer): Promise<Float32Array> {
  const x = tf.tensor2d(randomTokens(new Rng(9), 2, config.seqLen), [2, config.seqLen], 'int32');
  const y = m.forward(x);
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return out;
}

/** A deep copy of the artifacts with `edit` applied (the originals stay valid). */
function edited(edit: (a: tf.io.ModelArtifacts & { weightSpecs: tf.io.WeightsManifestEntry[] }) => void): tf.io.ModelArtifacts {
  const copy = {
    ...artifacts,
    modelTopology: JSON.parse(JSON.stringify(artifacts.modelTopology)),
    weightSpecs: JSON.parse(JSON.stringify(artifacts.weightSpecs)),
    weightData: (artifacts.weightData as ArrayBuffer).slice(0),
  };
  edit(copy);
  return copy;
}

/** Expect a CheckpointError matching `message`, and no tensor left behind. */
function expectRefused(load: () => unknown, message: RegExp) {
  const before = tf.memory().numTensors;
  let error: unknown = null;
  try {
    const result = load() as { model?: Transformer } | undefined;
    result?.model?.dispose();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as Error).name).toBe('CheckpointError');
  expect((error as Error).message).toMatch(message);
  expect(tf.memory().numTensors).toBe(before);
}

describe('round trip', () => {
  it('gives identical logits through artifacts', async () => {
    const { model: loaded, meta: loadedMeta } = fromArtifacts(artifacts);
    expect(loaded.config).toEqual(config);
    expect(loadedMeta).toEqual(meta);
    expect(Array.from(await logits(loaded))).toEqual(Array.from(await logits(model)));
    loaded.dispose();
  });

  it('gives identical logits through model.json text and the weights bytes', async () => {
    const json = modelJson(artifacts);
    const parsed = JSON.parse(json);
    expect(parsed.format).toBe(FORMAT);
    expect(parsed.weightsManifest[0].paths).toEqual(['weights.bin']);
    // every weight in float32: bytes = 4 · parameters
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(4 * model.parameterCount());
    const { model: loaded } = loadFromFiles(json, (artifacts.weightData as ArrayBuffer).slice(0));
    expect(Array.from(await logits(loaded))).toEqual(Array.from(await logits(model)));
    loaded.dispose();
  });

  it('leaves no tensors behind once the loaded model is disposed', () => {
    const before = tf.memory().numTensors;
    const { model: loaded } = fromArtifacts(artifacts);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts a config the caller expects and refuses one it does not', () => {
    const ok = fromArtifacts(artifacts, { vocabSize: config.vocabSize, seqLen: config.seqLen });
    ok.model.dispose();
    expectRefused(() => fromArtifacts(artifacts, { seqLen: 16 }), /seqLen is 6, expected 16/);
  });
});

describe('bad files', () => {
  it('refuses a weight of the wrong shape (same byte count)', () => {
    expectRefused(
      () => fromArtifacts(edited((a) => (a.weightSpecs.find((s) => s.name === 'h0.attn.wq')!.shape = [4, 16]))),
      /'h0\.attn\.wq' has shape \[4,16\], expected \[8,8\]/,
    );
  });

  it('refuses a missing weight', () => {
    expectRefused(() => fromArtifacts(edited((a) => (a.weightSpecs = a.weightSpecs.filter((s) => s.name !== 'h1.mlp.w2')))), /missing: h1\.mlp\.w2/);
  });

  it('refuses an extra weight', () => {
    expectRefused(() => fromArtifacts(edited((a) => a.weightSpecs.push({ name: 'h2.ln1.g', shape: [8], dtype: 'float32' }))), /unknown weights: h2\.ln1\.g/);
  });

  it('refuses a weight of the wrong dtype', () => {
    expectRefused(
      () => fromArtifacts(edited((a) => (a.weightSpecs.find((s) => s.name === 'tok_emb')!.dtype = 'int32'))),
      /'tok_emb' is int32, expected float32/,
    );
  });

  it('refuses a weights file of the wrong length', () => {
    const needed = 4 * model.parameterCount();
    expectRefused(
      () => fromArtifacts(edited((a) => (a.weightData = (a.weightData as ArrayBuffer).slice(0, needed - 4)))),
      new RegExp(`${needed - 4} bytes, the manifest needs ${needed}`),
    );
    expectRefused(() => fromArtifacts(edited((a) => (a.weightData = new ArrayBuffer(needed + 8)))), new RegExp(`${needed + 8} bytes`));
    expectRefused(() => fromArtifacts(edited((a) => (a.weightData = undefined))), /0 bytes/);
  });

  it('refuses model.json that is not JSON or has no manifest', () => {
    const bytes = (artifacts.weightData as ArrayBuffer).slice(0);
    expectRefused(() => loadFromFiles('{"format": "alembic-trans', bytes), /not valid JSON/);
    expectRefused(() => loadFromFiles('<html>404</html>', bytes), /not valid JSON/);
    expectRefused(() => loadFromFiles(JSON.stringify({ modelTopology: artifacts.modelTopology }), bytes), /no weightsManifest/);
  });

  it('refuses a file of another format (e.g. a Keras layers model)', () => {
    expectRefused(() => fromArtifacts(edited((a) => ((a.modelTopology as { format: string }).format = 'layers-model'))), /Not an Alembic model/);
    expectRefused(() => fromArtifacts(edited((a) => (a.modelTopology = undefined))), /Not an Alembic model/);
    const keras = JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['w.bin'], weights: [] }] });
    expectRefused(() => loadFromFiles(keras, new ArrayBuffer(0)), /Not an Alembic model/);
  });

  it('refuses an impossible config', () => {
    expectRefused(() => fromArtifacts(edited((a) => ((a.modelTopology as { config: { nHeads: number } }).config.nHeads = 3))), /not divisible by nHeads 3/);
    expectRefused(
      () => fromArtifacts(edited((a) => ((a.modelTopology as { config: { nLayers: number } }).config.nLayers = 0))),
      /nLayers must be a positive integer/,
    );
  });
});

describe('values and encodings that would load wrongly', () => {
  /** The weights with one value replaced, at `index` within the weight `name`. */
  function poisoned(name: string, index: number, value: number): tf.io.ModelArtifacts {
    return edited((a) => {
      let at = 0;
      for (const s of a.weightSpecs) {
        if (s.name === name) break;
        at += s.shape.reduce((x, y) => x * y, 1);
      }
      new Float32Array(a.weightData as ArrayBuffer)[at + index] = value;
    });
  }

  it('refuses NaN and ±Infinity, naming the first bad weight and where in it', () => {
    expectRefused(() => fromArtifacts(poisoned('h0.attn.wq', 5, NaN)), /Weight 'h0\.attn\.wq' holds NaN \(at index 5 of 64\)/);
    expectRefused(() => fromArtifacts(poisoned('tok_emb', 0, Infinity)), /'tok_emb' holds Infinity \(at index 0/);
    expectRefused(() => fromArtifacts(poisoned('head.b', 2, -Infinity)), /'head\.b' holds -Infinity/);
    // A huge but finite value is a number like any other: it loads (and the run will say if it halts).
    const big = fromArtifacts(poisoned('head.b', 2, 1e30)).model;
    big.dispose();
  });

  it('refuses a quantized weight even when its byte count happens to fit', () => {
    const q = edited((a) => {
      const s = a.weightSpecs.find((w) => w.name === 'tok_emb')!;
      s.quantization = { dtype: 'uint8', scale: 0.1, min: 0 };
    });
    expectRefused(() => fromArtifacts(q), /Weight 'tok_emb' is quantized \(uint8\); only unquantized float32/);
  });

  it('gives a readable reason for malformed manifests, never a raw JavaScript error', () => {
    const bytes = (artifacts.weightData as ArrayBuffer).slice(0);
    const topo = artifacts.modelTopology;
    const cases: Array<[unknown, RegExp]> = [
      [null, /no weightsManifest/],
      [{ modelTopology: topo, weightsManifest: [null] }, /group 1 has no list of weights/],
      [
        { modelTopology: topo, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'tok_emb', shape: 'oops', dtype: 'float32' }] }] },
        /'tok_emb' has no valid shape/,
      ],
      [{ modelTopology: topo, weightsManifest: [{ paths: ['w.bin'], weights: [null] }] }, /Weight 1 of the manifest has no name/],
      [{ modelTopology: topo, weightsManifest: [{ paths: 'w.bin', weights: [] }] }, /paths that are not file names/],
      [{ modelTopology: { format: FORMAT, config: 'tiny' }, weightsManifest: [{ paths: ['w.bin'], weights: [] }] }, /config is not an object/],
    ];
    for (const [json, message] of cases) expectRefused(() => loadFromFiles(JSON.stringify(json), bytes), message);
    expectRefused(() => fromArtifacts({ ...artifacts, weightData: 'abc' as unknown as ArrayBuffer }), /not binary data/);
  });
});

describe('loading over HTTP', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** A fetch that serves model.json and weights.bin, or the given status for one of them. */
  function serve(fail?: { file: string; status: number }) {
    const json = modelJson(artifacts);
    vi.stubGlobal('fetch', async (url: string) => {
      const file = url.split('/').pop()!;
      if (fail?.file === file)
        return new Response('<html>not here</html>', { status: fail.status, statusText: fail.status === 404 ? 'Not Found' : 'Internal Server Error' });
      if (file === 'model.json') return new Response(json);
      return new Response((artifacts.weightData as ArrayBuffer).slice(0));
    });
  }

  it('loads a model from its URL', async () => {
    serve();
    const { model: loaded } = await loadFromUrl('http://x.test/teachers/addition/model.json');
    expect(loaded.parameterCount()).toBe(model.parameterCount());
    loaded.dispose();
  });

  it('reports a weights 404 or 500 as such, not as a byte count', async () => {
    serve({ file: 'weights.bin', status: 404 });
    await expect(loadFromUrl('http://x.test/t/model.json')).rejects.toThrow(/Could not fetch weights\.bin: the server answered 404 Not Found/);
    serve({ file: 'weights.bin', status: 500 });
    await expect(loadFromUrl('http://x.test/t/model.json')).rejects.toThrow(/answered 500/);
    serve({ file: 'model.json', status: 404 });
    await expect(loadFromUrl('http://x.test/t/model.json')).rejects.toThrow(/Could not fetch model\.json: the server answered 404/);
  });
});
