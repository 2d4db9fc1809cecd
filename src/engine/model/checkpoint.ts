// Save and load a Transformer in the TensorFlow.js weights format: a model.json whose
// `modelTopology` holds our config and whose `weightsManifest` lists the binary shards.
import * as tf from '@tensorflow/tfjs';
import { Transformer } from './transformer';
import { parameterSpecs, validateConfig, type ModelConfig } from './config';
import { CheckpointError, checkEntries, checkFinite, joinBuffers, parseModelJson } from './weightCheck';

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

export { CheckpointError };

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
    if (typeof config !== 'object') throw new Error('the model config is not an object');
    validateConfig(config);
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  for (const [k, v] of Object.entries(expect)) {
    if (config[k as keyof ModelConfig] !== v) {
      throw new CheckpointError(`Model does not fit: ${k} is ${config[k as keyof ModelConfig]}, expected ${v}`);
    }
  }
  const specs = checkEntries(artifacts.weightSpecs ?? []);
  const byName = new Map(specs.map((s) => [s.name, s]));
  const expected = parameterSpecs(config);
  const missing = expected.filter((e) => !byName.has(e.name)).map((e) => e.name);
  if (missing.length) throw new CheckpointError(`Weights file is missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}`);
  const known = new Set(expected.map((e) => e.name));
  const extra = specs.filter((s) => !known.has(s.name)).map((s) => s.name);
  if (extra.length) throw new CheckpointError(`Weights file has unknown weights: ${extra.slice(0, 5).join(', ')}`);
  for (const e of expected) {
    const s = byName.get(e.name)!;
    if (s.shape.length !== e.shape.length || s.shape.some((n, i) => n !== e.shape[i])) {
      throw new CheckpointError(`Weight '${e.name}' has shape [${s.shape}], expected [${e.shape}]`);
    }
  }
  const data = artifacts.weightData;
  if (data !== undefined && !(data instanceof ArrayBuffer) && !(Array.isArray(data) && data.every((b) => b instanceof ArrayBuffer))) {
    throw new CheckpointError('The weights are not binary data');
  }
  const joined = joinBuffers(data);
  const needed = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (joined.byteLength !== needed) throw new CheckpointError(`Weights data has ${joined.byteLength} bytes, the manifest needs ${needed}`);
  checkFinite(joined, specs);

  const tensors = tf.io.decodeWeights(joined, specs);
  const params = new Map<string, tf.Variable>();
  for (const e of expected) {
    const t = tensors[e.name];
    params.set(e.name, tf.variable(t, true, `${e.name}#load${loadCounter++}`));
    t.dispose();
  }
  return { model: new Transformer(config, params), meta: topology.meta ?? {} };
}

let loadCounter = 0;

/** Fetch one file, saying which and how it failed (a 404 page is not weights). */
async function fetchOk(url: string, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new CheckpointError(`Could not fetch ${what} (${url}): ${(e as Error).message || 'network error'}`);
  }
  if (!res.ok) throw new CheckpointError(`Could not fetch ${what}: the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for ${url}`);
  return res;
}

/** Load from a URL (browser or worker): model.json and its shards, each checked as it arrives. */
export async function loadFromUrl(url: string, expect: Partial<ModelConfig> = {}) {
  const json = await (await fetchOk(url, 'model.json')).text();
  const { modelTopology, entries, paths } = parseModelJson(json);
  if (!paths.length) throw new CheckpointError('model.json lists no weights file');
  const shards = await Promise.all(paths.map(async (p) => (await fetchOk(new URL(p, new URL(url, globalThis.location?.href)).href, p)).arrayBuffer()));
  return fromArtifacts(
    { modelTopology: modelTopology as tf.io.ModelArtifacts['modelTopology'], weightSpecs: entries, weightData: joinBuffers(shards) },
    expect,
  );
}

/** Artifacts from model.json text and the weights' bytes (uploaded or read from disk), checked for shape. */
export function artifactsFromFiles(json: string, weights: ArrayBuffer): tf.io.ModelArtifacts {
  const { modelTopology, entries } = parseModelJson(json);
  return { modelTopology: modelTopology as tf.io.ModelArtifacts['modelTopology'], weightSpecs: entries, weightData: weights };
}

/** Load from model.json text and the weights' bytes (uploaded files, or files read in Node). */
export function loadFromFiles(json: string, weights: ArrayBuffer, expect: Partial<ModelConfig> = {}) {
  return fromArtifacts(artifactsFromFiles(json, weights), expect);
}
