// Saving the run to IndexedDB as it trains: within a few seconds of new records, at once on a
// pause, a halt or the tab being hidden. One save at a time; a save that finds the experiment
// changed under it tries again with the new one. A lost engine's last good save is kept.
import { specsEqual } from '../shared/runSpec';
import type { EngineClient } from '../worker/client';
import type { RunKeeper } from './runKeeper';
import type { PlaygroundState } from './playgroundState';

export const SAVE_EVERY_MS = 5000;

export interface AutoSaveHost {
  keeper: RunKeeper;
  client(): EngineClient | null;
  state(): PlaygroundState;
  saved(savedAt: number): void;
  failed(message: string): void;
}

export class AutoSave {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private due = 0;
  private saving = false;

  constructor(private readonly host: AutoSaveHost) {}

  /** Save within `delay` ms (an earlier pending save stands; a later one is brought forward). */
  schedule(delay: number): void {
    const due = Date.now() + delay;
    if (this.timer && this.due <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, delay);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async save(): Promise<void> {
    const { keeper } = this.host;
    const client = this.host.client();
    if (!client || client.watch.isLost) return; // keep the last good save for a restart
    if (this.saving) {
      this.schedule(1000); // one is running: save again after it
      return;
    }
    this.saving = true;
    try {
      const { spec, lanesReady } = this.host.state();
      // Weights and the step they were read at come together; records past it are left out.
      const snap = lanesReady ? await client.snapshot() : { step: 0, weights: spec.lanes.map(() => null) };
      const now = this.host.state();
      if (!specsEqual(spec, now.spec) || (lanesReady && !now.lanesReady)) {
        this.schedule(1000); // changed meanwhile: save the new configuration instead
        return;
      }
      const { records, ghosts, halts } = now;
      const savedAt = await keeper.save({
        spec,
        step: snap.step,
        weights: snap.weights,
        records: lanesReady ? records : spec.lanes.map(() => []),
        ghosts,
        halts,
      });
      this.host.saved(savedAt);
    } catch (e) {
      if (this.host.client()?.watch.isLost) return;
      this.host.failed((e as Error).message);
      this.schedule(SAVE_EVERY_MS);
    } finally {
      this.saving = false;
    }
  }
}
