// Notices a dead engine worker. The worker sends a sign of life every second when its event loop
// is free, and every message counts as one; a worker that crashed, was killed (out of memory) or
// hangs goes silent. One step (with its evaluation) can hold the loop for a while, so the limit
// grows with the longest gap seen in normal work, and a rebuild (teacher, first evaluation)
// gets far longer. No DOM and no timers of its own: the caller ticks it, so tests use a fake clock.

export interface WatchLimits {
  /** Silence that means dead when nothing long is under way. */
  quietMs: number;
  /** Silence allowed while the run is being built. */
  buildingMs: number;
  /** The limit is at least this many times the longest normal gap seen so far. */
  gapFactor: number;
}

export const DEFAULT_LIMITS: WatchLimits = { quietMs: 10_000, buildingMs: 120_000, gapFactor: 4 };

export class EngineWatch {
  private last: number;
  private longestGap = 0;
  private building = true;
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
    const t = this.now();
    if (!this.building) this.longestGap = Math.max(this.longestGap, t - this.last);
    this.last = t;
  }

  /** A rebuild started (true) or finished (false). */
  setBuilding(on: boolean): void {
    this.building = on;
    this.last = this.now();
  }

  /** The silence after which the worker counts as gone, now. */
  limit(): number {
    return this.building ? this.limits.buildingMs : Math.max(this.limits.quietMs, this.limits.gapFactor * this.longestGap);
  }

  /** Call about once a second; reports a lost worker once. */
  tick(): void {
    if (this.lost) return;
    const silent = this.now() - this.last;
    if (silent > this.limit()) {
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
