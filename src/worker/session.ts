// A run inside the worker: one teacher and the students (./studentLanes), stepped round-robin.
// Play runs a loop that yields to the message queue between steps, so pause, live changes and
// inspections are answered mid-run. The run's phase is the shared run machine's (side
// 'worker'); everything the page sees goes out through `post`.
import type { Transformer } from '../engine/model/transformer';
import type { ParamValue } from '../engine/params';
import type { Event, RestoreData, WeightFiles } from './protocol';
import { resolveRun, type ResolvedRun, type RunSpec } from '../shared/runSpec';
import { initialRunState, reportedPhase, runReducer, type RunEvent, type RunState } from '../shared/runMachine';
import { loadTeacher, presentTeacher, type TeacherLoad } from './teacher';
import { shippedStudents, type StudentSource } from './student';
import { StudentLanes } from './studentLanes';
import { backendPreference, switchBackend, type BackendInUse } from './backendSwitch';
import { browserBackendMemory, type BackendMemory } from './backendMemory';
import { teacherModelConfig } from './teacher';
import type { ModelConfig } from '../engine/model/config';
import { wasmThreadPlan, type WasmThreadPlan } from '../engine/wasmThreads';
import { explainOneStep, studentSamples } from './lookInside';
import { readWeights } from './weightFiles';
import { warmUp } from './warmUp';
import { StepRate, yieldToMessages } from './stepClock';
import { memoryInfo } from './memory';

type Post = (e: Event) => void;

export interface SessionOptions {
  /** Where the bundler serves the wasm binaries. */
  wasmPaths?: Record<string, string>;
  /** Where teachers come from (the shipped files unless a test gives its own). */
  loadTeacher?: (task: string) => Promise<TeacherLoad>;
  /** Where warm-start students come from (the shipped files unless a test gives its own). */
  students?: StudentSource;
  /** Where 'auto' remembers its measured choice (IndexedDB unless a test gives its own). */
  backendMemory?: BackendMemory;
  /** The teacher's model configuration for a task, read without loading it ('auto' measures with it). */
  teacherConfig?: (task: string) => Promise<ModelConfig | null>;
  /** The wasm thread pool to ask for (from this worker's isolation and cores unless given). */
  threads?: WasmThreadPlan;
}

/** Threads for this worker: its cross-origin isolation and the machine's cores. */
function workerThreadPlan(): WasmThreadPlan {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return wasmThreadPlan({ runtime: 'browser', isolated: g.crossOriginIsolated === true, cores: g.navigator?.hardwareConcurrency ?? null });
}

export class Session {
  /** The backend in use and the preference it was chosen for; null before the first reset. */
  private backend: BackendInUse | null = null;
  private teacher: { task: string; model: Transformer } | null = null;
  private readonly lanes = new StudentLanes();
  private machine: RunState = initialRunState('worker');
  /** Run commands handled so far (see the status event). */
  private handled = 0;
  private loop: Promise<void> | null = null;
  /** Play stops by itself at this step (a lesson's checkpoint), or null. */
  private stopAt: number | null = null;
  private readonly rate = new StepRate();
  private lastStatus = 0;

  private readonly wasmPaths?: Record<string, string>;
  private readonly loadTeacher: (task: string) => Promise<TeacherLoad>;
  private readonly students: StudentSource;
  private readonly backendMemory: BackendMemory;
  private readonly teacherConfig: (task: string) => Promise<ModelConfig | null>;
  private readonly threads: WasmThreadPlan;

  constructor(
    private readonly post: Post,
    options: SessionOptions = {},
  ) {
    this.wasmPaths = options.wasmPaths;
    this.loadTeacher = options.loadTeacher ?? loadTeacher;
    this.students = options.students ?? shippedStudents;
    this.backendMemory = options.backendMemory ?? browserBackendMemory();
    this.teacherConfig = options.teacherConfig ?? teacherModelConfig;
    this.threads = options.threads ?? workerThreadPlan();
  }

  get phase(): RunState['phase'] {
    return this.machine.phase;
  }

  get step(): number {
    return this.lanes.step;
  }

  /** Move the run machine; a change of phase is reported at once. */
  private dispatch(event: RunEvent): void {
    const before = this.machine.phase;
    this.machine = runReducer(this.machine, event);
    if (this.machine.phase !== before) this.sendStatus(true);
  }

  /** A run command was handled: say where the run is now (the page waits for this). */
  acknowledge(): void {
    this.handled++;
    this.sendStatus(true);
  }

  async reset(given: RunSpec, restore?: RestoreData): Promise<void> {
    await this.pause();
    this.stopAt = null;
    this.lanes.dispose();
    this.dispatch({ type: 'reset' });
    // The page sends a resolved spec; resolving it here (once) turns it into trainer configs and
    // reports anything a hand-made message got wrong.
    const run = resolveRun(given);
    const { spec, problems } = run;
    if (!(await this.useBackend(run))) return this.dispatch({ type: 'fail' });
    const task = String(spec.settings.task);
    if (this.teacher?.task !== task) {
      this.teacher?.model.dispose();
      const model = await presentTeacher(task, Number(spec.settings.seed ?? 1), this.loadTeacher, this.post);
      this.teacher = model && { task, model };
      if (!model) {
        this.post({ type: 'ready', lanes: 0, problems: [], notices: [], studentParams: [], studentStarts: [] });
        return this.dispatch({ type: 'built', students: 0 });
      }
    }
    const teacher = this.teacher!.model;
    const notices = await this.lanes.build(run, teacher, this.backend?.name, this.students);
    const studentParams = this.lanes.trainers.map((t) => t.student.parameterCount());
    const studentStarts = this.lanes.trainers.map((t) => t.studentStart);
    const ready = { type: 'ready', lanes: this.lanes.count, problems, notices, studentParams, studentStarts } as const;
    if (restore) {
      if (this.tryRestore(restore)) {
        await this.warmUp(run, teacher);
        this.post({ ...ready, restoredStep: restore.step });
        this.rate.reset();
        return this.dispatch({ type: 'built', students: this.lanes.count });
      }
      // Some lanes may have loaded before one failed: start every student fresh.
      this.lanes.dispose();
      await this.lanes.build(run, teacher, this.backend?.name, this.students);
    }
    // A first record at step 0, so every curve starts from the untrained student. Play is
    // offered only after it and the warm-up, so pressing it starts training at once.
    this.post({ type: 'records', records: await this.lanes.evaluateAll() });
    await this.warmUp(run, teacher);
    this.post(ready);
    this.rate.reset();
    this.dispatch({ type: 'built', students: this.lanes.count });
  }

  /**
   * Switch to the backend the run asks for: a backend named by the learner once per change;
   * 'auto' at every reset, since its choice depends on the run's sizes (remembered, so only a
   * new size measures). What was held on the old backend is released when the backend changes.
   * False if none could start.
   */
  private async useBackend(run: ResolvedRun): Promise<boolean> {
    const preference = backendPreference(run.page.backend);
    if (this.backend && this.backend.preference === preference && preference !== 'auto') return true;
    const task = String(run.spec.settings.task);
    const next = await switchBackend(
      preference,
      { wasmPaths: this.wasmPaths, threads: this.threads },
      { configs: run.configs, teacherConfig: () => this.teacherConfig(task), evalPrompts: run.page.evalPrompts, memory: this.backendMemory },
      this.post,
    );
    if (!next || next.name !== this.backend?.name) {
      this.teacher?.model.dispose();
      this.teacher = null;
      this.students.release();
    }
    this.backend = next;
    return next !== null;
  }

  /** Compile the GPU programs of every configuration before Play is offered (see ./warmUp). */
  private warmUp(run: ResolvedRun, teacher: Transformer): Promise<void> {
    return warmUp(this.lanes.trainers, teacher, this.backend?.name, run.page.evalPrompts);
  }

  /**
   * Play: train every student that has not halted until paused (or one halts); with `until`,
   * stop there by itself, after a step that records (a lesson compares the students at it).
   */
  start(until?: number): void {
    this.stopAt = until ?? null;
    if (!this.lanes.active().length || (this.stopAt !== null && this.step >= this.stopAt)) return;
    this.dispatch({ type: 'play' });
    if (this.machine.phase === 'running') this.startLoop();
  }

  private startLoop(): void {
    this.rate.start();
    this.loop = this.trainLoop();
  }

  async pause(): Promise<void> {
    this.dispatch({ type: 'pause' });
    await this.loopStopped();
    this.dispatch({ type: 'loopStopped' });
  }

  private async loopStopped(): Promise<void> {
    if (this.loop) await this.loop;
    this.loop = null;
  }

  async stepN(count: number): Promise<void> {
    await this.pause();
    this.dispatch({ type: 'step' });
    // The last step always ends with a record, so a manual step adds a point to every chart.
    for (let i = 0; i < count && this.machine.phase === 'stepping' && this.lanes.active().length; i++) await this.stepAll(i === count - 1);
    this.dispatch({ type: 'stepsDone' });
  }

  private async trainLoop(): Promise<void> {
    while (this.machine.phase === 'running') {
      // Checked before each step, so a loop restarted after a weights read stops there too.
      if (this.stopAt !== null && this.step >= this.stopAt) {
        this.stopAt = null;
        this.dispatch({ type: 'pause' });
        return this.dispatch({ type: 'loopStopped' });
      }
      await this.stepAll(this.stopAt !== null && this.step + 1 >= this.stopAt);
      this.sendStatus(false);
      await yieldToMessages();
    }
  }

  /** One step of every live student; `record`: evaluate even off the schedule. A student that halts halts the run. */
  private async stepAll(record = false): Promise<void> {
    const running = this.machine.phase === 'running';
    const records = await this.lanes.stepAll(record, this.post);
    this.rate.tick(running);
    if (records.length) this.post({ type: 'records', records });
    // Records first: the page draws the last good point before it sees the halt.
    if (this.lanes.anyHalted()) this.dispatch({ type: 'halt' });
  }

  private sendStatus(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastStatus < 250) return;
    this.lastStatus = now;
    const phase = reportedPhase(this.machine.phase);
    const stepsPerSec = phase === 'running' ? this.rate.stepsPerSec : 0;
    this.post({ type: 'status', phase, handled: this.handled, step: this.step, stepsPerSec, memory: memoryInfo() });
  }

  setParam(lane: number | null, id: string, value: ParamValue): void {
    const unhalted = this.lanes.setLive(lane, id, value);
    if (unhalted && !this.lanes.anyHalted()) this.dispatch({ type: 'clearHalt' });
  }

  async inspect(lane: number): Promise<void> {
    const trainer = this.lanes.trainer(lane);
    if (!trainer || !this.teacher) return;
    const samples = await studentSamples(this.teacher.model, this.teacher.task, trainer);
    this.post({ type: 'inspection', lane, step: trainer.step, samples });
  }

  /** One step of the lane's method in slow motion, on a scratch copy (the page pauses the run first). */
  async explain(lane: number, example: number): Promise<void> {
    const trainer = this.lanes.trainer(lane);
    if (!trainer || !this.teacher) return;
    const task = this.teacher.task;
    // The copy reads the student's weights: stand still meanwhile, as for saving them.
    await this.holding(async () => {
      try {
        const explanation = await explainOneStep(trainer, task, example);
        this.post({ type: 'explanation', lane, step: trainer.step, explanation });
      } catch (err) {
        this.post({ type: 'error', context: 'Explain one step', message: (err as Error).message });
      }
    });
  }

  async saveWeights(lane: number): Promise<WeightFiles> {
    const trainer = this.lanes.trainerOrThrow(lane);
    return this.holding(() => readWeights(trainer));
  }

  /** Every student's weights, read together at one step (training stands still meanwhile). */
  snapshot(): Promise<{ step: number; weights: WeightFiles[] }> {
    return this.holding(async () => ({ weights: await this.lanes.readAll(), step: this.step }));
  }

  /**
   * Weights are read asynchronously: stand still meanwhile so no step replaces them mid-read
   * (holding: the page keeps seeing a running run).
   */
  private async holding<T>(read: () => Promise<T>): Promise<T> {
    this.dispatch({ type: 'hold' });
    const held = this.machine.phase === 'holding';
    await this.loopStopped();
    try {
      return await read();
    } finally {
      this.dispatch({ type: 'release' });
      if (held && this.machine.phase === 'running') this.startLoop();
    }
  }

  /** Replace a lane's student weights; throws (changing nothing) when the files do not fit. */
  loadWeights(lane: number, files: WeightFiles, step?: number): number {
    const at = this.lanes.load(lane, files, step);
    if (!this.lanes.anyHalted()) this.dispatch({ type: 'clearHalt' });
    return at;
  }

  /** Load saved weights into every lane; false (with an error event) if any does not fit. */
  private tryRestore(restore: RestoreData): boolean {
    try {
      this.lanes.restore(restore);
      return true;
    } catch (e) {
      this.post({ type: 'error', context: 'restore', message: `Your saved run could not be restored (${(e as Error).message}); a new run started instead.` });
      return false;
    }
  }
}
