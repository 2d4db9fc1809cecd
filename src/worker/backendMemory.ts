// The backend 'auto' measured, remembered per device and model size (IndexedDB, in the worker),
// so a reload does not measure again. Its own small database, apart from the saved runs: a
// failure here (private mode, storage cleared) only means measuring again.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { MeasuredChoice } from '../engine/backendChoice';

export interface RememberedChoice {
  choice: MeasuredChoice;
  /** When it was measured (ms since the epoch). */
  at: number;
}

export interface BackendMemory {
  recall(key: string): Promise<RememberedChoice | null>;
  remember(key: string, value: RememberedChoice): Promise<void>;
}

interface ChoiceDB extends DBSchema {
  choices: { key: string; value: RememberedChoice };
}

/** IndexedDB where the worker has it; otherwise (Node, tests) a memory that forgets. */
export function browserBackendMemory(): BackendMemory {
  if (typeof indexedDB === 'undefined') return inMemoryBackendMemory();
  let db: Promise<IDBPDatabase<ChoiceDB>> | null = null;
  const open = () =>
    (db ??= openDB<ChoiceDB>('alembic-backend-choice', 1, {
      upgrade(d) {
        if (!d.objectStoreNames.contains('choices')) d.createObjectStore('choices');
      },
    }).catch((e) => {
      db = null;
      throw e;
    }));
  return {
    async recall(key) {
      try {
        return (await (await open()).get('choices', key)) ?? null;
      } catch {
        return null;
      }
    },
    async remember(key, value) {
      try {
        await (await open()).put('choices', value, key);
      } catch {
        /* not remembered: the next load measures again */
      }
    },
  };
}

export function inMemoryBackendMemory(): BackendMemory {
  const m = new Map<string, RememberedChoice>();
  return {
    recall: async (key) => m.get(key) ?? null,
    remember: async (key, value) => void m.set(key, value),
  };
}
