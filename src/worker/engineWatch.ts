// Notices a dead engine worker. The worker sends a sign of life every second while its event
// loop is free, and every message counts as one; a worker that crashed, was killed (out of
// memory) or hangs goes silent. A worker at work may legitimately be silent for a long time
// (compiling GPU programs, one long step), so silence counts only against a limit that depends
// on whether the page has given it work it has not answered yet: an idle worker always answers
// within a second. No DOM and no timers of its own: the caller ticks it, so tests use a fake clock.

export interface WatchLimits {
  /** Silence that means dead when the worker has nothing to do. */
  idleMs: number;
  /** Silence allowed while it has work under way (a rebuild, training, a read). */
  busyMs: number;
}

export const DEFAULT_LIMITS: WatchLimits = { idleMs: 10_000, busyMs: 180_000 };

export class EngineWatch {
  private last: number;
  private heardOnce = false;
  private lost = false;

  constructor(
    private readonly onLost: (why: string) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly limits: WatchLimits = DEFAULT_LIMITS,
  ) {
    this.last = now();
  }

  /** Any message from the worker. */
  heard(): void {
    this.last = this.now();
    this.heardOnce = true;
  }

  /** The silence after which the worker counts as gone (a worker still loading is busy). */
  limit(busy: boolean): number {
    return busy || !this.heardOnce ? this.limits.busyMs : this.limits.idleMs;
  }

  /** Call about once a second with whether the worker has unanswered work; reports a lost worker once. */
  tick(busy: boolean): void {
    if (this.lost) return;
    const silent = this.now() - this.last;
    if (silent > this.limit(busy)) {
      this.lost = true;
      this.onLost(`it has not answered for ${Math.round(silent / 1000)} s`);
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
