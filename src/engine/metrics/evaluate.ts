// The metrics of one evaluation (spec/objectives.md, "Metrics"), on a fixed subset of the task's
// held-out prompts with fixed sampling noise, so that two evaluations (and two methods with the
// same seed) differ only through the student:
//   teacher continuations (sampled once, at τ = 1): fklTeacher, tvdTeacher, mmOffExact
//   student continuations (τ = 1, same noise each time): rklStudent, tvdStudent, mmOnExact
//   AMMD's critics on both: mmOnCritic, mmOffCritic
//   score: greedy exact match (addition, reverse) or the grammatical rate of the τ = 1 samples
//   valNll: the student's NLL of the reference answers (DistiLLM's validation signal)
// Everything is read back in one transfer.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';
import type { Example, Task } from '../tasks';
import { encodeExamples, encodePrompts, fromTokens, continuationIds, finished } from '../data';
import { decode } from '../tasks/vocab';
import { sampleTensors } from '../model/sampling';
import type { Transformer } from '../model/transformer';
import { tokenDivergence } from '../objectives/divergences';
import { maskedMean, maskedSequenceMean, tokenNll } from '../objectives/likelihood';
import { disposeBatch, shiftTargets, uploadBatch, type DeviceBatch } from '../methods/runtime';

/**
 * Held-out prompts per evaluation. At 64 an evaluation costs about as much as 2–4 student steps
 * of the cheapest methods (see the trainer's evalFraction), under 20% of training at evalEvery 25.
 */
export const EVAL_PROMPTS = 64;

/** Continuations and both models' logits on them, for a critic to score. */
export interface Probe {
  tokens: tf.Tensor2D;
  mask: tf.Tensor2D;
  teacherLogits: tf.Tensor3D;
  studentLogits: tf.Tensor3D;
}

/**
 * The critics' distances L_on (student continuations) and L_off (teacher continuations), and
 * what the best critic of their penalised objective would find at the same states.
 */
export type CriticEstimates = (on: Probe, off: Probe) => { on: tf.Scalar; off: tf.Scalar; onPenalised: tf.Scalar; offPenalised: tf.Scalar };

/** The fixed evaluation material: prompts, references, teacher samples and the student's noise. */
export class EvalSet {
  readonly examples: readonly Example[];
  readonly prompts: { tokens: Int32Array; promptLens: Int32Array };
  readonly reference: DeviceBatch;
  readonly teacherSamples: DeviceBatch;
  readonly teacherLogits: tf.Tensor3D;
  private readonly noise: number[];

  private constructor(examples: readonly Example[], seqLen: number, teacher: Transformer, rng: Rng) {
    this.examples = examples;
    this.prompts = encodePrompts(
      examples.map((e) => e.prompt),
      seqLen,
    );
    this.reference = uploadBatch(encodeExamples(examples, seqLen));
    const sampled = sampleTensors(teacher, this.prompts, { temperature: 1, rng: rng.fork() });
    this.teacherSamples = { tokens: sampled.tokens, targets: shiftTargets(sampled.tokens), mask: sampled.mask };
    this.teacherLogits = teacher.forward(sampled.tokens);
    this.noise = rng.fork().state();
  }

  static create(teacher: Transformer, task: Task, rng: Rng, size = EVAL_PROMPTS): EvalSet {
    const n = Math.min(size, task.heldOut.length);
    return new EvalSet(task.heldOut.slice(0, n), teacher.config.seqLen, teacher, rng);
  }

  get size(): number {
    return this.examples.length;
  }

  /** The same noise at every evaluation: common random numbers make the curves smooth. */
  studentNoise(): Rng {
    return Rng.fromState(this.noise);
  }

  dispose(): void {
    disposeBatch(this.reference);
    disposeBatch(this.teacherSamples);
    this.teacherLogits.dispose();
  }
}

/** How many scalars precede the decoded tokens in the one read. */
const SCALARS = 11;

/**
 * A critic's value over the best penalised critic's at the same states; null when that optimum
 * is (numerically) zero, i.e. the student already matches the teacher there.
 */
export function efficiency(found: number, possible: number): number | null {
  return possible > 1e-9 ? found / possible : null;
}

export interface Evaluation {
  fklTeacher: number;
  tvdTeacher: number;
  mmOffExact: number;
  rklStudent: number;
  tvdStudent: number;
  mmOnExact: number;
  mmOnCritic: number | null;
  mmOffCritic: number | null;
  /** The best penalised critic's distances at the same states (AMMD). */
  mmOnPenalised: number | null;
  mmOffPenalised: number | null;
  /** Critic efficiency: the learned critic's distance over the best penalised critic's (AMMD). */
  criticEffOn: number | null;
  criticEffOff: number | null;
  score: number;
  valNll: number;
  /** Task extras (ROUGE-L for reverse). */
  extras: Record<string, number>;
}

/**
 * Evaluate the student against the teacher on `set`. `bound` is R of the exact best-critic
 * distances 2R·Σ_t tvd (1 for every method but AMMD).
 */
export async function evaluateStudent(
  teacher: Transformer,
  student: Transformer,
  task: Task,
  set: EvalSet,
  opts: { bound: number; critic?: CriticEstimates },
): Promise<Evaluation> {
  const greedyScore = task.scoring === 'greedy-exact-match';
  const noise = set.studentNoise();
  // The student's logits on its own samples come back from the sampling.
  const sampled = sampleTensors(student, set.prompts, { temperature: 1, rng: noise, keepLogits: true });
  const greedy = greedyScore ? sampleTensors(student, set.prompts, { temperature: 0, rng: noise }) : null;

  const packed = tf.tidy(() => {
    const off = set.teacherSamples;
    const offStudent = student.forward(off.tokens);
    const tvdOff = tokenDivergence('tvd', set.teacherLogits, offStudent);

    const onTeacher = teacher.forward(sampled.tokens);
    const onStudent = sampled.logits!;
    const tvdOn = tokenDivergence('tvd', onTeacher, onStudent);

    const refNll = maskedMean(tokenNll(student.forward(set.reference.tokens), set.reference.targets), set.reference.mask);
    const critic = opts.critic?.(
      { tokens: sampled.tokens, mask: sampled.mask, teacherLogits: onTeacher, studentLogits: onStudent },
      { tokens: off.tokens, mask: off.mask, teacherLogits: set.teacherLogits, studentLogits: offStudent },
    );
    const scalars = tf.stack([
      maskedMean(tokenDivergence('fkl', set.teacherLogits, offStudent), off.mask),
      maskedMean(tvdOff, off.mask),
      maskedSequenceMean(tvdOff, off.mask).mul(2 * opts.bound),
      maskedMean(tokenDivergence('rkl', onTeacher, onStudent), sampled.mask),
      maskedMean(tvdOn, sampled.mask),
      maskedSequenceMean(tvdOn, sampled.mask).mul(2 * opts.bound),
      refNll,
      critic ? critic.on : tf.scalar(0),
      critic ? critic.off : tf.scalar(0),
      critic ? critic.onPenalised : tf.scalar(0),
      critic ? critic.offPenalised : tf.scalar(0),
    ]);
    const decoded = (greedy ?? sampled).tokens.reshape([-1]).toFloat();
    return tf.concat([scalars, decoded]);
  });
  tf.dispose([sampled.tokens, sampled.mask, sampled.logits!]);
  if (greedy) tf.dispose([greedy.tokens, greedy.mask]);
  const values = await packed.data();
  packed.dispose();

  const T = teacher.config.seqLen;
  const ids = Int32Array.from(values.subarray(SCALARS), (x) => Math.round(x));
  const outputs = fromTokens(ids, set.prompts.promptLens, T);
  let total = 0;
  const extras: Record<string, number> = {};
  set.examples.forEach((ex, b) => {
    const text = decode(continuationIds(outputs, b));
    // An unfinished continuation is never right (as in scoring.ts).
    const output = finished(outputs, b) ? text : text + '…';
    total += task.score(ex.prompt, output);
    for (const [k, v] of Object.entries(task.extraScores?.(ex.prompt, output) ?? {})) extras[k] = (extras[k] ?? 0) + v / set.size;
  });
  const has = opts.critic !== undefined;
  return {
    fklTeacher: values[0],
    tvdTeacher: values[1],
    mmOffExact: values[2],
    rklStudent: values[3],
    tvdStudent: values[4],
    mmOnExact: values[5],
    valNll: values[6],
    mmOnCritic: has ? values[7] : null,
    mmOffCritic: has ? values[8] : null,
    mmOnPenalised: has ? values[9] : null,
    mmOffPenalised: has ? values[10] : null,
    criticEffOn: has ? efficiency(values[7], values[9]) : null,
    criticEffOff: has ? efficiency(values[8], values[10]) : null,
    score: total / set.size,
    extras,
  };
}
