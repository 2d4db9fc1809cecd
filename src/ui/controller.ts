// The page's state and every action on it, outside React: the experiment (synced to the URL
// hash), what the worker reports, ghosts, notices and persistence. React components read
// snapshots through useSyncExternalStore; metric records arrive at most once per frame.
import type { MetricRecord } from '../engine/metrics/record';
import type { StudentStart } from '../engine/model/shippedStudents';
import { getMethod } from '../engine/methods/declarations';
import { defaults, type ParamValue } from '../engine/params';
import { EngineClient } from '../worker/client';
import type { BackendInfo, Event, InspectSample, MemoryInfo, WeightFiles } from '../worker/protocol';
import { MAX_LANES, defaultLane, resolveSpec, specsEqual, type RunSpec } from '../shared/runSpec';
import { laneLabel, laneParam } from '../state/config';
import type { RunPhase } from '../shared/runMachine';
import { RunTransport } from './runTransport';
import { decodeHash, encodeHash } from '../state/url';
import { getPreset } from '../state/presets';
import { CURRENT, loadRun, saveRun, type Ghost, type SavedRun } from '../state/runs';
import { metricsCsv, metricsJson } from '../state/exportMetrics';

export interface Notice {
  id: number;
  kind: 'info' | 'warn' | 'error';
  text: string;
  /** Several lines, e.g. every value a link had to change. */
  details?: string[];
  /** Studies whose findings go with this notice (a lesson's evidence). */
  studies?: readonly string[];
}

export type TeacherInfo = Extract<Event, { type: 'teacher' }>;

export interface PlaygroundState {
  backend: BackendInfo | null;
  fatal: string | null;
  teacher: TeacherInfo | null;
  spec: RunSpec;
  hidden: string[];
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
  inspectLane: number;
  ghosts: Ghost[];
  lastSaved: number | null;
  /** The open lesson (a preset id): its panel replaces the notice a preset used to add. */
  lesson: string | null;
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

  constructor() {
    const decoded = decodeHash(typeof location === 'undefined' ? '' : location.hash);
    this.state = {
      backend: null,
      fatal: null,
      teacher: null,
      spec: decoded.spec,
      hidden: decoded.hidden,
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
      inspectLane: 0,
      ghosts: [],
      lastSaved: null,
      lesson: null,
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
    const client = new EngineClient();
    this.client = client;
    this.run = new RunTransport((cmd) => client.send(cmd));
    this.client.subscribe((e) => this.onEvent(e));
    addEventListener('hashchange', this.onHashChange);
    addEventListener('pagehide', this.onPageHide);
    (globalThis as { __alembicEvents?: unknown[] }).__alembicEvents?.push([Math.round(performance.now()), 'page-start']);
    const saved = await loadRun(CURRENT);
    (globalThis as { __alembicEvents?: unknown[] }).__alembicEvents?.push([Math.round(performance.now()), saved ? 'saved-run' : 'no-saved-run']);
    if (this.disposed || generation !== this.generation) return;
    const decoded = this.hashDecoded;
    // A saved run whose configuration no longer resolves cleanly (the declarations changed
    // since) is not restored: its weights may not fit.
    const savedClean = saved ? resolveSpec(saved.spec).problems.length === 0 : false;
    if (saved && savedClean && saved.records.some((r) => r.length > 1) && (decoded.empty || specsEqual(saved.spec, decoded.spec))) {
      this.restore(saved);
    } else {
      this.writeHash();
      this.run.reset(this.state.spec);
      this.set(this.runFields());
    }
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
  }

  /** Rebuild a saved run: its history is drawn at once, the worker loads the students' weights. */
  private restore(saved: SavedRun): void {
    this.ghostId = Math.max(0, ...(saved.ghosts ?? []).map((g) => g.id)) + 1;
    this.restoring = saved;
    this.set({
      spec: saved.spec,
      ghosts: saved.ghosts ?? [],
      records: saved.records,
      halts: saved.spec.lanes.map(() => null),
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
        return this.set({ backend: e.info });
      case 'fatal':
        return this.set({ fatal: e.message, busy: false, ...(this.run.fail(), this.runFields()) });
      case 'teacher':
        return this.set({ teacher: e });
      case 'ready':
        if (e.problems.length) this.notify('warn', 'The engine adjusted some settings:', e.problems);
        if (this.restoring && e.restoredStep !== undefined) {
          this.notify('info', `Restored your run from ${new Date(this.restoring.savedAt).toLocaleString()} at step ${e.restoredStep}. Reset starts it again from step 0.`);
        }
        this.restoring = null;
        for (const n of e.notices) this.notify('info', n);
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
      case 'error':
        this.notify('error', `${e.context}: ${e.message}`);
        return;
      default:
        return;
    }
  }

  // ---- transport ----
  play = () => {
    if (this.state.lanesReady && this.run.play()) this.set(this.runFields());
  };
  pause = () => {
    if (!this.run.pause()) return;
    this.set(this.runFields());
    this.scheduleSave(0);
  };
  toggle = () => (this.run.active ? this.pause() : this.play());
  stepOnce = () => {
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
    this.set({
      ghosts,
      records: this.state.spec.lanes.map(() => []),
      halts: this.state.spec.lanes.map(() => null),
      inspection: null,
      inspectLane: Math.min(this.state.inspectLane, this.state.spec.lanes.length - 1),
      lanesReady: 0,
      busy: true,
      step: 0,
    });
    this.run.reset(this.state.spec, { resume: wasRunning });
    this.set(this.runFields());
    this.scheduleSave(0);
  }

  private withGhost(): Ghost[] {
    const { records, spec, step } = this.state;
    if (!records.some((r) => r.length > 1)) return this.state.ghosts;
    const label = `${spec.lanes.map((_, i) => laneLabel(spec, i)).join(' vs ')} · ${String(spec.settings.task)} · step ${step}`;
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
    if (lane === null) spec.settings[id] = value;
    else spec.lanes[lane].hyper[id] = value;
    const { spec: resolved, problems } = resolveSpec(spec);
    if (problems.length) this.notify('warn', 'Adjusted:', problems);
    this.set({ spec: resolved });
    this.writeHash();
    if (paramSpec.apply === 'live') {
      const v = lane === null ? resolved.settings[id] : resolved.lanes[lane].hyper[id];
      if (this.state.lanesReady) this.client?.send({ type: 'setParam', lane, id, value: v });
      this.scheduleSave(1000);
    } else this.scheduleRestart();
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
  shareLink(hidden: readonly string[] = this.state.hidden): string {
    return `${location.origin}${location.pathname}${encodeHash(this.state.spec, hidden)}`;
  }

  private writeHash() {
    const hash = encodeHash(this.state.spec, this.state.hidden);
    this.lastWrittenHash = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  private onHashChange = () => {
    if (location.hash === this.lastWrittenHash) return;
    const decoded = decodeHash(location.hash);
    if (decoded.problems.length) this.notify('warn', 'This link had settings that could not be used as given; they were adjusted:', decoded.problems);
    this.set({ hidden: decoded.hidden });
    this.applySpec(decoded.spec, true);
  };

  // ---- notices ----
  notify(kind: Notice['kind'], text: string, details?: string[], studies?: readonly string[]) {
    const notice: Notice = { id: this.noticeId++, kind, text, details, studies };
    this.set({ notices: [...this.state.notices.slice(-4), notice] });
  }
  dismiss = (id: number) => this.set({ notices: this.state.notices.filter((n) => n.id !== id) });

  // ---- looking inside ----
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
  exportJson = () => download('alembic-metrics.json', metricsJson(this.state.spec, this.state.records, this.labels(), this.shareLink(), this.state.studentStarts), 'application/json');

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
      this.notify('info', `Loaded ${json.name} + ${bin.name} into student ${lane + 1}.`);
      this.requestInspect(true);
      this.scheduleSave(0);
    } catch (e) {
      this.notify('error', `Could not load ${json.name} + ${bin.name}: ${(e as Error).message}. Nothing was changed.`);
    }
  };

  private onPageHide = () => this.scheduleSave(0);

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
    if (!this.client) return;
    if (this.saving) {
      this.scheduleSave(1000); // one is running: save again after it
      return;
    }
    this.saving = true;
    try {
      const { spec, records, ghosts, step, lanesReady } = this.state;
      const takenAt = Date.now();
      const weights = lanesReady ? await Promise.all(spec.lanes.map((_, i) => this.client!.saveWeights(i).catch(() => null))) : spec.lanes.map(() => null);
      if (!specsEqual(spec, this.state.spec)) {
        this.scheduleSave(1000); // changed meanwhile: save the new configuration instead
        return;
      }
      await saveRun({ id: CURRENT, savedAt: takenAt, spec, step, records, ghosts, weights });
      this.set({ lastSaved: takenAt });
    } catch (e) {
      this.notify('warn', `Could not save the run in this browser: ${(e as Error).message}`);
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
