// The page's state and every action on it, outside React: the experiment (synced to the URL
// hash), what the worker reports, ghosts, notices and persistence. React components read
// snapshots through useSyncExternalStore; metric records arrive at most once per frame.
import type { MetricRecord } from '../engine/metrics/record';
import type { StudentStart } from '../engine/model/shippedStudents';
import { getMethod } from '../engine/methods/declarations';
import { defaults, type ParamValue } from '../engine/params';
import { EngineClient } from '../worker/client';
import {
  HALT_FIX_SETTINGS,
  type BackendInfo,
  type Event,
  type InspectSample,
  type StepExplanation,
  type MemoryInfo,
  type WeightFiles,
} from '../worker/protocol';
import { MAX_LANES, defaultLane, resolveSpec, specsEqual, type RunSpec } from '../shared/runSpec';
import { laneLabel, laneParam } from '../state/config';
import type { RunPhase } from '../shared/runMachine';
import { RunTransport } from './runTransport';
import { decodeHash, encodeHash } from '../state/url';
import { getPreset } from '../state/presets';
import type { Ghost, RunSummary, SavedRun } from '../state/runs';
import { RunKeeper } from './runKeeper';
import type { RunAlert } from './RunAlerts';
import { metricsCsv, metricsJson } from '../state/exportMetrics';
import { shortValue } from './format';

export interface Notice {
  id: number;
  kind: 'info' | 'warn' | 'error';
  text: string;
  /** Several lines, e.g. every value a link had to change. */
  details?: string[];
  /** Studies whose findings go with this notice (a lesson's evidence). */
  studies?: readonly string[];
  /** Set for errors the engine reported: they leave on reset, with the run they were about. */
  fromEngine?: boolean;
}

export type TeacherInfo = Extract<Event, { type: 'teacher' }>;

/** A vertical mark on every chart: a live setting changed at `step`, or the run restarted. */
export interface ChartMark {
  step: number;
  kind: 'live' | 'restart';
  /** e.g. "lr 3e-3 → 5e-2"; `from`/`id` let a slider's drag update one mark. */
  text: string;
  id: string;
  lane: number | null;
  from: string;
}

export interface PlaygroundState {
  backend: BackendInfo | null;
  fatal: string | null;
  teacher: TeacherInfo | null;
  spec: RunSpec;
  hidden: string[];
  /** Presenter mode: large type, the sidebar folded to transport and lesson. */
  present: boolean;
  /** Live changes and restarts of the current run, drawn on the charts. */
  marks: ChartMark[];
  notices: Notice[];
  /** Students the worker built for the current spec (0 while building or without a teacher). */
  lanesReady: number;
  studentParams: number[];
  /** How each student of the current run began (a shipped SFT checkpoint, or scratch). */
  studentStarts: StudentStart[];
  busy: boolean;
  /** The run machine's phase on the page (see shared/runMachine). */
  phase: RunPhase;
  /** Whether the run counts as running: Pause offered, Step not (isActive of the machine). */
  running: boolean;
  step: number;
  stepsPerSec: number;
  memory: MemoryInfo | null;
  records: MetricRecord[][];
  halts: Array<string | null>;
  inspection: { lane: number; step: number; samples: InspectSample[] } | null;
  /** The step explainer: asked for (pending) or its answer. */
  explanation: { lane: number; step: number; pending: boolean; data: StepExplanation | null } | null;
  inspectLane: number;
  ghosts: Ghost[];
  lastSaved: number | null;
  /** The open lesson (a preset id): its panel replaces the notice a preset used to add. */
  lesson: string | null;
  /** Alerts tied to a cause (engine lost, saving failing, a newer run elsewhere): see RunAlerts. */
  alerts: RunAlert[];
  /** Play or Step was pressed while every student stood halted: say why nothing happens. */
  blockedPlay: boolean;
}

const MAX_GHOSTS = 3;
const SAVE_EVERY_MS = 5000;
const INSPECT_EVERY_MS = 2000;
const RESTART_DEBOUNCE_MS = 350;

export class Playground {
  private state: PlaygroundState;
  private readonly listeners = new Set<() => void>();
  private client: EngineClient | null = null;
  private noticeId = 1;
  private ghostId = 1;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private lastWrittenHash = '';
  private lastInspect = 0;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private saving = false;
  private disposed = false;
  private generation = 0;
  /** The run machine's page end; replaced with the client. */
  private run = new RunTransport(() => {});
  private readonly keeper = new RunKeeper();
  /** What to say once a restored run is rebuilt. */
  private restoreNote: string | null = null;

  constructor() {
    const decoded = decodeHash(typeof location === 'undefined' ? '' : location.hash);
    this.state = {
      backend: null,
      fatal: null,
      teacher: null,
      spec: decoded.spec,
      hidden: decoded.hidden,
      present: decoded.present,
      marks: [],
      notices: [],
      lanesReady: 0,
      studentParams: [],
      studentStarts: [],
      busy: true,
      phase: 'idle',
      running: false,
      step: 0,
      stepsPerSec: 0,
      memory: null,
      records: decoded.spec.lanes.map(() => []),
      halts: decoded.spec.lanes.map(() => null),
      inspection: null,
      explanation: null,
      inspectLane: 0,
      ghosts: [],
      lastSaved: null,
      lesson: null,
      alerts: [],
      blockedPlay: false,
    };
    if (decoded.problems.length) this.notify('warn', 'This link had settings that could not be used as given; they were adjusted:', decoded.problems);
    this.hashDecoded = decoded;
  }

  private hashDecoded: ReturnType<typeof decodeHash>;

  // ---- store plumbing ----
  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getSnapshot = () => this.state;

  private set(patch: Partial<PlaygroundState>) {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  /** The state fields the run machine decides. */
  private runFields(): Pick<PlaygroundState, 'phase' | 'running'> {
    return { phase: this.run.phase, running: this.run.active };
  }

  // ---- lifecycle ----
  /** Start (or, after dispose, start again: React's StrictMode mounts effects twice). */
  async start(): Promise<void> {
    const generation = ++this.generation;
    this.disposed = false;
    this.client = this.newClient();
    addEventListener('hashchange', this.onHashChange);
    addEventListener('pagehide', this.onPageHide);
    (globalThis as { __alembicEvents?: unknown[] }).__alembicEvents?.push([Math.round(performance.now()), 'page-start']);
    // A saved run whose configuration no longer resolves cleanly (the declarations changed
    // since) is not restored: its weights may not fit.
    const choice = await this.keeper.startup(this.hashDecoded, (spec) => resolveSpec(spec).problems.length === 0);
    (globalThis as { __alembicEvents?: unknown[] }).__alembicEvents?.push([Math.round(performance.now()), choice.run ? 'saved-run' : 'no-saved-run']);
    if (this.disposed || generation !== this.generation) return;
    if (choice.problem) this.notify('warn', choice.problem);
    if (choice.run) this.restore(choice.run, choice.message);
    else {
      this.writeHash();
      this.run.reset(this.state.spec);
      this.set(this.runFields());
    }
    if (choice.newer) this.offerNewer(choice.newer, choice.run?.step ?? 0);
  }

  /** A new engine worker, with a fresh run machine for it. */
  private newClient(): EngineClient {
    const client = new EngineClient((why) => this.onEngineLost(why));
    this.run = new RunTransport((cmd) => client.send(cmd));
    client.subscribe((e) => this.onEvent(e));
    return client;
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    removeEventListener('hashchange', this.onHashChange);
    removeEventListener('pagehide', this.onPageHide);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.client?.terminate();
    this.client = null;
    this.run = new RunTransport(() => {});
    this.keeper.close();
  }

  /** Rebuild a saved run: its history is drawn at once, the worker loads the students' weights. */
  private restore(saved: SavedRun, note: string | null): void {
    this.ghostId = Math.max(0, ...(saved.ghosts ?? []).map((g) => g.id)) + 1;
    this.restoring = saved;
    this.restoreNote = note;
    this.set({
      spec: saved.spec,
      ghosts: saved.ghosts ?? [],
      records: saved.records,
      halts: saved.spec.lanes.map((_, i) => saved.halts?.[i] ?? null),
      step: saved.step,
      lastSaved: saved.savedAt,
    });
    this.writeHash();
    this.run.reset(saved.spec, { restore: { step: saved.step, weights: saved.weights } });
    this.set(this.runFields());
  }
  private restoring: SavedRun | null = null;

  // ---- events from the worker ----
  private onEvent(e: Event): void {
    // Tests (and curious developers) may define window.__alembicEvents to see the event stream.
    (globalThis as { __alembicEvents?: unknown[] }).__alembicEvents?.push([Math.round(performance.now()), e.type, 'status' in e ? e.status : '']);
    switch (e.type) {
      case 'backend':
        if (e.info.chosenFailed) {
          const { name, reason } = e.info.chosenFailed;
          this.setAlert({
            key: 'backend',
            kind: 'warn',
            testId: 'backend-failed',
            dismissable: true,
            text: `You chose the ${name} backend, but it could not start here (${reason}); the engine runs on ${e.info.name} instead.`,
          });
        } else this.clearAlert('backend');
        return this.set({ backend: e.info });
      case 'fatal':
        return this.set({ fatal: e.message, busy: false, ...(this.run.fail(), this.runFields()) });
      case 'teacher':
        return this.set({ teacher: e });
      case 'ready':
        if (e.problems.length) this.notify('warn', 'The engine adjusted some settings:', e.problems);
        if (this.restoring && e.restoredStep !== undefined && this.restoreNote) this.notify('info', this.restoreNote);
        this.restoring = null;
        for (const n of e.notices) this.notify('info', n);
        this.restoreNote = null;
        this.run.built(e.lanes);
        this.set({ lanesReady: e.lanes, studentParams: e.studentParams, studentStarts: e.studentStarts, busy: false, ...this.runFields() });
        if (e.lanes) this.requestInspect(true);
        return;
      case 'records': {
        const records = this.state.records.map((r) => r.slice());
        for (const { lane, record } of e.records) {
          if (!records[lane]) continue;
          const arr = records[lane];
          // A step-0 record after a reset replaces the history; otherwise append in order.
          if (arr.length && record.step <= arr[arr.length - 1].step) arr.splice(arr.findIndex((r) => r.step >= record.step));
          arr.push(record);
        }
        this.set({ records });
        this.requestInspect(false);
        this.scheduleSave(SAVE_EVERY_MS);
        return;
      }
      case 'status':
        this.run.report(e);
        // A status sent before the worker saw the last play, pause or step still carries the old
        // phase: the machine keeps the page's (starting, pausing, …) until one answers them all.
        // While a saved run is being rebuilt the worker still counts from 0: keep the saved step.
        if (!this.restoring) this.keeper.noteProgress(e.step);
        return this.set({
          ...this.runFields(),
          step: this.restoring ? this.state.step : e.step,
          stepsPerSec: e.stepsPerSec,
          memory: e.memory,
        });
      case 'halted': {
        const halts = this.state.halts.slice();
        halts[e.lane] = e.reason;
        this.set({ halts });
        this.scheduleSave(0);
        return;
      }
      case 'inspection':
        return this.set({ inspection: { lane: e.lane, step: e.step, samples: e.samples } });
      case 'explanation':
        return this.set({ explanation: { lane: e.lane, step: e.step, pending: false, data: e.explanation } });
      case 'error':
        if (e.context === 'Explain one step' && this.state.explanation) this.set({ explanation: { ...this.state.explanation, pending: false } });
        this.notify('error', `${e.context}: ${e.message}`, undefined, undefined, true);
        return;
      default:
        return;
    }
  }

  // ---- transport ----
  play = () => {
    if (this.allHalted()) return this.set({ blockedPlay: true });
    if (this.state.lanesReady && this.run.play()) this.set(this.runFields());
  };

  /** Every student stands halted: play and step cannot do anything until the cause is fixed. */
  private allHalted(): boolean {
    const { halts, lanesReady } = this.state;
    return lanesReady > 0 && halts.length > 0 && halts.every((h) => h !== null);
  }

  /** Lanes whose halt is over (new weights, the named setting changed): their banners leave. */
  private clearHalts(lanes: number[]) {
    const halts = this.state.halts.map((h, i) => (lanes.includes(i) ? null : h));
    this.set({ halts, blockedPlay: this.state.blockedPlay && halts.some((h) => h !== null) });
  }
  pause = () => {
    if (!this.run.pause()) return;
    this.set(this.runFields());
    this.scheduleSave(0);
  };
  toggle = () => (this.run.active ? this.pause() : this.play());
  stepOnce = () => {
    if (this.allHalted()) return this.set({ blockedPlay: true });
    if (!this.state.lanesReady || !this.run.step()) return;
    this.set(this.runFields());
    this.requestInspect(true);
  };
  /** Start again from step 0 with the same configuration (same seed: the same initial student). */
  reset = () => this.restart(true);

  private restart(keepGhost: boolean) {
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const wasRunning = this.run.active;
    const ghosts = keepGhost ? this.withGhost() : this.state.ghosts;
    const changes = this.restartChanges;
    this.restartChanges = new Map();
    if (changes.size && this.state.records.some((r) => r.length > 1)) {
      const list = [...changes.values()].map((c) => c.text).join(', ');
      this.notify('info', `${list}: this setting restarts the run, so training began again from step 0. The run before is kept as a grey ghost curve.`);
    }
    this.set({
      notices: this.state.notices.filter((n) => !n.fromEngine),
      blockedPlay: false,
      marks: changes.size
        ? [{ step: 0, kind: 'restart', text: `restart: ${[...changes.values()].map((c) => c.text).join(', ')}`, id: 'restart', lane: null, from: '' }]
        : [],
      ghosts,
      records: this.state.spec.lanes.map(() => []),
      halts: this.state.spec.lanes.map(() => null),
      inspection: null,
      inspectLane: Math.min(this.state.inspectLane, this.state.spec.lanes.length - 1),
      lanesReady: 0,
      busy: true,
      step: 0,
    });
    const lost = !this.client || this.client.watch.isLost;
    if (lost) this.replaceClient(); // a lost engine cannot reset: start a new one
    this.run.reset(this.state.spec, { resume: wasRunning && !lost });
    this.set(this.runFields());
    this.scheduleSave(0);
  }

  // ---- a lost engine ----
  private onEngineLost(why: string) {
    const saved = this.state.lastSaved;
    const keep = saved ? ` Restart keeps your last saved run (saved ${new Date(saved).toLocaleTimeString()}).` : '';
    this.setAlert({
      key: 'engine',
      kind: 'error',
      testId: 'engine-lost',
      text: `The engine stopped: ${why}. Training cannot continue in it.${keep}`,
      actions: [{ label: 'Restart the engine', testId: 'restart-engine', act: () => void this.restartEngine() }],
    });
    this.run.fail();
    this.set({ ...this.runFields(), busy: false, lanesReady: 0, stepsPerSec: 0 });
  }

  private replaceClient() {
    this.client?.terminate();
    this.client = this.newClient();
    this.clearAlert('engine');
  }

  /** A new engine worker, continuing this tab's last saved run (or a fresh one without). */
  restartEngine = async () => {
    this.replaceClient();
    this.set({ busy: true, lanesReady: 0, notices: this.state.notices.filter((n) => !n.fromEngine) });
    const run = await this.keeper.load(this.keeper.tab).catch(() => undefined);
    if (run && run.step > 0 && specsEqual(run.spec, this.state.spec)) {
      this.restore(run, `The engine restarted with your run at step ${run.step} (saved ${new Date(run.savedAt).toLocaleTimeString()}).`);
    } else {
      this.set({ records: this.state.spec.lanes.map(() => []), halts: this.state.spec.lanes.map(() => null), step: 0 });
      this.run.reset(this.state.spec);
      this.set(this.runFields());
    }
  };

  // ---- alerts ----
  private setAlert(alert: RunAlert) {
    this.set({ alerts: [...this.state.alerts.filter((a) => a.key !== alert.key), alert] });
  }
  private clearAlert(key: string) {
    if (this.state.alerts.some((a) => a.key === key)) this.set({ alerts: this.state.alerts.filter((a) => a.key !== key) });
  }
  dismissAlert = (key: string) => this.clearAlert(key);

  /** Another tab saved this experiment more recently: offer its run, never take it silently. */
  private offerNewer(newer: RunSummary, ownStep: number) {
    this.setAlert({
      key: 'newer-run',
      kind: 'info',
      testId: 'newer-run',
      dismissable: true,
      text: `Another tab saved a newer run of this experiment (step ${newer.step}, ${new Date(newer.savedAt).toLocaleTimeString()}). This tab continued its own${ownStep ? ` (step ${ownStep})` : ''}.`,
      actions: [{ label: `Continue the other tab's run here`, testId: 'take-newer-run', act: () => void this.takeRun(newer.id) }],
    });
  }

  private async takeRun(id: string) {
    this.clearAlert('newer-run');
    const run = await this.keeper.load(id).catch(() => undefined);
    if (!run) {
      this.notify('warn', 'That run is no longer saved; this tab keeps its own.');
      return;
    }
    this.restore(run, `Continued the other tab's run at step ${run.step} (saved ${new Date(run.savedAt).toLocaleTimeString()}).`);
  }

  private withGhost(): Ghost[] {
    const { records, spec, step } = this.state;
    if (!records.some((r) => r.length > 1)) return this.state.ghosts;
    const label = `previous run: ${spec.lanes.map((_, i) => laneLabel(spec, i)).join(' vs ')}, seed ${String(spec.settings.seed)} (${String(spec.settings.task)}, to step ${step})`;
    return [...this.state.ghosts, { id: this.ghostId++, label, spec, records }].slice(-MAX_GHOSTS);
  }

  clearGhosts = () => {
    this.set({ ghosts: [] });
    this.scheduleSave(0);
  };

  // ---- configuration ----
  /** Change a shared setting (lane null) or a student's hyperparameter. */
  setParam = (lane: number | null, id: string, value: ParamValue) => {
    const spec = structuredClone(this.state.spec);
    const method = spec.lanes[lane ?? 0].method;
    const paramSpec = laneParam(method, id);
    if (!paramSpec) return;
    const before = lane === null ? spec.settings[id] : spec.lanes[lane].hyper[id];
    if (lane === null) spec.settings[id] = value;
    else spec.lanes[lane].hyper[id] = value;
    const { spec: resolved, problems } = resolveSpec(spec);
    if (problems.length) this.notify('warn', 'Adjusted:', problems);
    const v = lane === null ? resolved.settings[id] : resolved.lanes[lane].hyper[id];
    const who = lane !== null && resolved.lanes.length > 1 ? `S${lane + 1} ` : '';
    this.set({ spec: resolved });
    this.writeHash();
    if (paramSpec.apply === 'live') {
      if (this.state.lanesReady) this.client?.send({ type: 'setParam', lane, id, value: v });
      if (HALT_FIX_SETTINGS.includes(id)) this.clearHalts(lane === null ? this.state.halts.map((_, i) => i) : [lane]);
      if (v !== before) this.markLive(lane, id, `${who}${id}`, shortValue(before), shortValue(v));
      this.scheduleSave(1000);
    } else {
      const key = `${lane}:${id}`;
      const from = this.restartChanges.get(key)?.from ?? shortValue(before);
      this.restartChanges.set(key, { from, text: `${who}${id} ${from} → ${shortValue(v)}` });
      this.scheduleRestart();
    }
  };

  /** Restart settings changed since the last restart, for its message and mark. */
  private restartChanges = new Map<string, { from: string; text: string }>();

  /** Mark a live change at the current step; a slider dragged at one step keeps one mark. */
  private markLive(lane: number | null, id: string, name: string, from: string, to: string) {
    const marks = this.state.marks.slice();
    const last = marks[marks.length - 1];
    const step = this.state.step;
    if (last && last.kind === 'live' && last.step === step && last.id === id && last.lane === lane) {
      if (last.from === to) marks.pop();
      else marks[marks.length - 1] = { ...last, text: `${name} ${last.from} → ${to}` };
    } else marks.push({ step, kind: 'live', id, lane, from, text: `${name} ${from} → ${to}` });
    this.set({ marks: marks.slice(-20) });
  }

  /** Presenter mode on or off; kept in the link so a projector link opens in it. */
  setPresent = (present: boolean) => {
    this.set({ present });
    this.writeHash();
  };

  setMethod = (lane: number, method: string) => {
    const spec = structuredClone(this.state.spec);
    spec.lanes[lane] = { method, hyper: defaults(getMethod(method).params) };
    this.applySpec(spec, false);
  };

  addLane = () => {
    if (this.state.spec.lanes.length >= MAX_LANES) return;
    const spec = structuredClone(this.state.spec);
    const last = spec.lanes[spec.lanes.length - 1];
    spec.lanes.push(last ? structuredClone(last) : defaultLane());
    this.applySpec(spec, false);
  };

  removeLane = (lane: number) => {
    if (this.state.spec.lanes.length <= 1) return;
    const spec = structuredClone(this.state.spec);
    spec.lanes.splice(lane, 1);
    this.applySpec(spec, false);
  };

  applyPreset = (id: string) => {
    const preset = getPreset(id);
    if (!preset) return;
    const { spec, problems } = resolveSpec(preset.spec);
    if (problems.length) this.notify('warn', `Preset '${preset.title}' was adjusted:`, problems);
    this.set({ lesson: id });
    this.applySpec(spec, true);
  };

  closeLesson = () => this.set({ lesson: null });

  /** Replace the whole experiment and restart (now, or after a short pause for sliders). */
  private applySpec(spec: RunSpec, now: boolean) {
    const { spec: resolved } = resolveSpec(spec);
    const ghosts = this.withGhost();
    this.set({ spec: resolved, ghosts, records: resolved.lanes.map(() => []), halts: resolved.lanes.map(() => null) });
    this.writeHash();
    if (now) this.restart(false);
    else this.scheduleRestart();
  }

  private scheduleRestart() {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.restart(true), RESTART_DEBOUNCE_MS);
  }

  setHidden = (ids: string[]) => {
    this.set({ hidden: ids });
    this.writeHash();
  };

  /** The link to this experiment, optionally hiding controls (an instructor's link). */
  shareLink(hidden: readonly string[] = this.state.hidden, present = false): string {
    return `${location.origin}${location.pathname}${encodeHash(this.state.spec, hidden, present)}`;
  }

  private writeHash() {
    const hash = encodeHash(this.state.spec, this.state.hidden, this.state.present);
    this.lastWrittenHash = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  private onHashChange = () => {
    if (location.hash === this.lastWrittenHash) return;
    const decoded = decodeHash(location.hash);
    if (decoded.problems.length) this.notify('warn', 'This link had settings that could not be used as given; they were adjusted:', decoded.problems);
    this.set({ hidden: decoded.hidden, present: decoded.present });
    if (!specsEqual(decoded.spec, this.state.spec)) this.applySpec(decoded.spec, true);
  };

  // ---- notices ----
  notify(kind: Notice['kind'], text: string, details?: string[], studies?: readonly string[], fromEngine?: boolean) {
    const notice: Notice = { id: this.noticeId++, kind, text, details, studies, fromEngine };
    this.set({ notices: [...this.state.notices.slice(-4), notice] });
  }
  dismiss = (id: number) => this.set({ notices: this.state.notices.filter((n) => n.id !== id) });

  // ---- looking inside ----
  /** Explain one step of a student's method on held-out example `example` (pauses the run). */
  explain = (lane: number, example = 0) => {
    if (!this.state.lanesReady) return;
    this.pause(); // a slow-motion step is watched with the run standing still
    this.client?.send({ type: 'explain', lane, example });
    this.set({ explanation: { lane, step: this.state.step, pending: true, data: this.state.explanation?.data ?? null } });
  };
  closeExplanation = () => this.set({ explanation: null });

  setInspectLane = (lane: number) => {
    this.set({ inspectLane: lane });
    this.requestInspect(true);
  };

  private requestInspect(force: boolean) {
    const now = performance.now();
    if (!force && now - this.lastInspect < INSPECT_EVERY_MS) return;
    if (this.state.inspectLane >= this.state.spec.lanes.length) return;
    this.lastInspect = now;
    this.client?.send({ type: 'inspect', lane: this.state.inspectLane });
  }

  // ---- keeping ----
  labels(): string[] {
    return this.state.spec.lanes.map((_, i) => laneLabel(this.state.spec, i));
  }

  exportCsv = () => download('alembic-metrics.csv', metricsCsv(this.state.spec, this.state.records, this.labels(), this.state.studentStarts), 'text/csv');
  exportJson = () =>
    download(
      'alembic-metrics.json',
      metricsJson(this.state.spec, this.state.records, this.labels(), this.shareLink(), this.state.studentStarts),
      'application/json',
    );

  downloadWeights = async (lane: number) => {
    if (!this.client) return;
    try {
      const files = await this.client.saveWeights(lane);
      download('model.json', files.modelJson, 'application/json');
      download('weights.bin', files.weights, 'application/octet-stream');
    } catch (e) {
      this.notify('error', `Could not save the student's weights: ${(e as Error).message}`);
    }
  };

  /** Load a student from model.json + weights.bin chosen by the user; a bad file changes nothing. */
  loadWeightsFiles = async (lane: number, files: FileList | File[]) => {
    const list = [...files];
    const json = list.find((f) => f.name.endsWith('.json'));
    const bin = list.find((f) => !f.name.endsWith('.json'));
    if (!json || !bin) {
      this.notify('error', 'Choose both files of a TensorFlow.js model: model.json and its weights file (weights.bin). Nothing was changed.');
      return;
    }
    try {
      const weights: WeightFiles = { modelJson: await json.text(), weights: await bin.arrayBuffer() };
      await this.client!.loadWeights(lane, weights);
      // The halt was about the old weights: it leaves with them.
      this.clearHalts([lane]);
      this.notify('info', `Loaded ${json.name} + ${bin.name} into student ${lane + 1}.`);
      this.requestInspect(true);
      this.scheduleSave(0);
    } catch (e) {
      this.notify('error', `Could not load ${json.name} + ${bin.name}: ${(e as Error).message}. Nothing was changed.`);
    }
  };

  private onPageHide = () => {
    this.keeper.noteProgress(this.state.step, true);
    this.scheduleSave(0);
  };

  /** Save within `delay` ms (an earlier pending save stands; a later one is brought forward). */
  private scheduleSave(delay: number) {
    const due = Date.now() + delay;
    if (this.saveTimer && this.saveDue <= due) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveDue = due;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save();
    }, delay);
  }
  private saveDue = 0;

  private async save() {
    if (!this.client || this.client.watch.isLost) return; // keep the last good save for a restart
    if (this.saving) {
      this.scheduleSave(1000); // one is running: save again after it
      return;
    }
    this.saving = true;
    try {
      const { spec, lanesReady } = this.state;
      // Weights and the step they were read at come together; records past it are left out.
      const snap = lanesReady ? await this.client.snapshot() : { step: 0, weights: spec.lanes.map(() => null) };
      if (!specsEqual(spec, this.state.spec) || (lanesReady && !this.state.lanesReady)) {
        this.scheduleSave(1000); // changed meanwhile: save the new configuration instead
        return;
      }
      const { records, ghosts, halts } = this.state;
      const savedAt = await this.keeper.save({
        spec,
        step: snap.step,
        weights: snap.weights,
        records: lanesReady ? records : spec.lanes.map(() => []),
        ghosts,
        halts,
      });
      this.clearAlert('storage');
      this.set({ lastSaved: savedAt });
    } catch (e) {
      if (this.client?.watch.isLost) return;
      this.setAlert({
        key: 'storage',
        kind: 'warn',
        testId: 'storage-failed',
        dismissable: true,
        text: `${(e as Error).message}. Training goes on; saving is tried again every few seconds.`,
      });
      this.scheduleSave(SAVE_EVERY_MS);
    } finally {
      this.saving = false;
    }
  }
}

function download(name: string, data: string | ArrayBuffer, type: string) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
