// Where the shipped warm-start students live, by task and size. Plain data (no TensorFlow.js).
import type { TaskId } from '../tasks';
import { DEFAULT_STUDENT, type ModelSize } from './sizes';

/** How a run's student began: a shipped SFT checkpoint, or random weights from the seed. */
export type StudentStart = 'sft' | 'scratch';

export function sameSize(a: ModelSize, b: ModelSize): boolean {
  return a.dModel === b.dModel && a.nLayers === b.nLayers && a.nHeads === b.nHeads;
}

/** The folder of a shipped warm-start student of this size: 'default', or e.g. 'd64-l2-h4'. */
export function studentCheckpointName(size: ModelSize): string {
  return sameSize(size, DEFAULT_STUDENT) ? 'default' : `d${size.dModel}-l${size.nLayers}-h${size.nHeads}`;
}

/** Where a shipped student lives, relative to the site's root (public/ in the repository). */
export function studentCheckpointPath(task: TaskId, size: ModelSize): string {
  return `students/${task}/${studentCheckpointName(size)}`;
}

/** The list of shipped students (public/students/index.json): task → checkpoint folder names. */
export const STUDENT_INDEX = 'students/index.json';
export type StudentIndex = Partial<Record<TaskId, string[]>>;

/** What the page and the CLI say when a size has no shipped student. */
export function noWarmStudentNotice(task: string, size: ModelSize): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `No warm-start ${task} student ships for width ${size.dModel}, ${plural(size.nLayers, 'layer')}, ${plural(size.nHeads, 'head')}: it starts from random weights (as with Student start = scratch).`;
}

/** A size written WIDTHxLAYERSxHEADS (e.g. 32x1x2), or 'default'; a message when malformed. */
export function parseStudentSize(text: string | undefined): ModelSize | string {
  if (text === undefined || text === 'default') return DEFAULT_STUDENT;
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(text);
  if (!m) return `--size must be WIDTHxLAYERSxHEADS (e.g. 32x1x2) or default, got '${text}'`;
  const size = { dModel: Number(m[1]), nLayers: Number(m[2]), nHeads: Number(m[3]) };
  if (size.dModel % size.nHeads !== 0) return `--size: ${size.nHeads} heads do not divide the width ${size.dModel}`;
  return size;
}
