// Runs kept in IndexedDB (through `idb`): each tab's experiment, its metric history, ghosts and
// every student's weights, so a reload (or a closed laptop) loses nothing.
// - One slot per tab (its id lives in sessionStorage, which survives a reload of that tab
//   only), so two tabs never overwrite each other's run.
// - A run is written whole in one transaction: weights, step and records always belong together.
// - A summary of each run sits in a second store, written in the same transaction, so choosing
//   what to restore does not read every run's weights.
// - The connection is reopened after any failure (site data cleared mid-run closes it), closed
//   when another connection needs a new version, and errors carry the browser's reason.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { MetricRecord } from '../engine/metrics/record';
import type { RunSpec } from '../shared/runSpec';
import type { WeightFiles } from '../worker/protocol';

export interface Ghost {
  id: number;
  label: string;
  spec: RunSpec;
  records: MetricRecord[][];
  /** The lesson open while it ran (a lesson's charts draw only its own earlier runs). */
  lesson?: string | null;
}

export interface SavedRun {
  /** The slot: the id of the tab that saved it. */
  id: string;
  savedAt: number;
  spec: RunSpec;
  /** The step the weights were read at; records beyond it are not kept. */
  step: number;
  records: MetricRecord[][];
  ghosts: Ghost[];
  /** One per student; null when its weights were not saved yet. */
  weights: Array<WeightFiles | null>;
  /** Each student's halt reason when saved (a halted run comes back halted, banner and all). */
  halts?: Array<string | null>;
}

/** What is known about a saved run without reading it whole. */
export interface RunSummary {
  id: string;
  savedAt: number;
  step: number;
  spec: RunSpec;
}

interface AlembicDB extends DBSchema {
  runs: { key: string; value: SavedRun };
  summaries: { key: string; value: RunSummary };
}

export const DB_NAME = 'alembic';
const DB_VERSION = 2;
/** Slots kept: the oldest runs of closed tabs go first. */
export const MAX_SAVED_RUNS = 8;

/** A storage failure, worded with the browser's own reason. */
export class StorageError extends Error {
  constructor(
    readonly action: string,
    readonly reason: string,
  ) {
    super(`${action}: ${reason}`);
    this.name = 'StorageError';
  }
}

/** The browser's reason for a failure; a quota error often comes with an empty message. */
export function storageReason(e: unknown): string {
  const name = e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException) ? (e as Error).name : '';
  const message = e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException) ? (e as Error).message : String(e ?? '');
  if (name === 'QuotaExceededError') return `the browser's storage for this site is full (QuotaExceededError${message ? `: ${message}` : ''})`;
  if (name && message) return `${message} (${name})`;
  return message || name || 'the browser gave no reason';
}

const summaryOf = (r: SavedRun): RunSummary => ({ id: r.id, savedAt: r.savedAt, step: r.step, spec: r.spec });

export class RunStore {
  private db: Promise<IDBPDatabase<AlembicDB>> | null = null;

  private open(): Promise<IDBPDatabase<AlembicDB>> {
    if (this.db) return this.db;
    const opening = openDB<AlembicDB>(DB_NAME, DB_VERSION, {
      // By the stores present, not the old version number: a bare open() elsewhere may have
      // created version 1 with no store at all.
      async upgrade(db, _oldVersion, _newVersion, tx) {
        if (!db.objectStoreNames.contains('runs')) db.createObjectStore('runs', { keyPath: 'id' });
        if (!db.objectStoreNames.contains('summaries')) {
          db.createObjectStore('summaries', { keyPath: 'id' });
          // Runs saved before summaries existed (the single shared slot) keep being offered.
          for (const run of await tx.objectStore('runs').getAll()) await tx.objectStore('summaries').put(summaryOf(run));
        }
      },
      blocking: () => this.drop(), // another tab needs a newer version or deletes the database: let it
      terminated: () => {
        this.db = null; // closed by the browser (site data cleared): reopen on next use
      },
    });
    this.db = opening;
    opening.catch(() => {
      if (this.db === opening) this.db = null;
    });
    return opening;
  }

  /** Close the connection (it reopens on next use). */
  drop(): void {
    const db = this.db;
    this.db = null;
    void db?.then((d) => d.close()).catch(() => {});
  }

  /** Run `fn` on a connection; after a failure, once more on a fresh one. */
  private async withDb<T>(action: string, fn: (db: IDBPDatabase<AlembicDB>) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.open());
    } catch {
      this.drop();
      try {
        return await fn(await this.open());
      } catch (e) {
        this.drop();
        throw new StorageError(action, storageReason(e));
      }
    }
  }

  /** Write a run whole, with its summary, in one transaction; prune the oldest other slots. */
  save(run: SavedRun): Promise<void> {
    return this.withDb('Could not save the run in this browser', async (db) => {
      const tx = db.transaction(['runs', 'summaries'], 'readwrite');
      const runs = tx.objectStore('runs');
      const summaries = tx.objectStore('summaries');
      void runs.put(run);
      void summaries.put(summaryOf(run));
      const others = (await summaries.getAll()).filter((s) => s.id !== run.id).sort((a, b) => b.savedAt - a.savedAt);
      for (const old of others.slice(MAX_SAVED_RUNS - 1)) {
        void runs.delete(old.id);
        void summaries.delete(old.id);
      }
      await tx.done;
    });
  }

  load(id: string): Promise<SavedRun | undefined> {
    return this.withDb('Could not read the saved run', (db) => db.get('runs', id));
  }

  summaries(): Promise<RunSummary[]> {
    return this.withDb('Could not read the saved runs', (db) => db.getAll('summaries'));
  }

  remove(id: string): Promise<void> {
    return this.withDb('Could not delete the saved run', async (db) => {
      const tx = db.transaction(['runs', 'summaries'], 'readwrite');
      void tx.objectStore('runs').delete(id);
      void tx.objectStore('summaries').delete(id);
      await tx.done;
    });
  }
}
