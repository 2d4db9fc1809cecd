// Notices a dead engine worker. The worker sends a sign of life every second while its event
// loop is free, and every message counts as one; a worker that crashed, was killed (out of
// memory) or hangs goes silent. A worker at work may legitimately be silent for a long time
// (compiling GPU programs, one long step), so silence counts only against a limit that depends
// on whether the page has given it work it has not answered yet: an idle worker always answers
// within a second.
//
// While it trains, the worker reports from inside its step loop (a status at least every few
// steps, records at evaluations), so the run's own pace sets the limit: a few times the longest
// silence seen between its messages since training settled, and a few seconds at least. Training
// settles at the first step it reports after the run (re)starts or a setting changes: a long
// first step (a slow backend, programs compiling) is not judged, nor learned from unless a
// changed setting made it (twenty critic steps instead of one: the new pace).
// No DOM and no timers of its own: the caller ticks it, so tests use a fake clock.

export interface WatchLimits {
  /** Silence that means dead when the worker has nothing to do. */
  idleMs: number;
  /** Silence allowed while it has work under way (a rebuild, a first step, a read). */
  busyMs: number;
  /** While training has settled: the least silence that counts as dead… */
  trainingFloorMs?: number;
  /** …and how many times the longest silence seen in this run's steps. */
  trainingFactor?: number;
  /** How often the caller ticks: a tick much later than this means the page itself stood still. */
  tickMs?: number;
}

export const DEFAULT_LIMITS: Required<WatchLimits> = { idleMs: 10_000, busyMs: 180_000, trainingFloorMs: 4_000, trainingFactor: 5, tickMs: 1_000 };

export class EngineWatch {
  private last: number;
  private heardOnce = false;
  private lost = false;
  private readonly limits: Required<WatchLimits>;

  /** Whether the worker last said it is training. */
  private training = false;
  /** The step it last reported. */
  private step: number | null = null;
  /** Training has settled: a step was reported since it (re)started or a setting changed. */
  private settled = false;
  /** Learn from the step that settles training (after a changed setting: it shows the new pace). */
  private learnFirst = false;
  /** The longest silence between messages since training settled in this run (ms). */
  private longestGap = 0;
  private lastTick: number | null = null;
  /** A late tick since the last message: the silence then was the page's, not the worker's. */
  private pageStood = false;
  private waitedLastTick = false;

  constructor(
    private readonly onLost: (why: string) => void,
    private readonly now: () => number = () => performance.now(),
    limits: WatchLimits = DEFAULT_LIMITS,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.last = now();
  }

  /** Any message from the worker. */
  heard(): void {
    const now = this.now();
    if (this.training && (this.settled || this.learnFirst) && !this.pageStood) this.longestGap = Math.max(this.longestGap, now - this.last);
    this.pageStood = false;
    this.last = now;
    this.heardOnce = true;
  }

  /** A status from the worker: whether it is training, and at which step. */
  progress(training: boolean, step: number): void {
    if (training && this.training && this.step !== null && step !== this.step) {
      this.settled = true;
      this.learnFirst = false;
    }
    if (!training) this.settled = this.learnFirst = false;
    this.training = training;
    this.step = step;
  }

  /** The page sent something that changes what a step costs (`newRun`: a new run, whose pace is unknown). */
  changed(newRun: boolean): void {
    this.settled = false;
    // A new run's first step may compile programs: not learned from. A changed setting's is.
    this.learnFirst = !newRun && this.training;
    if (newRun) this.longestGap = 0;
  }

  /** The silence allowed while settled training, or null when training has not settled. */
  trainingLimit(): number | null {
    if (!this.training || !this.settled) return null;
    const { trainingFloorMs, trainingFactor, busyMs } = this.limits;
    return Math.min(busyMs, Math.max(trainingFloorMs, trainingFactor * this.longestGap));
  }

  /** The silence after which the worker counts as gone (a worker still loading is busy). */
  limit(busy: boolean): number {
    return this.trainingLimit() ?? (busy || !this.heardOnce ? this.limits.busyMs : this.limits.idleMs);
  }

  /** Call about once a second with whether the worker has unanswered work; reports a lost worker once. */
  tick(busy: boolean): void {
    if (this.lost) return;
    const now = this.now();
    // A tick long overdue means this page stood still (a long task, a sleeping laptop): its
    // worker's messages may be queued behind this tick, so the short training limit waits one
    // tick (one only: a page whose every tick is late still judges every other one).
    const overdue = this.lastTick !== null && now - this.lastTick > 2 * this.limits.tickMs;
    this.lastTick = now;
    if (overdue) this.pageStood = true;
    const silent = now - this.last;
    const training = this.trainingLimit();
    if (training !== null && overdue && !this.waitedLastTick) {
      this.waitedLastTick = true;
      return;
    }
    this.waitedLastTick = false;
    if (silent > this.limit(busy)) {
      this.lost = true;
      const pace = training !== null ? ` while training (its steps had answered within ${(this.longestGap / 1000).toFixed(1)} s)` : '';
      this.onLost(`it has not answered for ${Math.round(silent / 1000)} s${pace}`);
    }
  }

  /** The worker raised an error it did not handle: report it at once. */
  crashed(message: string): void {
    if (this.lost) return;
    this.lost = true;
    this.onLost(`it failed: ${message || 'an unknown error'}`);
  }

  get isLost(): boolean {
    return this.lost;
  }
}
