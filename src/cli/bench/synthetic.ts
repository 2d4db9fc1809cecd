// Synthetic material for the scaling and sampling sections: an addition task of d digits whose
// context is 3d + 5 tokens (BOS + "a+b=" + d + 1 sum digits + EOS), so a context of 8, 16 or
// 32 is filled, and randomly initialised teachers of that context (the shipped teacher's size).
import { Rng } from '../../engine/rng';
import { TASKS, type Task } from '../../engine/tasks';
import { drawDistinct, type Example } from '../../engine/tasks/task';
import { Transformer } from '../../engine/model/transformer';
import { TEACHER_SIZES } from '../../engine/model/sizes';
import { VOCAB_SIZE } from '../../engine/tasks/vocab';

/** Digits d of the synthetic addition that fills a context of `seqLen` (3d + 5 ≤ seqLen). */
export function digitsFor(seqLen: number): number {
  const d = Math.floor((seqLen - 5) / 3);
  if (d < 1) throw new Error(`A context of ${seqLen} is too short for a synthetic addition`);
  return d;
}

export function syntheticAddition(seqLen: number): Task {
  const d = digitsFor(seqLen);
  const max = 10 ** d - 1;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const example = (a: number, b: number): Example => ({ prompt: `${pad(a, d)}+${pad(b, d)}=`, answer: pad(a + b, d + 1) });
  const draw = (rng: Rng) => example(rng.int(0, max), rng.int(0, max));
  const heldOut = drawDistinct(
    Math.min(64, (max + 1) ** 2 / 2),
    (
      (r) => () =>
        draw(r)
    )(new Rng(7)),
  );
  const held = new Set(heldOut.map((e) => e.prompt));
  return {
    ...TASKS.addition,
    seqLen,
    sampleTrain(rng) {
      for (;;) {
        const ex = draw(rng);
        if (!held.has(ex.prompt)) return ex;
      }
    },
    heldOut,
    score: (prompt, output) => {
      const m = /^(\d+)\+(\d+)=$/.exec(prompt);
      return m && output === pad(Number(m[1]) + Number(m[2]), d + 1) ? 1 : 0;
    },
  };
}

/** Run `fn` with TASKS.addition replaced by `task` (the Trainer and modelConfig look it up there). */
export async function withTask<T>(task: Task, fn: () => Promise<T>): Promise<T> {
  const original = TASKS.addition;
  (TASKS as Record<string, Task>).addition = task;
  try {
    return await fn();
  } finally {
    (TASKS as Record<string, Task>).addition = original;
  }
}

/** A randomly initialised teacher of the shipped size with context `seqLen`. */
export function syntheticTeacher(seqLen: number, seed = 3): Transformer {
  return Transformer.init({ vocabSize: VOCAB_SIZE, seqLen, ...TEACHER_SIZES.addition }, new Rng(seed), false);
}
