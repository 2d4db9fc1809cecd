// Saved runs: one slot per tab, written whole in one transaction, pruned oldest first, and a
// connection that recovers from being closed under it and steps aside for a version change.
// IndexedDB is fake-indexeddb's in-memory implementation of the standard.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DB_NAME, MAX_SAVED_RUNS, RunStore, StorageError, storageReason, type SavedRun } from '../src/state/runs';
import { planRestore, readProgress, restoreMessage, tabId, writeProgress } from '../src/state/restorePlan';
import { defaultSpec, resolveSpec } from '../src/shared/runSpec';

function run(id: string, savedAt: number, step = 10, spec = defaultSpec()): SavedRun {
  const weights = new Float32Array([step, 1, 2]).buffer;
  return { id, savedAt, spec, step, records: [[{ step } as never]], ghosts: [], weights: [{ modelJson: '{}', weights }] };
}

function deleteDb(): Promise<'deleted' | 'blocked'> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    let blocked = false;
    req.onblocked = () => (blocked = true);
    req.onsuccess = () => resolve(blocked ? 'blocked' : 'deleted');
    req.onerror = () => reject(req.error);
  });
}

beforeEach(async () => {
  await deleteDb();
});

describe('run store', () => {
  it('keeps one slot per tab: a second tab never overwrites the first', async () => {
    const store = new RunStore();
    await store.save(run('tab-a', 1000, 121));
    await store.save(run('tab-b', 2000, 7));
    const a = await store.load('tab-a');
    expect(a?.step).toBe(121);
    expect(new Float32Array(a!.weights[0]!.weights)[0]).toBe(121); // the weights saved with that step
    expect((await store.load('tab-b'))?.step).toBe(7);
    const ids = (await store.summaries()).map((s) => s.id).sort();
    expect(ids).toEqual(['tab-a', 'tab-b']);
    store.drop();
  });

  it(`keeps at most ${MAX_SAVED_RUNS} runs, dropping the oldest of other tabs`, async () => {
    const store = new RunStore();
    for (let i = 0; i < MAX_SAVED_RUNS + 3; i++) await store.save(run(`tab-${i}`, 1000 + i));
    await store.save(run('tab-0', 5000)); // the oldest slot saves again: it is now the newest
    const ids = (await store.summaries()).map((s) => s.id);
    expect(ids).toHaveLength(MAX_SAVED_RUNS);
    expect(ids).toContain('tab-0');
    // Dropped: the oldest others, tab-1 … tab-3 (tab-0 moved to the front by saving).
    for (const gone of ['tab-1', 'tab-2', 'tab-3']) expect(ids).not.toContain(gone);
    expect(await store.load('tab-1')).toBeUndefined();
    store.drop();
  });

  it('reopens the database after its connection was closed under it', async () => {
    const store = new RunStore();
    await store.save(run('tab-a', 1000, 1));
    // What clearing site data does to an open connection: it is closed without asking.
    (await (store as unknown as { open(): Promise<{ close(): void }> }).open()).close();
    await store.save(run('tab-a', 2000, 2));
    expect((await store.load('tab-a'))?.step).toBe(2);
    store.drop();
  });

  it('closes its connection when another one needs to delete or upgrade the database', async () => {
    const store = new RunStore();
    await store.save(run('tab-a', 1000, 1));
    expect(await deleteDb()).toBe('deleted'); // not blocked by our open connection
    await store.save(run('tab-a', 2000, 2)); // and saving works again afterwards
    expect((await store.load('tab-a'))?.step).toBe(2);
    store.drop();
  });

  it('takes up runs saved by the single-slot version', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('runs', { keyPath: 'id' });
      req.onsuccess = () => {
        const db = req.result;
        const tx = db.transaction('runs', 'readwrite');
        tx.objectStore('runs').put(run('current', 1234, 55));
        tx.oncomplete = () => {
          db.close();
          resolve();
        };
      };
      req.onerror = () => reject(req.error);
    });
    const store = new RunStore();
    expect((await store.summaries()).map((s) => [s.id, s.step])).toEqual([['current', 55]]);
    store.drop();
  });

  it("words a failure with the browser's reason, naming a full quota even when the message is empty", () => {
    expect(storageReason(new DOMException('', 'QuotaExceededError'))).toMatch(/storage for this site is full \(QuotaExceededError\)/);
    expect(storageReason(new DOMException('The database connection is closing.', 'InvalidStateError'))).toBe(
      'The database connection is closing. (InvalidStateError)',
    );
    expect(storageReason(undefined)).toBe('the browser gave no reason');
    expect(new StorageError('Could not save the run in this browser', 'x').message).toBe('Could not save the run in this browser: x');
  });
});

describe('restore plan', () => {
  const other = resolveSpec({ settings: { seed: 9 } }).spec;
  const link = (spec = defaultSpec(), empty = false) => ({ spec, empty });
  const usable = () => true;
  const sum = (id: string, savedAt: number, step: number, spec = defaultSpec()) => ({ id, savedAt, step, spec });

  it('a tab takes up its own run, not a newer one of another experiment', () => {
    const plan = planRestore('tab-a', [sum('tab-a', 1000, 121), sum('tab-b', 2000, 40, other)], link(defaultSpec(), true), usable);
    expect(plan.restore?.id).toBe('tab-a');
    expect(plan.newer).toBeNull();
  });

  it("offers, never takes, another tab's newer run of the same experiment", () => {
    const plan = planRestore('tab-a', [sum('tab-a', 1000, 121), sum('tab-b', 2000, 300)], link(), usable);
    expect(plan.restore?.id).toBe('tab-a');
    expect(plan.newer?.id).toBe('tab-b');
  });

  it('a new tab continues the most recent run that fits its link; nothing fits: fresh', () => {
    const all = [sum('tab-a', 1000, 121), sum('tab-b', 3000, 300, other), sum('tab-c', 2000, 50)];
    expect(planRestore('tab-new', all, link(), usable).restore?.id).toBe('tab-c');
    expect(planRestore('tab-new', all, link(defaultSpec(), true), usable).restore?.id).toBe('tab-b');
    expect(planRestore('tab-new', all, link(resolveSpec({ settings: { seed: 5 } }).spec), usable).restore).toBeNull();
    // Unusable (declarations changed) and untrained runs are passed over.
    expect(planRestore('tab-a', [sum('tab-a', 1000, 0)], link(), usable).restore).toBeNull();
    expect(planRestore('tab-a', [sum('tab-a', 1000, 5)], link(), () => false).restore).toBeNull();
  });

  it('the restore message says which step came back and how many were lost', () => {
    const when = (t: number) => `t${t}`;
    expect(restoreMessage(sum('tab-a', 1000, 120), { step: 135, at: 1100 }, true, when)).toBe(
      'Restored your run at step 120 (saved t1000). The 15 steps trained after that save (up to step 135) were lost. Reset starts it again from step 0.',
    );
    expect(restoreMessage(sum('tab-a', 1000, 120), { step: 120, at: 1000 }, true, when)).toMatch(/Nothing trained since was lost/);
    expect(restoreMessage(sum('tab-b', 1000, 120), null, false, when)).toMatch(/^Restored the most recent saved run of this experiment at step 120/);
  });

  it('tab ids survive a reload (same sessionStorage) and differ between tabs', () => {
    const storage = new Map<string, string>();
    const s = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    let n = 0;
    const a = tabId(s, () => `r${n++}`);
    expect(tabId(s, () => `r${n++}`)).toBe(a);
    expect(tabId({ getItem: () => null, setItem: () => {} }, () => `r${n++}`)).not.toBe(a);
    expect(
      tabId(
        {
          getItem: () => {
            throw new Error('denied');
          },
          setItem: () => {},
        },
        () => 'x',
      ),
    ).toBe('tab-x');
    writeProgress(s, { step: 42, at: 7 });
    expect(readProgress(s)).toEqual({ step: 42, at: 7 });
    expect(readProgress({ getItem: () => '{bad' })).toBeNull();
  });
});
