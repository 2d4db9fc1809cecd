// Checks on a weights file before any of it becomes a tensor: the manifest's shape (a file from
// anywhere may hold anything), float32 only (quantized or other dtypes would be decoded wrongly),
// and every value finite (a NaN weight halts the first step and would be saved and restored).
// Plain TypeScript over the bytes: no TensorFlow.js, so nothing is allocated for a bad file.

/** One entry of a TensorFlow.js weights manifest, after checking. */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** A weights file that cannot be loaded; the message says why, in the user's terms. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const cut = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** Check the manifest's entries; the first malformed, quantized or non-float32 one is named. */
export function checkEntries(raw: unknown): WeightEntry[] {
  if (!Array.isArray(raw)) throw new CheckpointError('The weights manifest is not a list of weights');
  return raw.map((e, i) => {
    if (!isObj(e) || typeof e.name !== 'string') throw new CheckpointError(`Weight ${i + 1} of the manifest has no name`);
    const name = cut(e.name);
    if (!Array.isArray(e.shape) || !e.shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new CheckpointError(`Weight '${name}' has no valid shape (expected a list of whole numbers)`);
    }
    if (e.quantization !== undefined && e.quantization !== null) {
      const q = isObj(e.quantization) ? String(e.quantization.dtype ?? 'unknown') : 'unknown';
      throw new CheckpointError(`Weight '${name}' is quantized (${cut(q)}); only unquantized float32 weights can be loaded`);
    }
    if (e.dtype !== 'float32') throw new CheckpointError(`Weight '${name}' is ${cut(String(e.dtype))}, expected float32`);
    return { name: e.name, shape: e.shape as number[], dtype: 'float32' };
  });
}

/** The group's weights and shard paths of a model.json, or a readable reason it has none. */
export function parseModelJson(text: string): { modelTopology: unknown; entries: WeightEntry[]; paths: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CheckpointError('model.json is not valid JSON');
  }
  if (!isObj(parsed) || !Array.isArray(parsed.weightsManifest)) throw new CheckpointError('model.json has no weightsManifest: is it a TensorFlow.js model?');
  const entries: unknown[] = [];
  const paths: string[] = [];
  for (const [i, group] of parsed.weightsManifest.entries()) {
    if (!isObj(group) || !Array.isArray(group.weights)) throw new CheckpointError(`model.json: weightsManifest group ${i + 1} has no list of weights`);
    if (group.paths !== undefined && (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string'))) {
      throw new CheckpointError(`model.json: weightsManifest group ${i + 1} has paths that are not file names`);
    }
    entries.push(...group.weights);
    paths.push(...((group.paths as string[] | undefined) ?? []));
  }
  return { modelTopology: parsed.modelTopology, entries: checkEntries(entries), paths };
}

/** The weights' bytes as one ArrayBuffer (tf.io may hand them over in several). */
export function joinBuffers(data: ArrayBuffer | ArrayBuffer[] | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data;
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}

/** Throw naming the first weight (and position) holding NaN or ±Infinity; the entries are float32 in order. */
export function checkFinite(bytes: ArrayBuffer, entries: readonly WeightEntry[]): void {
  const values = new Float32Array(bytes, 0, Math.floor(bytes.byteLength / 4));
  let at = 0;
  for (const e of entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < size; i++) {
      const v = values[at + i];
      if (!Number.isFinite(v)) {
        throw new CheckpointError(`Weight '${cut(e.name)}' holds ${v} (at index ${i} of ${size}): the file is damaged or came from a run that diverged`);
      }
    }
    at += size;
  }
}
