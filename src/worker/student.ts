// The shipped warm-start students (public/students/<task>/<size>/), fetched once per task and
// size and kept for later runs. A size with no shipped checkpoint starts from random weights,
// and the page is told so.
import { loadFromUrl } from '../engine/model/checkpoint';
import { noWarmStudentNotice, studentCheckpointName, studentCheckpointPath, STUDENT_INDEX, type StudentIndex } from '../engine/model/shippedStudents';
import type { Transformer } from '../engine/model/transformer';
import type { RunConfig } from '../engine/runConfig';
import { studentConfig } from '../engine/trainer';
import type { TaskId } from '../engine/tasks';

export type StudentCheckpoint = { model: Transformer; meta: Record<string, unknown> } | { model: null; notice: string };

/** Where a run's students start from. The source owns the models it hands out (trainers copy them). */
export interface StudentSource {
  /** The checkpoint a run's students start from, or null (Student start = scratch). */
  load(config: RunConfig): Promise<StudentCheckpoint | null>;
  /** Release every model held (the backend changes). */
  release(): void;
}

const cache = new Map<string, StudentCheckpoint>();
let index: Promise<StudentIndex> | null = null;

/** Which checkpoints ship, read once: a size not listed is never fetched (no 404 to log). */
function shipped(): Promise<StudentIndex> {
  index ??= fetch(new URL(`${import.meta.env.BASE_URL}${STUDENT_INDEX}`, self.location.href).href)
    .then((r) => (r.ok ? (r.json() as Promise<StudentIndex>) : {}))
    .catch(() => ({}));
  return index;
}

/** The checkpoint a run's students start from, or null with the reason (none for 'scratch'). */
export async function studentCheckpoint(config: RunConfig): Promise<StudentCheckpoint | null> {
  if (config.settings.studentInit !== 'sft') return null;
  const c = studentConfig(config);
  const size = { dModel: c.dModel, nLayers: c.nLayers, nHeads: c.nHeads };
  const task = config.settings.task as TaskId;
  const path = studentCheckpointPath(task, size);
  const known = cache.get(path);
  if (known) return known;
  const missing = { model: null, notice: noWarmStudentNotice(task, size) };
  let found: StudentCheckpoint = missing;
  if ((await shipped())[task]?.includes(studentCheckpointName(size))) {
    try {
      found = await loadFromUrl(new URL(`${import.meta.env.BASE_URL}${path}/model.json`, self.location.href).href, c);
    } catch (e) {
      found = { model: null, notice: `The warm-start ${task} student could not be loaded (${(e as Error).message}): it starts from random weights.` };
    }
  }
  cache.set(path, found);
  return found;
}

/** Release every cached checkpoint (when the backend changes). */
export function disposeStudentCheckpoints(): void {
  for (const c of cache.values()) c.model?.dispose();
  cache.clear();
}

/** The students shipped with the site, fetched from beside the worker and kept. */
export const shippedStudents: StudentSource = { load: studentCheckpoint, release: disposeStudentCheckpoints };
