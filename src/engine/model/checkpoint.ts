// Save and load a Transformer in the TensorFlow.js weights format: a model.json whose
// `modelTopology` holds our config and whose `weightsManifest` lists the binary shards.
import * as tf from '@tensorflow/tfjs';
import { Transformer, parameterSpecs, validateConfig, type ModelConfig } from './transformer';

export const FORMAT = 'alembic-transformer';
export const WEIGHTS_FILE = 'weights.bin';

/** Metadata stored beside the config: what the model is and how it was made. */
export type ModelMeta = Record<string, unknown>;

export interface ModelTopology {
  format: typeof FORMAT;
  config: ModelConfig;
  meta?: ModelMeta;
}

/** The model's artifacts: what `tf.io` handlers save and load. */
export async function toArtifacts(model: Transformer, meta: ModelMeta = {}): Promise<tf.io.ModelArtifacts> {
  const named: tf.NamedTensorMap = {};
  for (const s of parameterSpecs(model.config)) named[s.name] = model.p(s.name);
  const { data, specs } = await tf.io.encodeWeights(named);
  const topology: ModelTopology = { format: FORMAT, config: model.config, meta };
  return {
    modelTopology: topology as unknown as tf.io.ModelArtifacts['modelTopology'],
    format: FORMAT,
    generatedBy: 'alembic',
    weightSpecs: specs,
    weightData: data,
  };
}

/** model.json contents for artifacts whose weights sit in one shard beside it. */
export function modelJson(artifacts: tf.io.ModelArtifacts, weightsPath = WEIGHTS_FILE): string {
  return JSON.stringify({
    format: FORMAT,
    generatedBy: 'alembic',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs }],
  });
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/**
 * Build a model from artifacts, checking everything first: format, config, every parameter's
 * name, shape and dtype, and the byte count. Nothing is allocated unless all of it fits.
 * `expect` (optional) pins config fields the caller needs, e.g. the vocabulary size.
 */
export function fromArtifacts(artifacts: tf.io.ModelArtifacts, expect: Partial<ModelConfig> = {}): { model: Transformer; meta: ModelMeta } {
  const topology = artifacts.modelTopology as unknown as Partial<ModelTopology> | undefined;
  if (!topology || typeof topology !== 'object' || topology.format !== FORMAT || !topology.config) {
    throw new CheckpointError(`Not an Alembic model: model.json has no '${FORMAT}' topology with a config`);
  }
  const config = topology.config;
  try {
    validateConfig(config);
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  for (const [k, v] of Object.entries(expect)) {
    if (config[k as keyof ModelConfig] !== v) {
      throw new CheckpointError(`Model does not fit: ${k} is ${config[k as keyof ModelConfig]}, expected ${v}`);
    }
  }
  const specs = artifacts.weightSpecs ?? [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  const expected = parameterSpecs(config);
  const missing = expected.filter((e) => !byName.has(e.name)).map((e) => e.name);
  if (missing.length) throw new CheckpointError(`Weights file is missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}`);
  const known = new Set(expected.map((e) => e.name));
  const extra = specs.filter((s) => !known.has(s.name)).map((s) => s.name);
  if (extra.length) throw new CheckpointError(`Weights file has unknown weights: ${extra.slice(0, 5).join(', ')}`);
  for (const e of expected) {
    const s = byName.get(e.name)!;
    if (s.dtype !== 'float32') throw new CheckpointError(`Weight '${e.name}' is ${s.dtype}, expected float32`);
    if (s.shape.length !== e.shape.length || s.shape.some((n, i) => n !== e.shape[i])) {
      throw new CheckpointError(`Weight '${e.name}' has shape [${s.shape}], expected [${e.shape}]`);
    }
  }
  const data = artifacts.weightData;
  const bytes = data === undefined ? 0 : Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
  const needed = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes !== needed) throw new CheckpointError(`Weights data has ${bytes} bytes, the manifest needs ${needed}`);

  const tensors = tf.io.decodeWeights(data!, specs);
  const params = new Map<string, tf.Variable>();
  for (const e of expected) {
    const t = tensors[e.name];
    params.set(e.name, tf.variable(t, true, `${e.name}#load${loadCounter++}`));
    t.dispose();
  }
  return { model: new Transformer(config, params), meta: topology.meta ?? {} };
}

let loadCounter = 0;

/** Load from a URL (browser or worker): model.json and its shards. */
export async function loadFromUrl(url: string, expect: Partial<ModelConfig> = {}) {
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await tf.io.browserHTTPRequest(url).load!();
  } catch (e) {
    throw new CheckpointError(`Could not read ${url}: ${(e as Error).message}`);
  }
  return fromArtifacts(artifacts, expect);
}

/** Load from model.json text and the weights' bytes (uploaded files, or files read in Node). */
export function loadFromFiles(json: string, weights: ArrayBuffer, expect: Partial<ModelConfig> = {}) {
  let parsed: { modelTopology?: unknown; weightsManifest?: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new CheckpointError('model.json is not valid JSON');
  }
  if (!parsed || !Array.isArray(parsed.weightsManifest)) throw new CheckpointError('model.json has no weightsManifest');
  const weightSpecs = parsed.weightsManifest.flatMap((g) => g.weights ?? []);
  return fromArtifacts({ modelTopology: parsed.modelTopology as tf.io.ModelArtifacts['modelTopology'], weightSpecs, weightData: weights }, expect);
}
