// Reading and writing models as files in Node (the browser loads them over HTTP instead).
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFromFiles, modelJson, toArtifacts, WEIGHTS_FILE, type ModelMeta } from '../engine/model/checkpoint';
import type { Transformer, ModelConfig } from '../engine/model/transformer';
import type { ModelSize } from '../engine/model/sizes';
import { noWarmStudentNotice, studentCheckpointPath, STUDENT_INDEX, type StudentIndex } from '../engine/model/shippedStudents';
import { studentConfig, type RunConfig } from '../engine/trainer';
import type { TaskId } from '../engine/tasks';

// The GPU bench bundle (npm run bench:bundle) is one file in another folder: it says where its copy of public/ is.
export const REPO_ROOT = process.env.ALEMBIC_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function teacherDir(task: string): string {
  return join(REPO_ROOT, 'public', 'teachers', task);
}

/** The shipped warm-start student of `task` at `size` (public/students/<task>/<size name>/). */
export function studentDir(task: TaskId, size: ModelSize): string {
  return join(REPO_ROOT, 'public', studentCheckpointPath(task, size));
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

/** Rewrite public/students/index.json from the checkpoints on disk (the page reads it first). */
export function writeStudentIndex(): StudentIndex {
  const root = join(REPO_ROOT, 'public', 'students');
  const index: StudentIndex = {};
  for (const task of readdirSync(root).sort()) {
    if (!statSync(join(root, task)).isDirectory()) continue;
    const names = readdirSync(join(root, task)).filter((n) => existsSync(join(root, task, n, 'model.json')));
    if (names.length) index[task as TaskId] = names.sort();
  }
  writeFileSync(join(REPO_ROOT, 'public', STUDENT_INDEX), JSON.stringify(index, null, 1) + '\n');
  return index;
}

/**
 * The weights a run's students start from, read from public/students/ (null for studentInit =
 * scratch, or with a notice when no student of that size ships). The caller disposes the model.
 */
export function loadStudentStart(config: RunConfig): { model: Transformer | null; notice: string | null } {
  if (config.settings.studentInit !== 'sft') return { model: null, notice: null };
  const c = studentConfig(config);
  const size = { dModel: c.dModel, nLayers: c.nLayers, nHeads: c.nHeads };
  const task = config.settings.task as TaskId;
  const dir = studentDir(task, size);
  if (!existsSync(join(dir, 'model.json'))) return { model: null, notice: noWarmStudentNotice(task, size) };
  return { model: loadModelDir(dir, c).model, notice: null };
}
