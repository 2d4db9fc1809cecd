// The page's side of the worker: typed send, and events delivered to listeners. Metric
// records and status updates are coalesced so React sees them at most once per animation frame.
import { isRunCommand, transferables, type Command, type Event, type WeightFiles } from './protocol';
import { EngineWatch } from './engineWatch';

type Listener = (e: Event) => void;

const REQUEST_BUSY_MS = 30_000;

export class EngineClient {
  private readonly worker: Worker;
  private readonly listeners = new Set<Listener>();
  private pendingRecords: Extract<Event, { type: 'records' }>['records'] = [];
  private pendingStatus: Extract<Event, { type: 'status' }> | null = null;
  private frame: number | null = null;

  /** Watches for a worker that died or hangs; `onLost` is told once. */
  readonly watch: EngineWatch;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(onLost: (why: string) => void = () => {}) {
    this.watch = new EngineWatch((why) => {
      for (const p of this.pending.values()) p.reject(new Error(`The engine stopped: ${why}`));
      this.pending.clear();
      onLost(why);
    });
    this.worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'alembic-engine' });
    this.worker.onmessage = (ev: MessageEvent<Event>) => {
      this.watch.heard();
      this.receive(ev.data);
    };
    // An error the worker did not handle (or a script that failed to load): it may be gone.
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.watch.crashed(ev.message || 'unknown error');
    };
    this.worker.onmessageerror = () => this.watch.crashed('a message from it could not be read');
    this.ticker = setInterval(() => this.watch.tick(this.busy()), 1000);
  }

  /** Work the worker has not answered yet: run commands, a run under way, recent requests. */
  private work = { runSent: 0, handled: 0, phase: 'idle', inspectSentAt: 0 };

  private busy(): boolean {
    const w = this.work;
    // A read or an inspection takes seconds at most (an inspection is not always answered):
    // each counts as work for half a minute, so a request to a dead worker cannot hide its death.
    const recent = (t: number) => t > 0 && performance.now() - t < REQUEST_BUSY_MS;
    const requests = recent(w.inspectSentAt) || [...this.pending.values()].some((p) => recent(p.sentAt));
    return w.runSent > w.handled || !['idle', 'paused', 'halted', 'failed'].includes(w.phase) || requests;
  }

  send(cmd: Command): void {
    if (isRunCommand(cmd)) this.work.runSent++;
    // A new run or a changed setting may change what a step costs: the watch learns the pace again.
    if (cmd.type === 'reset' || cmd.type === 'setParam') this.watch.changed(cmd.type === 'reset');
    if (cmd.type === 'inspect') this.work.inspectSentAt = performance.now();
    this.worker.postMessage(cmd, transferables(cmd));
  }

  private nextRequest = 1;
  private readonly pending = new Map<number, { resolve: (e: Event) => void; reject: (err: Error) => void; sentAt: number }>();

  /** Download a student's weights from the worker. */
  saveWeights(lane: number): Promise<WeightFiles> {
    return this.request({ type: 'saveWeights', lane, requestId: this.nextRequest++ }).then((e) => (e as Extract<Event, { type: 'weights' }>).files);
  }

  /** Every student's weights and the step they were read at, together. */
  snapshot(): Promise<{ step: number; weights: WeightFiles[] }> {
    return this.request({ type: 'snapshot', requestId: this.nextRequest++ }).then((e) => e as Extract<Event, { type: 'snapshot' }>);
  }

  /** Replace a student's weights; rejects with a readable message (and nothing changes) if they do not fit. */
  loadWeights(lane: number, files: WeightFiles, step?: number): Promise<number> {
    // Transfer a copy: the caller may keep (and persist) its own buffer.
    const copy = { modelJson: files.modelJson, weights: files.weights.slice(0) };
    return this.request({ type: 'loadWeights', lane, files: copy, step, requestId: this.nextRequest++ }).then(
      (e) => (e as Extract<Event, { type: 'weightsLoaded' }>).step,
    );
  }

  private request(cmd: Extract<Command, { requestId: number }>): Promise<Event> {
    return new Promise((resolve, reject) => {
      if (this.watch.isLost) return reject(new Error('The engine is not running'));
      this.pending.set(cmd.requestId, { resolve, reject, sentAt: performance.now() });
      this.send(cmd);
    });
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  terminate(): void {
    clearInterval(this.ticker);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    for (const p of this.pending.values()) p.reject(new Error('The engine stopped'));
    this.pending.clear();
    this.worker.terminate();
  }

  private receive(e: Event) {
    if (e.type === 'alive') return;
    if (e.type === 'status') {
      Object.assign(this.work, { handled: e.handled, phase: e.phase });
      this.watch.progress(e.phase === 'running', e.step);
    }
    if (e.type === 'inspection' || (e.type === 'error' && e.context === 'inspect')) this.work.inspectSentAt = 0;
    if ((e.type === 'weights' || e.type === 'weightsLoaded' || e.type === 'snapshot' || e.type === 'error') && e.requestId !== undefined) {
      const waiting = this.pending.get(e.requestId);
      if (waiting) {
        this.pending.delete(e.requestId);
        if (e.type === 'error') waiting.reject(new Error(e.message));
        else waiting.resolve(e);
        return;
      }
    }
    if (e.type === 'records') {
      this.pendingRecords.push(...e.records);
      this.schedule();
    } else if (e.type === 'status') {
      this.pendingStatus = e;
      this.schedule();
    } else {
      // Anything else (halts, resets, errors) must not overtake records already received.
      this.flush();
      this.emit(e);
    }
  }

  private schedule() {
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.flush());
  }

  private flush() {
    if (this.frame !== null) {
      cancelAnimationFrame(this.frame);
      this.frame = null;
    }
    if (this.pendingRecords.length) {
      const records = this.pendingRecords;
      this.pendingRecords = [];
      this.emit({ type: 'records', records });
    }
    if (this.pendingStatus) {
      const s = this.pendingStatus;
      this.pendingStatus = null;
      this.emit(s);
    }
  }

  private emit(e: Event) {
    for (const fn of this.listeners) fn(e);
  }
}
