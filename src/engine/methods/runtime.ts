// The runtime half of a method: where its batch comes from, its critic steps, and the student
// loss the trainer differentiates. The trainer owns the models, the optimiser, the one read per
// step and the halting; a method only builds tensors. Data sources: docs/methods.md.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import type { FlatAdam } from '../flatAdam';
import type { Example, Task } from '../tasks';
import type { ParamValue, ParamValues } from '../params';
import type { Settings } from '../settings';
import type { Transformer } from '../model/transformer';
import type { ModelConfig } from '../model/config';
import { encodeExamples, encodePrompts } from '../data';
import { disposeBatch, shiftTargets, uploadBatch, type DeviceBatch } from '../deviceBatch';
import { sampleTensors } from '../model/sampling';
import { timed } from '../profile';
import type { CriticEstimates } from '../metrics/probe';
import type { MethodMetricKey } from '../metrics/catalog';

/**
 * Where a step's batch came from: the dataset, teacher or student samples, DistiLLM's replay
 * buffer, a teacher-mixed policy or two samplers ('mixed'), teacher and student responses to
 * the same prompts ('paired', DistiLLM-2), or student proposals the teacher corrected
 * ('speculative', SKD). A batch is fixed-shape: logits[:, t] predict targets[:, t] = tokens[:, t + 1].
 */
export type DataSource = 'dataset' | 'teacher' | 'student' | 'buffer' | 'mixed' | 'paired' | 'speculative';

/** What a method sees at one training step; `H` is its typed hyperparameters (HyperOf its declaration). */
export interface StepContext<H = ParamValues> {
  teacher: Transformer;
  student: Transformer;
  task: Task;
  /** The method's hyperparameters as they are now (live changes included), read afresh each step. */
  hyper: H;
  /** The run's shared settings, typed, as they are now. */
  settings: Settings;
  /** Steps completed before this one. */
  step: number;
  /** This step's B examples from the shared data stream (every method draws the same ones). */
  examples: readonly Example[];
  /** Sampling noise and the method's own draws (GKD's u, DistiLLM's r): independent streams. */
  sampleRng: Rng;
  methodRng: Rng;
}

/** The student step a method asks for. */
export interface StepPlan {
  /** The student's loss; the trainer differentiates it w.r.t. the student (and `extraVariables`). */
  loss: () => tf.Scalar;
  /**
   * A second loss to report (AMMD's critic loss at its last step, X-KD's reward-head loss).
   * A method may set it from inside `loss` (keep it with tf.keep); the trainer disposes it.
   */
  side: tf.Scalar | null;
  /** Where the batch came from, for display. */
  source: DataSource;
  /** The batch the student learns from (the on-policy one for AMMD), for inspection. */
  batch?: DeviceBatch;
  /** AMMD: the teacher-sampled (off-policy) batch beside `batch`, for inspection. */
  offPolicy?: DeviceBatch;
  /**
   * Integers the method needs on the CPU after the step (DistiLLM's sampled tokens, SKD's
   * accept/replace codes); read together with the loss (one read).
   */
  readTokens?: tf.Tensor2D;
  afterRead?: (tokens: Int32Array) => void;
  /** Called once the update is applied, with the step's loss (TAID's schedule reads it). */
  afterStep?: (loss: number) => void;
  /** The step's tensors. */
  dispose(): void;
}

/** What the trainer hands the registry to build a method: the run's hyperparameters as given (changed live in place). */
export interface MethodInputs {
  hyper: ParamValues;
  /** The run's shared settings, typed, as they are now. */
  settings: Settings;
  studentConfig: ModelConfig;
  /** The method's own stream for initialising critics or heads. */
  initRng: Rng;
  /** The run's teacher and student, for methods that read their hidden states (AMMD's critics). */
  models?: { teacher: Transformer; student: Transformer };
}

/** What a method's factory receives: its hyperparameters typed and checked (see registry.ts). */
export interface MethodSetup<H> extends Omit<MethodInputs, 'hyper'> {
  /** The values when the method is built: the ones that apply on restart never change after. */
  hyper: H;
  /** The values as they are now, live changes included (for reads outside a step, such as at an evaluation). */
  current(): H;
}

/** A piece of a method's plain state that another run's same piece can be copied into. */
export interface PlainState {
  copyFrom(other: PlainState): void;
}

/** A method's state across steps. */
export interface MethodRuntime<H = ParamValues> {
  /** Build the step's batch, take the critic steps, and return the student's loss. */
  prepare(ctx: StepContext<H>): StepPlan;
  /** Variables trained jointly with the student by the student's optimiser (X-KD's reward head). */
  extraVariables(): tf.Variable[];
  /** Called at every evaluation with the student's validation NLL (DistiLLM's threshold). */
  observeEvaluation?(valNll: number): void;
  /** Numbers shown beside the metrics (DistiLLM's φ and buffer fill). */
  extras(): Record<string, number>;
  /** The method's own catalog metrics at an evaluation (TAID's t, SKD's acceptance rate); the declaration's `reports` lists them. */
  metrics?(): Partial<Record<MethodMetricKey, number>>;
  /** AMMD: the critics' distances on evaluation continuations (mmOnCritic, mmOffCritic). */
  criticEstimates?: CriticEstimates;
  /** R of the exact best-critic distances (AMMD's bound; 1 for every other method). */
  bound?(): number;
  /** A live hyperparameter changed. */
  setLive?(id: string, value: ParamValue): void;
  /**
   * The learned state a scratch copy of the run takes over to step as the run would (AMMD's
   * critics and their optimiser): variables and optimisers in a fixed order, matched pairwise.
   */
  carried?(): { variables: tf.Variable[]; optimizers: FlatAdam[] };
  /**
   * The plain (non-tensor) state the next step depends on, which a scratch copy takes over the
   * same way (TAID's schedule of t; DistiLLM's off-policy schedule and replay buffer), in a fixed
   * order, matched pairwise.
   */
  plainState?(): PlainState[];
  dispose(): void;
}

/** The reference answers of this step's examples. */
export function datasetBatch(ctx: StepContext<unknown>): DeviceBatch {
  return uploadBatch(encodeExamples(ctx.examples, ctx.student.config.seqLen));
}

export function stepPrompts(ctx: StepContext<unknown>) {
  return encodePrompts(
    ctx.examples.map((e) => e.prompt),
    ctx.student.config.seqLen,
  );
}

/** A sampled batch, with the logits the sampling computed when they were asked for. */
export interface SampledBatch extends DeviceBatch {
  /** The sampling model's logits on `tokens` (with `keepLogits`). */
  logits?: tf.Tensor3D;
  /** The mix model's logits on `tokens` (with `keepLogits` and a mix). */
  mixLogits?: tf.Tensor3D;
}

/**
 * Continuations of this step's prompts sampled from `model` (optionally mixed with another), no
 * gradient. With `keepLogits`, the logits the sampler computed come along (the caller disposes
 * them), so a method need not run a model again on the samples it just drew.
 */
export function sampledBatch(
  ctx: StepContext<unknown>,
  model: Transformer,
  temperature: number,
  mix?: { model: Transformer; weight: number },
  keepLogits = false,
): SampledBatch {
  return timed('sampling', () => {
    const s = sampleTensors(model, stepPrompts(ctx), { temperature, rng: ctx.sampleRng, mix, keepLogits });
    return { tokens: s.tokens, targets: shiftTargets(s.tokens), mask: s.mask, logits: s.logits, mixLogits: s.mixLogits };
  });
}

/** A plan over one batch: disposes the batch (and any extra tensors) when the step is done. */
export function planOver(batch: DeviceBatch, source: DataSource, loss: () => tf.Scalar, extra: tf.Tensor[] = []): StepPlan {
  const plan: StepPlan = {
    loss,
    side: null,
    source,
    batch,
    dispose() {
      disposeBatch(batch);
      tf.dispose(extra);
      if (plan.side) plan.side.dispose();
    },
  };
  return plan;
}
