// Runs kept in IndexedDB (through `idb`): the current experiment's configuration, its metric
// history, its ghosts and each student's weights, so a reload (or a closed laptop) loses nothing.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { MetricRecord } from '../engine/metrics/record';
import type { RunSpec } from '../shared/runSpec';
import type { WeightFiles } from '../engine/model/weightFiles';

export interface Ghost {
  id: number;
  label: string;
  spec: RunSpec;
  records: MetricRecord[][];
}

export interface SavedRun {
  id: string;
  savedAt: number;
  spec: RunSpec;
  step: number;
  records: MetricRecord[][];
  ghosts: Ghost[];
  /** One per student; null when its weights were not saved yet. */
  weights: Array<WeightFiles | null>;
}

interface AlembicDB extends DBSchema {
  runs: { key: string; value: SavedRun };
}

const DB_NAME = 'alembic';
export const CURRENT = 'current';

let db: Promise<IDBPDatabase<AlembicDB>> | null = null;

function open(): Promise<IDBPDatabase<AlembicDB>> {
  db ??= openDB<AlembicDB>(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('runs', { keyPath: 'id' });
    },
  });
  return db;
}

export async function saveRun(run: SavedRun): Promise<void> {
  await (await open()).put('runs', run);
}

export async function loadRun(id = CURRENT): Promise<SavedRun | undefined> {
  try {
    return await (await open()).get('runs', id);
  } catch {
    return undefined; // private mode or a blocked database: start fresh rather than fail
  }
}

export async function deleteRun(id = CURRENT): Promise<void> {
  await (await open()).delete('runs', id);
}
