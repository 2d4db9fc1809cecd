// Timing of the training loop: a zero-delay yield to the message queue between rounds of steps,
// and the smoothed wall time of one round (evaluations included), reported as steps/s.

/** Zero-delay yield to the worker's message queue (setTimeout is clamped to 4 ms when nested). */
export function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}

export class StepRate {
  private last = 0;
  private msPerStep = 0;

  /** Forget the past (a new run). */
  reset(): void {
    this.last = 0;
    this.msPerStep = 0;
  }

  /** The loop starts: time the first round from now. */
  start(): void {
    this.last = performance.now();
  }

  /** A round ended; `running`: it was part of the loop (a manual step is not timed). */
  tick(running: boolean): void {
    const now = performance.now();
    if (running && this.last > 0) {
      const dt = now - this.last;
      this.msPerStep = this.msPerStep > 0 ? 0.8 * this.msPerStep + 0.2 * dt : dt;
    }
    this.last = now;
  }

  get stepsPerSec(): number {
    return this.msPerStep > 0 ? 1000 / this.msPerStep : 0;
  }
}
