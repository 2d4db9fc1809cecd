// The training loop: each step draws B examples from the shared data stream, lets the method
// build its batch and take its critic steps, then takes one student step. The step's loss and
// gradient norm come back in ONE read; the update is applied only if both are finite, so a
// diverging run halts with the last good weights. Every evalEvery steps it emits a metric record.
import * as tf from '@tensorflow/tfjs';
import { FlatAdam } from './flatAdam';
import { getTask, type Task } from './tasks';
import { VOCAB_SIZE } from './tasks/vocab';
import { Transformer } from './model/transformer';
import type { StudentStart } from './model/shippedStudents';
import { fromArtifacts, toArtifacts, CheckpointError } from './model/checkpoint';
import { coerce, type ParamValue } from './params';
import { METRIC_KEYS, assembleRecord, type MetricRecord } from './metrics/record';
import type { TrainingKey } from './metrics/catalog';
import { EvalSet, evaluateStudent, EVAL_PROMPTS } from './metrics/evaluate';
import { getMethod } from './methods/declarations';
import type { MethodDeclaration } from './methods/types';
import { createMethod } from './methods/registry';
import type { DataSource, MethodRuntime, StepContext } from './methods/runtime';
import { findParam, resolveConfig, type RunConfig } from './runConfig';
import { readSettings } from './settings';
import { now, profiling, report, syncDevice } from './profile';
import { acquireEvalSet, releaseEvalSet } from './metrics/sharedEvalSet';
import { EARLY_EVAL_STEPS, MAX_GRAD_NORM, haltReason, isEvalStep, warmedUp } from './stepRules';
import { checkFits, forkStreams, studentConfig, type Streams } from './runSetup';
import type { StepOptions, StepOutcome, TrainerOptions } from './trainerOptions';

export { resolveConfig, type RunConfig };
export { EARLY_EVAL_STEPS, MAX_GRAD_NORM, isEvalStep, warmedUp, studentConfig };
export type { StepOptions, StepOutcome, TrainerOptions };

export class Trainer {
  readonly config: RunConfig;
  readonly backendName: string | null;
  readonly studentStart: StudentStart;
  private readonly earlyEvalSteps: readonly number[];
  private readonly task: Task;
  private readonly teacherModel: Transformer;
  private readonly studentModel: Transformer;
  private readonly method: MethodRuntime;
  private readonly declaration: MethodDeclaration;
  /** Created at the first step, over the student's variables and the method's extra ones. */
  private optimizer: FlatAdam | null = null;
  private readonly evalSet: EvalSet;
  private readonly streams: Streams;
  private stepCount = 0;
  private lastLoss: number | null = null;
  private lastSide: number | null = null;
  private busy = false;
  /** Training time (ms) and steps since the last record, for stepsPerSec. */
  private sinceRecord = { ms: 0, steps: 0 };
  /** Total time spent training and evaluating, for the evaluation's share of the run. */
  private totals = { trainMs: 0, evalMs: 0 };

  private constructor(config: RunConfig, teacher: Transformer, opts: TrainerOptions) {
    this.config = { method: config.method, settings: { ...config.settings }, hyper: { ...config.hyper } };
    this.backendName = opts.backendName ?? null;
    this.task = getTask(String(config.settings.task));
    const T = this.task.seqLen;
    if (teacher.config.vocabSize !== VOCAB_SIZE || teacher.config.seqLen !== T) {
      throw new Error(
        `The teacher does not fit task '${this.task.id}': vocabulary ${teacher.config.vocabSize} and context ${teacher.config.seqLen}, expected ${VOCAB_SIZE} and ${T}`,
      );
    }
    this.teacherModel = teacher;
    const settings = readSettings(this.config.settings);
    this.streams = forkStreams(settings.seed);
    const sConfig = studentConfig(this.config);
    if (opts.initialStudent) checkFits(opts.initialStudent.config, sConfig);
    this.studentModel = Transformer.init(sConfig, this.streams.init);
    this.studentStart = opts.initialStudent ? 'sft' : 'scratch';
    this.earlyEvalSteps = opts.earlyEvalSteps ?? EARLY_EVAL_STEPS;
    if (opts.initialStudent) for (const [name, v] of this.studentModel.params) v.assign(opts.initialStudent.p(name));
    this.declaration = getMethod(config.method);
    this.method = createMethod(config.method, {
      hyper: this.config.hyper,
      settings,
      studentConfig: sConfig,
      initRng: this.streams.methodInit,
      models: { teacher, student: this.studentModel },
    });
    this.evalSet = acquireEvalSet(teacher, this.task, this.streams.evaluation, opts.evalPrompts ?? EVAL_PROMPTS);
  }

  /** A run of `config` against `teacher` (owned by the caller); the student is initialised from the seed. */
  static async create(config: RunConfig, teacher: Transformer, opts: TrainerOptions = {}): Promise<Trainer> {
    await tf.ready();
    return new Trainer(config, teacher, opts);
  }

  get step(): number {
    return this.stepCount;
  }

  get teacher(): Transformer {
    return this.teacherModel;
  }

  get student(): Transformer {
    return this.studentModel;
  }

  /** The share of time spent evaluating so far (0–1). */
  get evalFraction(): number {
    const all = this.totals.trainMs + this.totals.evalMs;
    return all > 0 ? this.totals.evalMs / all : 0;
  }

  /**
   * One training step; evaluates when the new step count is one of EARLY_EVAL_STEPS or a
   * multiple of evalEvery (unless `evaluate` is false: a warm-up step that no one will chart).
   */
  async trainStep(opts: StepOptions = {}): Promise<StepOutcome> {
    if (this.busy) throw new Error('Trainer.trainStep: the previous step has not finished');
    this.busy = true;
    try {
      const started = now();
      const { halted, source } = await this.studentStep(opts);
      const elapsed = now() - started;
      this.totals.trainMs += elapsed;
      if (halted) return { step: this.stepCount, record: null, halted, source };
      this.sinceRecord.ms += elapsed;
      this.sinceRecord.steps++;
      const { evalEvery } = readSettings(this.config.settings);
      const record = opts.evaluate !== false && isEvalStep(this.stepCount, evalEvery, this.earlyEvalSteps) ? await this.evaluateNow() : null;
      return { step: this.stepCount, record, halted: null, source };
    } finally {
      this.busy = false;
    }
  }

  /** The loss of the last step taken (null before the first). */
  get lastStepLoss(): number | null {
    return this.lastLoss;
  }

  /** The metric record of the student as it is now. */
  async evaluate(): Promise<MetricRecord> {
    return this.evaluateNow();
  }

  private async studentStep(opts: StepOptions): Promise<{ halted: string | null; source: DataSource }> {
    // Read afresh each step: live changes apply from the next step.
    const settings = readSettings(this.config.settings);
    const examples = opts.examples ?? Array.from({ length: settings.batchSize }, () => this.task.sampleTrain(this.streams.data));
    const ctx: StepContext = {
      teacher: this.teacherModel,
      student: this.studentModel,
      task: this.task,
      hyper: this.config.hyper,
      settings,
      step: this.stepCount,
      examples,
      sampleRng: this.streams.sample,
      methodRng: this.streams.method,
    };
    // Profiling only (a phase sink is installed): the device finishes each phase before the next
    // starts, so that webgpu timings are real; no tensor is read for it.
    const profile = profiling();
    let mark = profile ? now() : 0;
    const plan = this.method.prepare(ctx);
    opts.onPlan?.(plan.batch, plan.source);
    if (profile) {
      await syncDevice();
      report('prepare', now() - mark);
      mark = now();
    }
    let grads: tf.NamedTensorMap = {};
    const owned: tf.Tensor[] = [];
    try {
      const vars = [...this.studentModel.variables(), ...this.method.extraVariables()];
      this.optimizer ??= new FlatAdam(vars, settings.lr, 0.9, 0.98);
      this.optimizer.learningRate = warmedUp(settings.lr, this.stepCount, settings.lrWarmup);
      const { value, grads: g } = tf.variableGrads(plan.loss, vars);
      grads = g;
      owned.push(value);
      const flat = this.optimizer.flatten(grads);
      owned.push(flat);
      const packed = tf.tidy(() => {
        const norm = flat.square().sum().sqrt();
        const head = tf.stack([value, norm, plan.side ?? tf.scalar(0)]);
        return plan.readTokens ? tf.concat([head, plan.readTokens.reshape([-1]).toFloat()]) : head;
      });
      owned.push(packed);
      const values = await packed.data(); // the step's one GPU→CPU read
      const [loss, gradNorm, side] = [values[0], values[1], values[2]];
      const reason = haltReason(this.stepCount + 1, loss, gradNorm, plan.side ? side : 0, this.declaration.sideLoss);
      if (reason) return { halted: reason, source: plan.source };

      const scale = gradNorm > MAX_GRAD_NORM ? MAX_GRAD_NORM / gradNorm : 1;
      this.optimizer.apply(flat, scale);
      if (plan.afterRead && plan.readTokens) plan.afterRead(Int32Array.from(values.subarray(3), (x) => Math.round(x)));
      plan.afterStep?.(loss);
      if (profile) {
        await syncDevice();
        report('studentStep', now() - mark);
      }
      this.stepCount++;
      this.lastLoss = loss;
      this.lastSide = plan.side ? side : null;
      return { halted: null, source: plan.source };
    } finally {
      tf.dispose(grads);
      tf.dispose(owned);
      plan.dispose();
    }
  }

  private async evaluateNow(): Promise<MetricRecord> {
    const started = now();
    const bound = this.method.bound?.() ?? 1;
    const m = await evaluateStudent(this.teacherModel, this.studentModel, this.task, this.evalSet, { bound, critic: this.method.criticEstimates });
    this.method.observeEvaluation?.(m.valNll);
    const { ms, steps } = this.sinceRecord;
    const training: Record<TrainingKey, number | null> = {
      step: this.stepCount,
      loss: this.lastLoss,
      criticLoss: this.declaration.has.criticLoss ? this.lastSide : null,
      stepsPerSec: steps > 0 && ms > 0 ? (steps * 1000) / ms : null,
    };
    const record = assembleRecord(m.metrics, training, { valNll: m.valNll, ...m.extras, ...this.method.extras() }, this.method.metrics?.() ?? {});
    this.sinceRecord = { ms: 0, steps: 0 };
    if (profiling()) {
      await syncDevice();
      report('evaluation', now() - started);
    }
    this.totals.evalMs += now() - started;
    return record;
  }

  /** Change a setting or hyperparameter declared 'live'; applies from the next step. */
  setLive(id: string, value: ParamValue): void {
    const found = findParam(this.config.method, id);
    if (!found) throw new Error(`'${id}' is neither a run setting nor a parameter of ${this.config.method}`);
    if (found.spec.apply !== 'live') throw new Error(`'${found.spec.label}' (${id}) applies on restart: reset the run to change it`);
    const { value: v, problem } = coerce(found.spec, value);
    if (problem) throw new Error(problem);
    this.config[found.where][id] = v;
    if (found.where === 'hyper') this.method.setLive?.(id, v);
  }

  async exportStudent(): Promise<tf.io.ModelArtifacts> {
    return toArtifacts(this.studentModel, {
      role: 'student',
      task: this.task.id,
      method: this.config.method,
      step: this.stepCount,
      seed: this.config.settings.seed,
    });
  }

  /**
   * Carry on a restored run's step count, so evaluations, schedules and halt messages count from
   * the step the weights were saved at (the optimizer's moments start afresh).
   */
  continueFrom(step: number): void {
    if (!Number.isSafeInteger(step) || step < 0) throw new Error(`Cannot continue from step ${step}`);
    this.stepCount = step;
  }

  /** Replace the student's weights; throws CheckpointError and changes nothing if they do not fit. */
  loadStudent(artifacts: tf.io.ModelArtifacts): void {
    const { model } = fromArtifacts(artifacts, this.studentModel.config);
    try {
      for (const [name, v] of this.studentModel.params) v.assign(model.p(name));
    } finally {
      model.dispose();
    }
  }

  dispose(): void {
    this.studentModel.dispose();
    this.method.dispose();
    this.optimizer?.dispose();
    releaseEvalSet(this.teacherModel, this.evalSet);
  }
}

export { METRIC_KEYS, CheckpointError };
