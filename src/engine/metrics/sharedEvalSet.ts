// Runs on the same teacher, task, seed and evaluation size draw the same evaluation set (the
// teacher's samples of the same held-out prompts with the same noise), so they share one: a
// four-student race or a reset pays the teacher's decoding of it once instead of once per run.
// Reference-counted; the set is disposed when its last run lets it go. Results are unchanged:
// the shared tensors hold exactly what each run would have computed.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import type { Task } from '../tasks';
import type { Transformer } from '../model/transformer';
import { EvalSet } from './evaluate';

interface Entry {
  set: EvalSet;
  refs: number;
}

const shared = new WeakMap<Transformer, Map<string, Entry>>();

/** The evaluation set of (teacher, task, stream state, size), built on first use. Pair with releaseEvalSet. */
export function acquireEvalSet(teacher: Transformer, task: Task, rng: Rng, size: number): EvalSet {
  const key = `${tf.getBackend()}|${task.id}|${task.seqLen}|${size}|${rng.state().join(',')}`;
  let byKey = shared.get(teacher);
  if (!byKey) shared.set(teacher, (byKey = new Map()));
  let entry = byKey.get(key);
  if (!entry) {
    entry = { set: EvalSet.create(teacher, task, rng, size), refs: 0 };
    byKey.set(key, entry);
  }
  entry.refs++;
  return entry.set;
}

export function releaseEvalSet(teacher: Transformer, set: EvalSet): void {
  const byKey = shared.get(teacher);
  if (!byKey) return;
  for (const [key, entry] of byKey) {
    if (entry.set !== set) continue;
    if (--entry.refs === 0) {
      entry.set.dispose();
      byKey.delete(key);
    }
    return;
  }
}
