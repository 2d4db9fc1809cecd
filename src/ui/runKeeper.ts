// The page's side of keeping runs: which saved run this tab takes up when it opens, writing the
// run whole (weights, the step they were read at, and the records up to that step), and how far
// the tab got, so a restore can say what was lost. Storage failures come back as messages.
import type { MetricRecord } from '../engine/metrics/record';
import type { RunSpec } from '../shared/runSpec';
import type { WeightFiles } from '../worker/protocol';
import { RunStore, StorageError, storageReason, type Ghost, type RunSummary, type SavedRun } from '../state/runs';
import { planRestore, readProgress, restoreMessage, tabId, writeProgress } from '../state/restorePlan';

export interface StartupChoice {
  /** The run to rebuild, or null to start fresh. */
  run: SavedRun | null;
  /** What to tell the learner once it is rebuilt. */
  message: string | null;
  /** Another tab's newer run of this experiment, to offer (never taken silently). */
  newer: RunSummary | null;
}

/** What a save needs: the weights and the step they were read at come from the worker together. */
export interface Snapshot {
  spec: RunSpec;
  step: number;
  weights: Array<WeightFiles | null>;
  records: MetricRecord[][];
  ghosts: Ghost[];
  halts: Array<string | null>;
}

function session(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

const time = (t: number) => new Date(t).toLocaleTimeString();

export class RunKeeper {
  readonly tab: string;
  private lastProgress = 0;

  constructor(private readonly store = new RunStore()) {
    this.tab = tabId(session());
  }

  /** Choose what to restore for a link; an unreadable database means a fresh start, said once. */
  async startup(link: { empty: boolean; spec: RunSpec }, usable: (spec: RunSpec) => boolean): Promise<StartupChoice & { problem: string | null }> {
    try {
      const plan = planRestore(this.tab, await this.store.summaries(), link, usable);
      const run = plan.restore ? ((await this.store.load(plan.restore.id)) ?? null) : null;
      if (!run || !plan.restore) return { run: null, message: null, newer: null, problem: null };
      const own = plan.restore.id === this.tab;
      return { run: { ...run, id: this.tab }, message: restoreMessage(plan.restore, readProgress(session()), own, time), newer: plan.newer, problem: null };
    } catch (e) {
      const reason = e instanceof StorageError ? e.reason : storageReason(e);
      return {
        run: null,
        message: null,
        newer: null,
        problem: `Saved runs could not be read (${reason}); this run starts fresh and will be saved if the browser allows.`,
      };
    }
  }

  /** Another tab's run, by id (the learner chose to continue it here). */
  load(id: string): Promise<SavedRun | undefined> {
    return this.store.load(id).then((r) => (r ? { ...r, id: this.tab } : undefined));
  }

  /** Save this tab's run whole; records past the weights' step are left out so all three agree. Throws StorageError. */
  async save(s: Snapshot): Promise<number> {
    const savedAt = Date.now();
    const records = s.records.map((lane) => lane.filter((r) => r.step <= s.step));
    await this.store.save({ id: this.tab, savedAt, spec: s.spec, step: s.step, records, ghosts: s.ghosts, weights: s.weights, halts: s.halts });
    return savedAt;
  }

  /** Note the furthest step reached (at most about once a second, and always when `force`). */
  noteProgress(step: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastProgress < 1000) return;
    this.lastProgress = now;
    writeProgress(session(), { step, at: now });
  }

  close(): void {
    this.store.drop();
  }
}
