// The training loop: each step draws B examples from the shared data stream, lets the method
// build its batch and take its critic steps, then takes one student step. The step's loss and
// gradient norm come back in ONE read; the update is applied only if both are finite, so a
// diverging run halts with the last good weights. Every evalEvery steps it emits a metric record.
//
// On webgpu the step does not wait for that read: the update is guarded on the device (applied
// only if this step and every unchecked one before it were finite, FlatAdam.guardedStep), and
// step k's read is checked once step k + 1 is queued, so the GPU never idles for the CPU. A
// non-finite step k is then reported by the next call (or at the next evaluation, export or
// settle()), the weights being those after step k − 1. A step whose method needs tokens on the
// CPU before the next step (a replay buffer, a loss-driven schedule) is checked before that
// next step is prepared.
import * as tf from '@tensorflow/tfjs';
import { FlatAdam } from './flatAdam';
import { Rng } from './rng';
import type { CriticEstimates } from './metrics/probe';
import { useSubmitBatch } from './webgpu/device';
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
import type { DataSource, MethodRuntime, StepContext, StepPlan } from './methods/runtime';
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
  /** webgpu: the last step, queued, whose read is not yet checked. */
  private pending: PendingStep | null = null;
  /** webgpu: a halt found outside trainStep (at an evaluation, an export), for the next trainStep to return. */
  private unreportedHalt: string | null = null;
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
    useSubmitBatch();
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
      if (this.unreportedHalt) {
        const halted = this.unreportedHalt;
        this.unreportedHalt = null;
        return { step: this.stepCount, record: null, halted, source: 'dataset' };
      }
      const started = now();
      const stepped = await this.studentStep(opts);
      const source = stepped.source;
      let halted = stepped.halted;
      const { evalEvery } = readSettings(this.config.settings);
      const evaluating = opts.evaluate !== false && isEvalStep(this.stepCount, evalEvery, this.earlyEvalSteps);
      // An evaluation (and a one-off explained step) reports this step's own numbers: check it now.
      if (!halted && (evaluating || opts.onPlan || opts.examples)) halted = await this.settleStep();
      const elapsed = now() - started;
      this.totals.trainMs += elapsed;
      if (halted) return { step: this.stepCount, record: null, halted, source };
      this.sinceRecord.ms += elapsed;
      this.sinceRecord.steps++;
      const record = evaluating ? await this.evaluateNow() : null;
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
    await this.settle();
    return this.evaluateNow();
  }

  /**
   * Check the last step if its check is still pending (webgpu): the halt message if it was
   * not finite (the next trainStep returns it too), else null. Nothing to do on cpu and wasm.
   */
  async settle(): Promise<string | null> {
    const halted = await this.settleStep();
    if (halted) this.unreportedHalt = halted;
    return halted;
  }

  private async studentStep(opts: StepOptions): Promise<{ halted: string | null; source: DataSource }> {
    // A method that needs the last step's tokens (a replay buffer) or loss (a schedule) on the
    // CPU before it plans the next step sees them first.
    if (this.pending?.afterRead || this.pending?.afterStep) {
      const halted = await this.settleStep();
      if (halted) return { halted, source: this.pending?.source ?? 'dataset' };
    }
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
    opts.onPlan?.(plan.batch, plan.source, plan.offPolicy);
    if (profile) {
      await syncDevice();
      report('prepare', now() - mark);
      mark = now();
    }
    const vars = [...this.studentModel.variables(), ...this.method.extraVariables()];
    this.optimizer ??= new FlatAdam(vars, settings.lr, 0.9, 0.98);
    this.optimizer.learningRate = warmedUp(settings.lr, this.stepCount, settings.lrWarmup);
    if (this.optimizer.fused) return this.queueStep(plan, vars, profile ? mark : null);
    let grads: tf.NamedTensorMap = {};
    const owned: tf.Tensor[] = [];
    try {
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

  /**
   * webgpu: queue this step's gradient and guarded update, start its read, then check the
   * previous step's read (its work is long done or about to be; the GPU has this step queued).
   */
  private async queueStep(plan: StepPlan, vars: tf.Variable[], profileMark: number | null): Promise<{ halted: string | null; source: DataSource }> {
    const optimizer = this.optimizer!;
    let reportTensor: tf.Tensor1D;
    const { value, grads } = tf.variableGrads(plan.loss, vars);
    try {
      const flat = optimizer.flatten(grads);
      const side = plan.side ?? tf.scalar(0);
      const tokens = plan.readTokens ? tf.tidy(() => plan.readTokens!.toInt().reshape([-1])) : undefined;
      reportTensor = optimizer.guardedStep(flat, value, side, MAX_GRAD_NORM, tokens);
      tf.dispose([flat, ...(plan.side ? [] : [side]), ...(tokens ? [tokens] : [])]);
    } finally {
      tf.dispose(grads);
      value.dispose();
      plan.dispose();
    }
    const step: PendingStep = {
      step: this.stepCount + 1,
      report: reportTensor,
      read: reportTensor.data() as Promise<Float32Array>,
      hasSide: plan.side !== null,
      afterRead: plan.readTokens && plan.afterRead ? plan.afterRead : null,
      afterStep: plan.afterStep ?? null,
      source: plan.source,
    };
    if (profileMark !== null) {
      await syncDevice();
      report('studentStep', now() - profileMark);
    }
    const previous = this.pending;
    this.pending = step;
    this.stepCount++;
    if (previous) {
      const halted = await this.check(previous, 2);
      if (halted) return { halted, source: previous.source };
    }
    return { halted: null, source: plan.source };
  }

  /** Check the pending step, if any (webgpu). */
  private async settleStep(): Promise<string | null> {
    const p = this.pending;
    if (!p) return null;
    return this.check(p, 1);
  }

  /**
   * Read `p`'s report; if it was not finite, halt: the optimiser forgets the `queued` guarded
   * steps from p on (none of them changed anything) and the step count goes back to before p.
   */
  private async check(p: PendingStep, queued: number): Promise<string | null> {
    const values = await p.read;
    p.report.dispose();
    const [loss, gradNorm, applied, side] = values;
    const reason =
      haltReason(p.step, loss, gradNorm, p.hasSide ? side : 0, this.declaration.sideLoss) ??
      (applied > 0.5 ? null : haltReason(p.step, NaN, gradNorm, 0, null));
    if (reason) {
      // Every later queued step was refused on the device too; wait for its read and drop it.
      if (this.pending && this.pending !== p) {
        await this.pending.read;
        this.pending.report.dispose();
      }
      this.pending = null;
      this.optimizer!.resumeAfterRefusal(queued);
      this.stepCount = p.step - 1;
      return reason;
    }
    if (this.pending === p) this.pending = null;
    this.lastLoss = loss;
    this.lastSide = p.hasSide ? side : null;
    // The tokens follow the four report words as raw int32 bits.
    if (p.afterRead) p.afterRead(new Int32Array(values.buffer, values.byteOffset + 16, values.length - 4).slice());
    p.afterStep?.(loss);
    return null;
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
    await this.settle();
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

  /**
   * Take over `run`'s place (a run of the same configuration): its step count (so the
   * learning-rate schedule is at the same step), its optimiser's moments, its method's learned
   * state (AMMD's critics), its plain state (TAID's schedule of t, DistiLLM's off-policy schedule
   * and replay buffer) and its sampling streams. With the student's weights loaded too, this
   * trainer's next step on a batch is the step `run` would take on it (the step explainer's
   * scratch copy).
   */
  adoptStateOf(run: Trainer): void {
    if (run.config.method !== this.config.method) throw new Error(`adoptStateOf: a ${this.config.method} run cannot take a ${run.config.method} run's state`);
    this.stepCount = run.stepCount;
    const [ours, theirs] = [this.method.carried?.(), run.method.carried?.()];
    if (ours && theirs) {
      ours.variables.forEach((v, i) => v.assign(theirs.variables[i]));
      ours.optimizers.forEach((o, i) => o.copyStateFrom(theirs.optimizers[i]));
    }
    const [plain, theirPlain] = [this.method.plainState?.() ?? [], run.method.plainState?.() ?? []];
    plain.forEach((s, i) => s.copyFrom(theirPlain[i]));
    const [extra, theirExtra] = [this.method.extraVariables(), run.method.extraVariables()];
    extra.forEach((v, i) => v.assign(theirExtra[i]));
    if (run.optimizer) {
      const settings = readSettings(this.config.settings);
      this.optimizer ??= new FlatAdam([...this.studentModel.variables(), ...extra], settings.lr, 0.9, 0.98);
      this.optimizer.copyStateFrom(run.optimizer);
    }
    this.streams.sample = Rng.fromState(run.streams.sample.state());
    this.streams.method = Rng.fromState(run.streams.method.state());
  }

  /** The learning rate the next step takes (the warm-up's at this step count). */
  get nextLearningRate(): { lr: number; step: number; warmup: number; base: number } {
    const { lr, lrWarmup } = readSettings(this.config.settings);
    return { lr: warmedUp(lr, this.stepCount, lrWarmup), step: this.stepCount, warmup: lrWarmup, base: lr };
  }

  /** AMMD: the run's critics' distances (as an evaluation computes them) and their bound R; null for other methods. */
  get critics(): { estimates: CriticEstimates; bound: number } | null {
    const estimates = this.method.criticEstimates;
    return estimates ? { estimates, bound: this.method.bound?.() ?? 1 } : null;
  }

  /** Replace the student's weights; throws CheckpointError and changes nothing if they do not fit. */
  loadStudent(artifacts: tf.io.ModelArtifacts): void {
    const { model } = fromArtifacts(artifacts, this.studentModel.config);
    try {
      for (const [name, v] of this.studentModel.params) v.assign(model.p(name));
    } finally {
      model.dispose();
    }
    // New weights supersede an unchecked step (webgpu): its verdict no longer concerns them.
    if (this.pending || this.unreportedHalt) {
      this.dropPending();
      this.unreportedHalt = null;
      this.optimizer?.resumeAfterRefusal(0);
    }
  }

  /** Forget the unchecked step; its report is disposed once its read is done. */
  private dropPending(): void {
    const pending = this.pending;
    if (pending)
      void pending.read.then(
        () => pending.report.dispose(),
        () => pending.report.dispose(),
      );
    this.pending = null;
  }

  dispose(): void {
    // A read still in flight resolves into a disposed tensor's place: let it finish first.
    this.dropPending();
    this.studentModel.dispose();
    this.method.dispose();
    this.optimizer?.dispose();
    releaseEvalSet(this.teacherModel, this.evalSet);
  }
}

/** A queued webgpu step whose finiteness is not yet checked. */
interface PendingStep {
  /** Its 1-based number. */
  step: number;
  /** [loss, gradient norm, applied, side, tokens…] (FlatAdam.guardedStep). */
  report: tf.Tensor1D;
  read: Promise<Float32Array>;
  hasSide: boolean;
  afterRead: ((tokens: Int32Array) => void) | null;
  afterStep: ((loss: number) => void) | null;
  source: DataSource;
}

export { METRIC_KEYS, CheckpointError };
