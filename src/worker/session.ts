// A run inside the worker: one teacher, one Trainer per student lane, stepped round-robin.
// Play runs a loop that yields to the message queue between steps, so pause, live changes and
// inspections are answered mid-run. The run's phase is the shared run machine's (side
// 'worker'); everything the page sees goes out through `post`.
import * as tf from '@tensorflow/tfjs';
import { Trainer } from '../engine/trainer';
import { BACKEND_PREFERENCES, backendOrder, chooseBackend, type BackendName, type BackendPreference } from '../engine/backend';
import { inspectSamples } from '../engine/inspect';
import { explainStep } from '../engine/explain';
import { artifactsFromFiles, modelJson } from '../engine/model/checkpoint';
import { joinBuffers } from '../engine/model/weightCheck';
import type { Transformer } from '../engine/model/transformer';
import { Rng } from '../engine/rng';
import { getTask } from '../engine/tasks';
import { tokenLabel } from '../engine/tasks/vocab';
import type { MetricRecord } from '../engine/metrics/record';
import type { ParamValue } from '../engine/params';
import { HALT_FIX_SETTINGS, type Event, type InspectSample, type StepExplanation, type MemoryInfo, type RestoreData, type WeightFiles } from './protocol';
import { resolveRun, type ResolvedRun, type RunSpec } from '../shared/runSpec';
import { initialRunState, reportedPhase, runReducer, type RunEvent, type RunState } from '../shared/runMachine';
import { loadTeacher, metaScore, showcase, SHOWCASE_PROMPTS, type TeacherLoad } from './teacher';
import { disposeStudentCheckpoints, studentCheckpoint } from './student';

type Post = (e: Event) => void;

interface Lane {
  trainer: Trainer;
  halted: string | null;
}

/** Zero-delay yield to the worker's message queue (setTimeout is clamped to 4 ms when nested). */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}

export class Session {
  /** The backend in use and the preference it was chosen for; null before the first reset. */
  private backend: { preference: BackendPreference; name: BackendName } | null = null;
  private teacher: { task: string; model: Transformer } | null = null;
  private lanes: Lane[] = [];
  private machine: RunState = initialRunState('worker');
  /** Run commands handled so far (see the status event). */
  private handled = 0;
  private loop: Promise<void> | null = null;
  /** Smoothed wall time of one round of steps (evaluations included), for steps/s. */
  private rate = { last: 0, msPerStep: 0 };
  private lastStatus = 0;

  private readonly wasmPaths?: Record<string, string>;
  private readonly loadTeacher: (task: string) => Promise<TeacherLoad>;

  constructor(
    private readonly post: Post,
    options: {
      /** Where the bundler serves the wasm binaries. */
      wasmPaths?: Record<string, string>;
      /** Where teachers come from (the shipped files unless a test gives its own). */
      loadTeacher?: (task: string) => Promise<TeacherLoad>;
    } = {},
  ) {
    this.wasmPaths = options.wasmPaths;
    this.loadTeacher = options.loadTeacher ?? loadTeacher;
  }

  get phase(): RunState['phase'] {
    return this.machine.phase;
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

  get step(): number {
    return this.lanes.length ? Math.max(...this.lanes.map((l) => l.trainer.step)) : 0;
  }

  async reset(given: RunSpec, restore?: RestoreData): Promise<void> {
    await this.pause();
    this.disposeLanes();
    this.dispatch({ type: 'reset' });
    // The page sends a resolved spec; resolving it here (once) turns it into trainer configs and
    // reports anything a hand-made message got wrong.
    const run = resolveRun(given);
    const { spec } = run;
    if (!(await this.useBackend(run.page.backend))) return this.dispatch({ type: 'fail' });
    const task = String(spec.settings.task);
    if (this.teacher?.task !== task) {
      this.teacher?.model.dispose();
      this.teacher = null;
      this.post({ type: 'teacher', task, status: 'loading' });
      const loaded = await this.loadTeacher(task);
      if (!loaded.ok) {
        this.post({ type: 'teacher', task, status: 'missing', message: loaded.message });
        this.post({ type: 'ready', lanes: 0, problems: [], notices: [], studentParams: [], studentStarts: [] });
        return this.dispatch({ type: 'built', students: 0 });
      }
      this.teacher = { task, model: loaded.model };
      const seed = Number(spec.settings.seed ?? 1);
      const samples = await showcase(loaded.model, task, seed);
      // The score the teacher file records (measured on held-out prompts when it was trained):
      // scoring it here again would cost a full decoding pass before the first step.
      this.post({ type: 'teacher', task, status: 'ready', params: loaded.model.parameterCount(), score: metaScore(loaded.meta), samples });
    }
    const { problems } = run;
    const { notices } = await this.buildLanes(run);
    const studentParams = this.lanes.map((l) => l.trainer.student.parameterCount());
    const studentStarts = this.lanes.map((l) => l.trainer.studentStart);
    if (restore) {
      if (this.tryRestore(restore)) {
        await this.warmUp(run);
        this.post({ type: 'ready', lanes: this.lanes.length, problems, notices, studentParams, studentStarts, restoredStep: restore.step });
        this.rate = { last: 0, msPerStep: 0 };
        return this.dispatch({ type: 'built', students: this.lanes.length });
      }
      // Some lanes may have loaded before one failed: start every student fresh.
      this.disposeLanes();
      await this.buildLanes(run);
    }
    // A first record at step 0, so every curve starts from the untrained student. Play is
    // offered only after it and the warm-up, so pressing it starts training at once.
    const records: Array<{ lane: number; record: MetricRecord }> = [];
    for (const [i, lane] of this.lanes.entries()) records.push({ lane: i, record: await lane.trainer.evaluate() });
    this.post({ type: 'records', records });
    await this.warmUp(run);
    this.post({ type: 'ready', lanes: this.lanes.length, problems, notices, studentParams, studentStarts });
    this.rate = { last: 0, msPerStep: 0 };
    this.dispatch({ type: 'built', students: this.lanes.length });
  }

  /**
   * Switch to the backend the run asks for (once per change: the first reset, or a new Backend
   * setting). Everything held on the old backend is released first. False if none could start.
   */
  private async useBackend(raw: unknown): Promise<boolean> {
    const preference: BackendPreference = BACKEND_PREFERENCES.includes(raw as BackendPreference) ? (raw as BackendPreference) : 'auto';
    if (this.backend?.preference === preference) return true;
    this.teacher?.model.dispose();
    this.teacher = null;
    disposeStudentCheckpoints();
    const { order, options } = backendOrder(preference);
    try {
      const report = await chooseBackend(order, { ...options, wasmPaths: this.wasmPaths });
      this.backend = { preference, name: report.name };
      // A backend chosen by name that could not start is the news, not the adapter passed over after it.
      const chosen = preference === 'auto' || report.name === preference ? null : report.attempts.find((a) => a.name === preference);
      const chosenFailed = chosen ? { name: preference, reason: chosen.error } : null;
      this.post({
        type: 'backend',
        info: {
          name: report.name,
          adapter: report.adapter,
          fallbackReason: report.fallbackReason,
          skippedSoftwareAdapter: chosenFailed ? null : report.skippedSoftwareAdapter,
          chosenFailed,
        },
      });
      return true;
    } catch (e) {
      this.backend = null;
      this.post({ type: 'fatal', message: (e as Error).message });
      return false;
    }
  }

  /**
   * On a GPU the first step of a configuration compiles its shader programs, which takes far
   * longer than the step. Take that step now, while the page is loading, on a throwaway copy of
   * each student (same shapes, so the compiled programs are the ones play will use); the run
   * itself, its random streams and its weights are untouched.
   */
  private async warmUp(run: ResolvedRun): Promise<void> {
    if (this.backend?.name !== 'webgpu' && this.backend?.name !== 'webgl') return;
    const seen = new Set<string>();
    for (const lane of this.lanes) {
      const key = JSON.stringify(lane.trainer.config);
      if (seen.has(key)) continue;
      seen.add(key);
      const scratch = await Trainer.create(lane.trainer.config, this.teacher!.model, { backendName: this.backend.name, evalPrompts: run.page.evalPrompts });
      try {
        await scratch.trainStep({ evaluate: false });
      } finally {
        scratch.dispose();
      }
    }
  }

  /**
   * One Trainer per lane, all on the shared teacher, each student starting from the shipped
   * checkpoint of its size (or from scratch). Returns notices such as a size with no shipped
   * student.
   */
  private async buildLanes(run: ResolvedRun): Promise<{ notices: string[] }> {
    const notices = new Set<string>();
    for (const config of run.configs) {
      const start = await studentCheckpoint(config);
      if (start && !start.model) notices.add(start.notice);
      const trainer = await Trainer.create(config, this.teacher!.model, {
        backendName: this.backend?.name,
        evalPrompts: run.page.evalPrompts,
        initialStudent: start?.model,
      });
      this.lanes.push({ trainer, halted: null });
    }
    return { notices: [...notices] };
  }

  /** Play: train every student that has not halted until paused (or one halts). */
  start(): void {
    if (!this.activeLanes().length) return;
    this.dispatch({ type: 'play' });
    if (this.machine.phase === 'running') this.startLoop();
  }

  private startLoop(): void {
    this.rate.last = performance.now();
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
    for (let i = 0; i < count && this.machine.phase === 'stepping' && this.activeLanes().length; i++) await this.stepAll(i === count - 1);
    this.dispatch({ type: 'stepsDone' });
  }

  private activeLanes(): number[] {
    return this.lanes.flatMap((l, i) => (l.halted ? [] : [i]));
  }

  private async trainLoop(): Promise<void> {
    while (this.machine.phase === 'running') {
      await this.stepAll();
      this.sendStatus(false);
      await yieldToMessages();
    }
  }

  /**
   * One step of every live lane, round-robin; `record`: evaluate even off the schedule (a manual
   * step). A lane that halts halts the run (it stands still).
   */
  private async stepAll(record = false): Promise<void> {
    const records: Array<{ lane: number; record: MetricRecord }> = [];
    const running = this.machine.phase === 'running';
    for (const i of this.activeLanes()) {
      const lane = this.lanes[i];
      const outcome = await lane.trainer.trainStep();
      if (outcome.halted) {
        lane.halted = outcome.halted;
        this.post({ type: 'halted', lane: i, step: outcome.step, reason: outcome.halted });
        continue;
      }
      const r = outcome.record ?? (record ? await lane.trainer.evaluate() : null);
      if (r) records.push({ lane: i, record: r });
    }
    const now = performance.now();
    if (running && this.rate.last > 0) {
      const dt = now - this.rate.last;
      this.rate.msPerStep = this.rate.msPerStep > 0 ? 0.8 * this.rate.msPerStep + 0.2 * dt : dt;
    }
    this.rate.last = now;
    if (records.length) this.post({ type: 'records', records });
    // Records first: the page draws the last good point before it sees the halt.
    if (this.lanes.some((l) => l.halted)) this.dispatch({ type: 'halt' });
  }

  private sendStatus(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastStatus < 250) return;
    this.lastStatus = now;
    const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesInGPUAllocated?: number };
    const memory: MemoryInfo = {
      numTensors: m.numTensors,
      numBytes: m.numBytes,
      numBytesInGPU: m.numBytesInGPU ?? null,
      numBytesInGPUAllocated: m.numBytesInGPUAllocated ?? null,
    };
    const phase = reportedPhase(this.machine.phase);
    const stepsPerSec = phase === 'running' && this.rate.msPerStep > 0 ? 1000 / this.rate.msPerStep : 0;
    this.post({ type: 'status', phase, handled: this.handled, step: this.step, stepsPerSec, memory });
  }

  setParam(lane: number | null, id: string, value: ParamValue): void {
    const targets = lane === null ? this.lanes : this.lanes.slice(lane, lane + 1);
    for (const l of targets) l.trainer.setLive(id, value);
    // The setting the halt message names was changed: those students may train again.
    if (HALT_FIX_SETTINGS.includes(id) && targets.some((l) => l.halted)) {
      for (const l of targets) l.halted = null;
      if (!this.lanes.some((l) => l.halted)) this.dispatch({ type: 'clearHalt' });
    }
  }

  async inspect(lane: number): Promise<void> {
    const l = this.lanes[lane];
    if (!l || !this.teacher) return;
    const task = getTask(this.teacher.task);
    const prompts = task.heldOut.slice(0, SHOWCASE_PROMPTS).map((e) => e.prompt);
    const temperature = task.scoring === 'greedy-exact-match' ? 0 : 1;
    const seed = Number(l.trainer.config.settings.seed ?? 1);
    const raw = await inspectSamples(this.teacher.model, l.trainer.student, prompts, { temperature, noiseState: new Rng(seed + 7919).state() });
    const samples: InspectSample[] = raw.map((s) => ({
      prompt: s.prompt,
      teacher: s.teacherIds.map(tokenLabel).join(''),
      student: s.student.map((t) => ({ id: t.id, label: tokenLabel(t.id), divergence: t.divergence, teacherDist: t.teacher, studentDist: t.student })),
    }));
    this.post({ type: 'inspection', lane, step: l.trainer.step, samples });
  }

  /** One step of the lane's method in slow motion, on a scratch copy (the page pauses the run first). */
  async explain(lane: number, example: number): Promise<void> {
    const l = this.lanes[lane];
    if (!l || !this.teacher) return;
    // The copy reads the student's weights: stand still meanwhile, as for saving them.
    this.dispatch({ type: 'hold' });
    const holding = this.machine.phase === 'holding';
    await this.loopStopped();
    const examples = getTask(this.teacher.task).heldOut;
    try {
      const e = await explainStep(l.trainer, examples[example % examples.length]);
      const explanation: StepExplanation = {
        ...e,
        prompt: e.prompt.map(tokenLabel).join(''),
        positions: e.positions.map(({ token, ...p }) => ({ id: token, label: tokenLabel(token), ...p })),
      };
      this.post({ type: 'explanation', lane, step: l.trainer.step, explanation });
    } catch (err) {
      this.post({ type: 'error', context: 'Explain one step', message: (err as Error).message });
    } finally {
      this.dispatch({ type: 'release' });
      if (holding && this.machine.phase === 'running') this.startLoop();
    }
  }

  async saveWeights(lane: number): Promise<WeightFiles> {
    const l = this.laneOrThrow(lane);
    return this.holding(() => readWeights(l.trainer));
  }

  /** Every student's weights, read together at one step (training stands still meanwhile). */
  snapshot(): Promise<{ step: number; weights: WeightFiles[] }> {
    return this.holding(async () => {
      const weights: WeightFiles[] = [];
      for (const l of this.lanes) weights.push(await readWeights(l.trainer));
      return { step: this.step, weights };
    });
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
    const l = this.laneOrThrow(lane);
    l.trainer.loadStudent(artifactsFromFiles(files.modelJson, files.weights));
    if (step !== undefined) l.trainer.continueFrom(step);
    l.halted = null;
    if (!this.lanes.some((x) => x.halted)) this.dispatch({ type: 'clearHalt' });
    return l.trainer.step;
  }

  /** Load saved weights into every lane; false (with an error event) if any does not fit. */
  private tryRestore(restore: RestoreData): boolean {
    try {
      restore.weights.forEach((w, i) => {
        if (w) this.loadWeights(i, w, restore.step);
        else this.lanes[i].trainer.continueFrom(restore.step);
      });
      return true;
    } catch (e) {
      this.post({ type: 'error', context: 'restore', message: `Your saved run could not be restored (${(e as Error).message}); a new run started instead.` });
      return false;
    }
  }

  private laneOrThrow(lane: number): Lane {
    const l = this.lanes[lane];
    if (!l) throw new Error(`There is no student ${lane + 1} in this run`);
    return l;
  }

  private disposeLanes(): void {
    for (const l of this.lanes) l.trainer.dispose();
    this.lanes = [];
  }
}

async function readWeights(trainer: Trainer): Promise<WeightFiles> {
  const artifacts = await trainer.exportStudent();
  return { modelJson: modelJson(artifacts), weights: joinBuffers(artifacts.weightData) };
}
