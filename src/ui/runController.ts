// The run as the page drives it: the engine worker and the page's end of the run machine, the
// worker's events folded into the snapshot, play/pause/step/restart, saving as it trains, and
// recovery (a lost engine, a saved run taken up, another tab's newer run). The learner's own
// actions (edits, looking inside, downloads) are the Playground's, in ./controller.ts.
import { EngineClient } from '../worker/client';
import type { Event } from '../worker/protocol';
import { resolveSpec, specsEqual } from '../shared/runSpec';
import type { DecodedHash } from '../state/url';
import type { Ghost, SavedRun } from '../state/runs';
import { RunTransport } from './runTransport';
import { RunKeeper } from './runKeeper';
import type { RunAlert } from './RunAlerts';
import { Store } from './store';
import { allHalted, freshRun, initialState, mergeRecords, type PlaygroundState } from './playgroundState';
import { backendFailedAlert, engineLostAlert, newerRunAlert, storageFailedAlert, withAlert, withNotice, withoutRunNotices, type Notice } from './notices';
import { nextGhostId, withGhost } from './ghosts';
import { RestartChanges } from './configEdits';
import { UrlSync } from './urlSync';
import { AutoSave, SAVE_EVERY_MS } from './autoSave';

const time = (t: number) => new Date(t).toLocaleTimeString();

export abstract class RunController extends Store<PlaygroundState> {
  protected client: EngineClient | null = null;
  /** The run machine's page end; replaced with the client. */
  protected run = new RunTransport(() => {});
  private readonly keeper = new RunKeeper();
  protected readonly url = new UrlSync((decoded) => this.onLinkChanged(decoded));
  protected readonly saver = new AutoSave({
    keeper: this.keeper,
    client: () => this.client,
    state: () => this.state,
    saved: (savedAt) => {
      this.clearAlert('storage');
      this.set({ lastSaved: savedAt });
    },
    failed: (message) => this.setAlert(storageFailedAlert(message)),
  });
  protected readonly restartChanges = new RestartChanges();
  private readonly opened: DecodedHash;
  private noticeId = 1;
  private ghostId = 1;
  protected restartTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private generation = 0;
  /** A saved run being rebuilt, and what to say once it is. */
  private restoring: SavedRun | null = null;
  private restoreNote: string | null = null;

  constructor() {
    const opened = UrlSync.read();
    super(initialState(opened));
    this.opened = opened;
    if (opened.problems.length) this.notify('warn', 'This link had settings that could not be used as given; they were adjusted:', opened.problems);
  }

  /** A link edited by hand or pasted: the experiment it describes. */
  protected abstract onLinkChanged(decoded: DecodedHash): void;
  /** Ask the worker for the inspected student's samples (at most every few seconds unless forced). */
  protected abstract requestInspect(force: boolean): void;

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
    this.url.listen();
    addEventListener('pagehide', this.onPageHide);
    // A saved run whose configuration no longer resolves cleanly (the declarations changed
    // since) is not restored: its weights may not fit.
    const choice = await this.keeper.startup(this.opened, (spec) => resolveSpec(spec).problems.length === 0);
    if (this.disposed || generation !== this.generation) return;
    if (choice.problem) this.notify('warn', choice.problem);
    if (choice.run) this.restore(choice.run, choice.message);
    else {
      this.url.write(this.state);
      this.run.reset(this.state.spec);
      this.set(this.runFields());
    }
    if (choice.newer) this.setAlert(newerRunAlert(choice.newer, choice.run?.step ?? 0, () => void this.takeRun(choice.newer!.id)));
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
    this.url.stop();
    removeEventListener('pagehide', this.onPageHide);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.saver.cancel();
    this.client?.terminate();
    this.client = null;
    this.run = new RunTransport(() => {});
    this.keeper.close();
  }

  /** Rebuild a saved run: its history is drawn at once, the worker loads the students' weights. */
  private restore(saved: SavedRun, note: string | null): void {
    this.ghostId = nextGhostId(saved.ghosts ?? []);
    this.restoring = saved;
    this.restoreNote = note;
    this.set({
      notices: withoutRunNotices(this.state.notices),
      spec: saved.spec,
      ghosts: saved.ghosts ?? [],
      records: saved.records,
      halts: saved.spec.lanes.map((_, i) => saved.halts?.[i] ?? null),
      step: saved.step,
      lastSaved: saved.savedAt,
    });
    this.url.write(this.state);
    this.run.reset(saved.spec, { restore: { step: saved.step, weights: saved.weights } });
    this.set(this.runFields());
  }

  // ---- events from the worker ----
  private onEvent(e: Event): void {
    switch (e.type) {
      case 'backend': {
        const failed = e.info.chosenFailed;
        if (failed) this.setAlert(backendFailedAlert(failed.name, failed.reason, e.info.name));
        else this.clearAlert('backend');
        return this.set({ backend: e.info });
      }
      case 'fatal':
        return this.set({ fatal: e.message, busy: false, ...(this.run.fail(), this.runFields()) });
      case 'teacher':
        return this.set({ teacher: e });
      case 'ready':
        if (e.problems.length) this.notify('warn', 'The engine adjusted some settings:', e.problems);
        if (this.restoring && e.restoredStep !== undefined && this.restoreNote) this.notify('info', this.restoreNote, undefined, undefined, true);
        this.restoring = null;
        for (const n of e.notices) this.notify('info', n);
        this.restoreNote = null;
        this.run.built(e.lanes);
        this.set({ lanesReady: e.lanes, studentParams: e.studentParams, studentStarts: e.studentStarts, busy: false, ...this.runFields() });
        if (e.lanes) this.requestInspect(true);
        return;
      case 'records':
        this.set({ records: mergeRecords(this.state.records, e.records) });
        this.requestInspect(false);
        this.saver.schedule(SAVE_EVERY_MS);
        return;
      case 'status':
        this.run.report(e);
        // A status sent before the worker saw the last play, pause or step still carries the old
        // phase: the machine keeps the page's (starting, pausing, …) until one answers them all.
        // While a saved run is being rebuilt the worker still counts from 0: keep the saved step.
        if (!this.restoring) this.keeper.noteProgress(e.step);
        return this.set({ ...this.runFields(), step: this.restoring ? this.state.step : e.step, stepsPerSec: e.stepsPerSec, memory: e.memory });
      case 'halted': {
        const halts = this.state.halts.slice();
        halts[e.lane] = e.reason;
        this.set({ halts });
        this.saver.schedule(0);
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
    if (allHalted(this.state)) return this.set({ blockedPlay: true });
    if (!this.state.lanesReady || !this.run.play(this.playLimit())) return;
    this.set(this.runFields());
    this.played();
  };

  /** The step at which Play stops by itself (an open lesson's checkpoint), or undefined. */
  protected playLimit(): number | undefined {
    return undefined;
  }
  /** Play was sent. */
  protected played(): void {}
  pause = () => {
    if (!this.run.pause()) return;
    this.set(this.runFields());
    this.saver.schedule(0);
  };
  toggle = () => (this.run.active ? this.pause() : this.play());
  stepOnce = () => {
    if (allHalted(this.state)) return this.set({ blockedPlay: true });
    if (!this.state.lanesReady || !this.run.step()) return;
    this.set(this.runFields());
    this.requestInspect(true);
  };
  /** Start again from step 0 with the same configuration (same seed: the same initial student). */
  reset = () => this.restart(true);

  /** Lanes whose halt is over (new weights, the named setting changed): their banners leave. */
  protected clearHalts(lanes: number[]) {
    const halts = this.state.halts.map((h, i) => (lanes.includes(i) ? null : h));
    this.set({ halts, blockedPlay: this.state.blockedPlay && halts.some((h) => h !== null) });
  }

  /** Start again from step 0; `resume`: play once rebuilt (by default, when it was running). */
  protected restart(keepGhost: boolean, resume = this.run.active) {
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const wasRunning = resume;
    const ghosts = keepGhost ? this.addGhost() : this.state.ghosts;
    const changed = this.restartChanges.take();
    if (changed && this.state.records.some((r) => r.length > 1)) {
      this.notify('info', `${changed}: this setting restarts the run, so training began again from step 0. The run before is kept as a grey ghost curve.`);
    }
    this.set({
      notices: withoutRunNotices(this.state.notices),
      blockedPlay: false,
      marks: changed ? [{ step: 0, kind: 'restart', text: `restart: ${changed}`, id: 'restart', lane: null, from: '' }] : [],
      ghosts,
      ...freshRun(this.state.spec),
      inspection: null,
      inspectLane: Math.min(this.state.inspectLane, this.state.spec.lanes.length - 1),
      lanesReady: 0,
      busy: true,
      step: 0,
    });
    const lost = !this.client || this.client.watch.isLost;
    if (lost) this.replaceClient(); // a lost engine cannot reset: start a new one
    this.run.reset(this.state.spec, { resume: wasRunning && !lost, until: this.playLimit() });
    this.set(this.runFields());
    this.saver.schedule(0);
  }

  // ---- a lost engine, another tab's run ----
  private onEngineLost(why: string) {
    this.setAlert(engineLostAlert(why, this.state.lastSaved, () => void this.restartEngine()));
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
    this.set({ busy: true, lanesReady: 0, notices: withoutRunNotices(this.state.notices) });
    const run = await this.keeper.load(this.keeper.tab).catch(() => undefined);
    if (run && run.step > 0 && specsEqual(run.spec, this.state.spec)) {
      this.restore(run, `The engine restarted with your run at step ${run.step} (saved ${time(run.savedAt)}).`);
    } else {
      this.set({ ...freshRun(this.state.spec), step: 0 });
      this.run.reset(this.state.spec);
      this.set(this.runFields());
    }
  };

  private async takeRun(id: string) {
    this.clearAlert('newer-run');
    const run = await this.keeper.load(id).catch(() => undefined);
    if (!run) return this.notify('warn', 'That run is no longer saved; this tab keeps its own.');
    this.restore(run, `Continued the other tab's run at step ${run.step} (saved ${time(run.savedAt)}).`);
  }

  private onPageHide = () => {
    this.keeper.noteProgress(this.state.step, true);
    this.saver.schedule(0);
  };

  // ---- notices, alerts, ghosts ----
  notify(kind: Notice['kind'], text: string, details?: string[], studies?: readonly string[], ofRun?: boolean) {
    this.set({ notices: withNotice(this.state.notices, { id: this.noticeId++, kind, text, details, studies, ofRun }) });
  }
  dismiss = (id: number) => this.set({ notices: this.state.notices.filter((n) => n.id !== id) });

  private setAlert(alert: RunAlert) {
    this.set({ alerts: withAlert(this.state.alerts, alert) });
  }
  private clearAlert(key: string) {
    if (this.state.alerts.some((a) => a.key === key)) this.set({ alerts: this.state.alerts.filter((a) => a.key !== key) });
  }
  dismissAlert = (key: string) => this.clearAlert(key);

  /** The ghosts with the current run added (when it trained at all). */
  protected addGhost(): Ghost[] {
    const ghosts = withGhost(this.state, this.ghostId);
    if (ghosts !== this.state.ghosts) this.ghostId++;
    return ghosts;
  }
  clearGhosts = () => {
    this.set({ ghosts: [] });
    this.saver.schedule(0);
  };
}
