// The two critics AMMD's game can be measured against, computed exactly from p and q at every
// visited state instead of learned (docs/methods.md, "AMMD"):
//   oracle     f* = R·sign(p − q), the best critic with |f| ≤ R: its gap is 2R·tvd, the bound on
//              what any adversary can give the student;
//   penalised  f_c = clip((p − q)/(2c), −R, R), the maximiser of g_f − c·Σ_a f² with |f| ≤ R:
//              what the learned critic's own (penalised) objective allows. At c = 0 it is the
//              oracle.
// Both are constants for the student: no gradient flows into p or q through them.
import * as tf from '@tensorflow/tfjs';
import type { ActionValues, CriticHead, CriticInput } from './critic';
import { stopGradient } from './stopGradient';

/** f_c = clip((p − q)/(2c), −R, R) at every state, [B, T, V]; R·sign(p − q) when c = 0. */
export function penalisedOptimum(teacherLogits: tf.Tensor3D, studentLogits: tf.Tensor3D, c: number, R: number, temperature = 1): tf.Tensor3D {
  if (!(c >= 0) || !Number.isFinite(c)) throw new Error(`penalisedOptimum: the penalty c must be ≥ 0, got ${c}`);
  if (!(R > 0) || !Number.isFinite(R)) throw new Error(`penalisedOptimum: the bound R must be positive, got ${R}`);
  return tf.tidy(() => {
    const diff = stopGradient(tf.softmax(teacherLogits.div(temperature)).sub(tf.softmax(studentLogits.div(temperature))));
    if (c === 0) return diff.sign().mul(R) as tf.Tensor3D;
    return diff.div(2 * c).clipByValue(-R, R) as tf.Tensor3D;
  });
}

/** A critic that is the exact optimum at every state it is shown: the oracle (c = 0) or f_c. */
export class ExactCritic implements ActionValues {
  private bound: number;
  private c: number;

  /** penalty 0 is the oracle f* = R·sign(p − q). */
  constructor(R: number, penalty: number) {
    this.bound = R;
    this.c = penalty;
  }

  get R(): number {
    return this.bound;
  }

  setBound(R: number): void {
    this.bound = R;
  }

  setPenalty(c: number): void {
    this.c = c;
  }

  valuesFor(on: CriticInput, off: CriticInput): { on: tf.Tensor3D; off: tf.Tensor3D } {
    return { on: this.valueFor(on, 'on'), off: this.valueFor(off, 'off') };
  }

  valueFor(batch: CriticInput, _head: CriticHead): tf.Tensor3D {
    return penalisedOptimum(batch.teacherLogits, batch.studentLogits, this.c, this.bound);
  }
}
