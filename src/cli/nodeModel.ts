// Reading and writing models as files in Node (the browser loads them over HTTP instead).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFromFiles, modelJson, toArtifacts, WEIGHTS_FILE, type ModelMeta } from '../engine/model/checkpoint';
import type { Transformer, ModelConfig } from '../engine/model/transformer';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function teacherDir(task: string): string {
  return join(REPO_ROOT, 'public', 'teachers', task);
}

export async function saveModelDir(model: Transformer, dir: string, meta: ModelMeta = {}): Promise<void> {
  const artifacts = await toArtifacts(model, meta);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, WEIGHTS_FILE), new Uint8Array(artifacts.weightData as ArrayBuffer));
  writeFileSync(join(dir, 'model.json'), modelJson(artifacts));
}

export function loadModelDir(dir: string, expect: Partial<ModelConfig> = {}) {
  const json = readFileSync(join(dir, 'model.json'), 'utf8');
  const bin = readFileSync(join(dir, WEIGHTS_FILE));
  return loadFromFiles(json, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), expect);
}

