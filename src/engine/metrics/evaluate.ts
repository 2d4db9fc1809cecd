// The metrics of one evaluation (docs/methods.md, "Metrics"), on a fixed subset of the task's
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
import { skillScores } from '../tasks/skillScores';
import { sampleTensors } from '../model/sampling';
import type { Transformer } from '../model/transformer';
import { tokenDivergence } from '../objectives/divergences';
import { maskedMean, tokenNll } from '../objectives/likelihood';
import { exactFromTokenTvd } from '../objectives/ammd';
import type { EvaluationKey } from './catalog';
import { disposeBatch, shiftTargets, uploadBatch, type DeviceBatch } from '../deviceBatch';
import type { CriticEstimates, Probe } from './probe';

export type { CriticEstimates, Probe };

/**
 * Held-out prompts per evaluation. At 64 an evaluation costs about as much as 2–4 student steps
 * of the cheapest methods (see the trainer's evalFraction), under 20% of training at evalEvery 25.
 */
export const EVAL_PROMPTS = 64;

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

/** What an evaluation has on the device for the metrics to read (all inside one tf.tidy). */
export interface EvalMaterial {
  /** Teacher continuations with both models' logits; `tvd` per token [B, T]. */
  off: Probe & { tvd: tf.Tensor2D };
  /** The student's own continuations (τ = 1, fixed noise) with both models' logits. */
  on: Probe & { tvd: tf.Tensor2D };
  /** R of the exact best-critic distance 2R·Σ_t tvd (1 for every method but AMMD). */
  bound: number;
  /** The critics' distances and their penalised optimum's, for methods that train critics. */
  critic: ReturnType<CriticEstimates> | null;
}

/**
 * A critic's value over the best penalised critic's at the same states; null when that optimum
 * is (numerically) zero, i.e. the student already matches the teacher there.
 */
export function efficiency(found: number | null, possible: number | null): number | null {
  if (found === null || possible === null) return null;
  return possible > 1e-9 ? found / possible : null;
}

/**
 * How each evaluation metric of the catalog is computed, by key (TypeScript checks that every
 * one has exactly one computation):
 *   device:     a scalar from the material above; null when the method has no such quantity
 *   perExample: a number per held-out prompt from the student's decoded output, averaged
 *   derived:    from the other metrics' values, once they are read back
 */
type Computation =
  | { device: (m: EvalMaterial) => tf.Scalar | null }
  | { perExample: (task: Task, prompt: string, output: string) => number }
  | { derived: (v: Record<EvaluationKey, number | null>) => number | null };

const COMPUTE: { [K in EvaluationKey]: Computation } = {
  mmOnCritic: { device: (m) => m.critic?.on ?? null },
  mmOffCritic: { device: (m) => m.critic?.off ?? null },
  mmOnExact: { device: (m) => exactFromTokenTvd(m.on.tvd, m.on.mask, m.bound) },
  mmOffExact: { device: (m) => exactFromTokenTvd(m.off.tvd, m.off.mask, m.bound) },
  mmOnPenalised: { device: (m) => m.critic?.onPenalised ?? null },
  mmOffPenalised: { device: (m) => m.critic?.offPenalised ?? null },
  criticEffOn: { derived: (v) => efficiency(v.mmOnCritic, v.mmOnPenalised) },
  criticEffOff: { derived: (v) => efficiency(v.mmOffCritic, v.mmOffPenalised) },
  fklTeacher: { device: (m) => maskedMean(tokenDivergence('fkl', m.off.teacherLogits, m.off.studentLogits), m.off.mask) },
  rklStudent: { device: (m) => maskedMean(tokenDivergence('rkl', m.on.teacherLogits, m.on.studentLogits), m.on.mask) },
  tvdStudent: { device: (m) => maskedMean(m.on.tvd, m.on.mask) },
  tvdTeacher: { device: (m) => maskedMean(m.off.tvd, m.off.mask) },
  score: { perExample: (task, prompt, output) => task.score(prompt, output) },
  partialCredit: { perExample: (task, prompt, output) => task.partialCredit(prompt, output) },
};

const KEYS = Object.keys(COMPUTE) as EvaluationKey[];

export interface Evaluation {
  metrics: Record<EvaluationKey, number | null>;
  /** The student's NLL of the reference answers (DistiLLM's validation signal). */
  valNll: number;
  /** Task extras (ROUGE-L for reverse). */
  extras: Record<string, number>;
}

/**
 * Evaluate the student against the teacher on `set`. `bound` is R of the exact best-critic
 * distances 2R·Σ_t tvd (1 for every method but AMMD). Every device value is read back in one
 * transfer.
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

  // Which device metrics this method has (a null computation is skipped, not read back).
  const onDevice: EvaluationKey[] = [];
  const packed = tf.tidy(() => {
    const offTokens = set.teacherSamples;
    const offStudent = student.forward(offTokens.tokens);
    const onTeacher = teacher.forward(sampled.tokens);
    const onStudent = sampled.logits!;
    const off = { tokens: offTokens.tokens, mask: offTokens.mask, teacherLogits: set.teacherLogits, studentLogits: offStudent };
    const on = { tokens: sampled.tokens, mask: sampled.mask, teacherLogits: onTeacher, studentLogits: onStudent };
    const material: EvalMaterial = {
      off: { ...off, tvd: tokenDivergence('tvd', off.teacherLogits, off.studentLogits) },
      on: { ...on, tvd: tokenDivergence('tvd', on.teacherLogits, on.studentLogits) },
      bound: opts.bound,
      critic: opts.critic?.(on, off) ?? null,
    };
    const scalars: tf.Scalar[] = [maskedMean(tokenNll(student.forward(set.reference.tokens), set.reference.targets), set.reference.mask)];
    for (const key of KEYS) {
      const c = COMPUTE[key];
      const value = 'device' in c ? c.device(material) : null;
      if (value) {
        onDevice.push(key);
        scalars.push(value);
      }
    }
    const decoded = (greedy ?? sampled).tokens.reshape([-1]).toFloat();
    return tf.concat([tf.stack(scalars), decoded]);
  });
  tf.dispose([sampled.tokens, sampled.mask, sampled.logits!]);
  if (greedy) tf.dispose([greedy.tokens, greedy.mask]);
  const values = await packed.data();
  packed.dispose();

  const metrics = Object.fromEntries(KEYS.map((k) => [k, null])) as Record<EvaluationKey, number | null>;
  onDevice.forEach((key, i) => (metrics[key] = values[1 + i]));
  const T = teacher.config.seqLen;
  const ids = Int32Array.from(values.subarray(1 + onDevice.length), (x) => Math.round(x));
  const outputs = fromTokens(ids, set.prompts.promptLens, T);
  const perExample = KEYS.flatMap((k) => {
    const c = COMPUTE[k];
    return 'perExample' in c ? [{ key: k, of: c.perExample }] : [];
  });
  for (const { key } of perExample) metrics[key] = 0;
  const extras: Record<string, number> = {};
  const scored: Array<{ prompt: string; score: number }> = [];
  set.examples.forEach((ex, b) => {
    const text = decode(continuationIds(outputs, b));
    // An unfinished continuation is never right (as in scoring.ts).
    const output = finished(outputs, b) ? text : text + '…';
    for (const { key, of } of perExample) metrics[key]! += of(task, ex.prompt, output);
    scored.push({ prompt: ex.prompt, score: task.score(ex.prompt, output) });
    for (const [k, v] of Object.entries(task.extraScores?.(ex.prompt, output) ?? {})) extras[k] = (extras[k] ?? 0) + v / set.size;
  });
  for (const { key } of perExample) metrics[key]! /= set.size;
  Object.assign(extras, skillScores(task, scored));
  for (const key of KEYS) {
    const c = COMPUTE[key];
    if ('derived' in c) metrics[key] = c.derived(metrics);
  }
  return { metrics, valNll: values[0], extras };
}
