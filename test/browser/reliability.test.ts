// Faults a user can meet in the built page: a strict Content-Security-Policy, weights full of
// NaN, a worker that dies (idle, or closed or hung while training), a second tab, storage
// cleared mid-run. Each case uses the smallest run (SFT, width 8, batch 4) so a step takes well
// under a second on wasm.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { closeClean, engineWorker, eventTrail, launch, newPage, savedEntry, stepCount, useServedPage, whenReady } from './harness';

const site = useServedPage({ webgpu: false });

export const SMALL = '#backend=wasm&batchSize=4&evalEvery=1&evalPrompts=8&studentWidth=8&studentHeads=1&s1=sft';

/** Wait until the run is built and Step can be pressed. */
const ready = (page: Page) => whenReady(page, { control: 'step', timeout: 180_000 });

/** Press Step `n` times, each once the previous one is done. */
async function steps(page: Page, n: number) {
  const start = await stepCount(page);
  for (let i = 1; i <= n; i++) {
    await page.getByTestId('step').and(page.locator(':not([disabled])')).click();
    await expect.poll(() => stepCount(page), { timeout: 120_000 }).toBe(start + i);
  }
}

/** The step of this tab's saved run (read straight from IndexedDB), or null. */
const savedStep = (page: Page) => savedEntry<{ step: number }>(page, 'summaries').then((s) => s?.step ?? null);

/** A page on the small run, built, with `n` steps taken and saved. */
async function trainedPage(n: number) {
  const opened = await site.open(SMALL);
  await ready(opened.page);
  await steps(opened.page, n);
  await expect.poll(() => savedStep(opened.page), { timeout: 30_000 }).toBe(n);
  return opened;
}

async function openTab(context: BrowserContext, hash: string) {
  const page = await context.newPage();
  await page.goto(site.url + hash);
  await ready(page);
  return page;
}

describe('content security policy', () => {
  test('the built page declares a strict policy and trains under it with no violation', async () => {
    const { context, page, log } = await newPage(site.browser);
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(site.url + SMALL);
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(policy).toMatch(/default-src 'self'/);
    // Scripts and workers from this origin, plus blob: for the wasm thread pool's workers and the
    // script they import (built in memory by the threaded backend), nothing else.
    expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval' blob:(;|$)/);
    expect(policy).toMatch(/worker-src 'self' blob:(;|$)/);
    expect(policy).not.toMatch(/'unsafe-eval'|\*/);
    // An inline script is refused: the policy is really in force.
    const inlineRan = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.head.appendChild(s);
      return (window as unknown as { __inline?: number }).__inline === 1;
    });
    expect(inlineRan).toBe(false);
    await ready(page);
    expect(await page.getByTestId('backend').textContent()).toBe('wasm');
    await page.getByTestId('step').click();
    await expect.poll(() => stepCount(page), { timeout: 120_000 }).toBe(1);
    const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    // The one violation is the inline script this test injected (so the listener works).
    expect(violations).toContain('script-src-elem inline');
    expect(violations.filter((v) => !v.startsWith('script-src-elem inline'))).toEqual([]);
    expect(
      log.errors.filter((e) => !/inline script/i.test(e)),
      await eventTrail(page),
    ).toEqual([]);
    await context.close();
  }, 300_000);
});

describe('two tabs', () => {
  test('each tab keeps its own run; a newer run of the same experiment elsewhere is offered, not taken', async () => {
    const { context, page: a, log } = await trainedPage(3);

    // Tab B: another experiment first (seed 2), then the same one as A, trained further.
    const b = await openTab(context, SMALL + '&seed=2');
    await steps(b, 1);
    await expect.poll(() => savedStep(b), { timeout: 30_000 }).toBe(1);
    expect(await savedStep(a)).toBe(3); // A's run untouched
    await b.evaluate((h) => (location.hash = h), SMALL);
    await ready(b);
    await expect.poll(() => stepCount(b), { timeout: 60_000 }).toBe(0);
    await steps(b, 5);
    await expect.poll(() => savedStep(b), { timeout: 30_000 }).toBe(5);

    // A reloads: its own run (step 3) comes back, and B's newer one is offered.
    await a.reload();
    await ready(a);
    expect(await stepCount(a)).toBe(3);
    await expect.poll(() => a.getByTestId('notice').filter({ hasText: 'Restored your run at step 3' }).count()).toBe(1);
    const offer = a.getByTestId('newer-run');
    await offer.waitFor({ timeout: 30_000 });
    expect(await offer.textContent()).toMatch(/Another tab saved a newer run of this experiment \(step 5/);
    await a.getByTestId('take-newer-run').click();
    await ready(a);
    await expect.poll(() => stepCount(a), { timeout: 60_000 }).toBe(5);
    // The note about the run on screen follows it: the old one leaves, and Reset takes the new one.
    const notice = (text: string) => a.getByTestId('notice').filter({ hasText: text }).count();
    await expect.poll(() => notice('Continued the other tab')).toBe(1);
    expect(await notice('Restored your run')).toBe(0);
    await a.getByTestId('reset').click();
    await expect.poll(() => stepCount(a), { timeout: 60_000 }).toBe(0);
    expect(await notice('Continued the other tab')).toBe(0);
    await closeClean({ context, page: a, log });
  }, 400_000);
});

describe('a dead engine worker', () => {
  test('a crash and a silent death are both noticed; restart keeps the saved run; reset never hangs', async () => {
    const { context, page, log } = await trainedPage(2);

    // 1. An error the worker does not handle: reported at once, with a restart.
    await engineWorker(page).evaluate(() => {
      setTimeout(() => {
        throw new Error('simulated engine crash');
      });
    });
    const lost = page.getByTestId('engine-lost');
    await lost.waitFor({ timeout: 10_000 });
    expect(await lost.textContent()).toMatch(/The engine stopped: it failed: .*simulated engine crash.*Restart keeps your last saved run/);
    expect(await page.getByTestId('play').isDisabled()).toBe(true);
    await page.getByTestId('restart-engine').click();
    await ready(page);
    expect(await stepCount(page)).toBe(2); // the saved run, continued
    expect(await lost.count()).toBe(0);
    await steps(page, 1);
    expect(await stepCount(page)).toBe(3);
    await expect.poll(() => savedStep(page), { timeout: 30_000 }).toBe(3); // saved: the engine is idle now

    // 2. A worker that goes silent (closed, as an out-of-memory kill would): noticed within seconds;
    // Reset builds a new engine instead of waiting for the dead one.
    const before = page.workers().length;
    await engineWorker(page).evaluate(() => self.close());
    // Idle, it would answer within a second: ten seconds of silence, or half a minute after the
    // last request it was sent (a save), mean it is gone.
    await lost.waitFor({ timeout: 50_000 });
    expect(await lost.textContent()).toMatch(/it has not answered for \d+ s/);
    await page.getByTestId('reset').click();
    await ready(page);
    expect(await stepCount(page)).toBe(0);
    expect(page.workers().length).toBeLessThanOrEqual(before);
    const unexpected = log.errors.filter((e) => !/simulated engine crash/.test(e));
    expect(unexpected, await eventTrail(page)).toEqual([]);
    await context.close();
  }, 300_000);
});

describe('an engine that dies or hangs while training', () => {
  test('a closed and a hung worker are each noticed within 10 s; restart continues from the last saved step', async () => {
    const { context, page, log } = await site.open(SMALL);
    await ready(page);
    const lost = page.getByTestId('engine-lost');
    const faults = {
      // As an out-of-memory kill would: the worker is gone, with no error event.
      closed: () => self.close(),
      // A step that never ends: the worker's thread spins, so nothing it sends arrives.
      hung: () => {
        setTimeout(() => {
          for (;;) {
            /* spin */
          }
        });
      },
    };
    for (const [fault, act] of Object.entries(faults)) {
      await page.getByTestId('play').click();
      // Train until a save made while running is past where this round started.
      const from = await stepCount(page);
      await expect.poll(() => savedStep(page), { timeout: 120_000 }).toBeGreaterThan(from + 1);
      await engineWorker(page).evaluate(act);
      const t0 = Date.now();
      await lost.waitFor({ timeout: 10_000 });
      expect(Date.now() - t0, fault).toBeLessThan(10_000);
      expect(await lost.textContent()).toMatch(/The engine stopped: it has not answered for \d+ s while training .*Restart keeps your last saved run/);
      expect(await page.getByTestId('play').isDisabled()).toBe(true);
      const saved = (await savedStep(page))!;
      await page.getByTestId('restart-engine').click();
      await ready(page);
      expect(await stepCount(page), fault).toBe(saved); // the saved run, continued
      expect(await lost.count()).toBe(0);
      await steps(page, 1);
      expect(await stepCount(page)).toBe(saved + 1);
    }
    await closeClean({ context, page, log });
  }, 400_000);
});

describe('storage', () => {
  test('after site data is cleared mid-run, saving reopens the database; deleting it is never blocked', async () => {
    const { context, page, log } = await trainedPage(1);

    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(site.url).origin, storageTypes: 'indexeddb' });
    expect(await savedStep(page)).toBeNull();
    await steps(page, 2);
    await expect.poll(() => savedStep(page), { timeout: 30_000 }).toBe(3); // saved again, nothing lost
    expect(await page.getByTestId('storage-failed').count()).toBe(0);

    // Another page deleting the database: the open connection steps aside.
    const outcome = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const req = indexedDB.deleteDatabase('alembic');
          let blocked = false;
          req.onblocked = () => (blocked = true);
          req.onsuccess = () => resolve(blocked ? 'blocked, then deleted' : 'deleted');
          req.onerror = () => resolve('error');
          setTimeout(() => resolve('still blocked'), 5000);
        }),
    );
    expect(outcome).toBe('deleted');
    await steps(page, 1);
    await expect.poll(() => savedStep(page), { timeout: 30_000 }).toBe(4);
    await closeClean({ context, page, log });
  }, 300_000);
});

describe('weights that would corrupt a run', () => {
  test('NaN and quantized files are refused by name; a halt explains Play and leaves with its cause', async () => {
    const { context, page, log } = await site.open(SMALL);
    await ready(page);
    const downloads: Array<{ name: string; path: string }> = [];
    page.on('download', async (d) => downloads.push({ name: d.suggestedFilename(), path: (await d.path())! }));
    await page.getByTestId('download-weights').click();
    await expect.poll(() => downloads.length, { timeout: 60_000 }).toBe(2);
    const json = readFileSync(downloads.find((d) => d.name === 'model.json')!.path, 'utf8');
    const good = readFileSync(downloads.find((d) => d.name === 'weights.bin')!.path);
    const values = () => new Float32Array(new Uint8Array(good).buffer.slice(0));
    const upload = (modelJson: string, weights: Float32Array) =>
      page.getByTestId('weights-file').setInputFiles([
        { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(modelJson) },
        { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(weights.buffer) },
      ]);
    const notice = (text: string) => page.getByTestId('notice').filter({ hasText: text });
    const first = JSON.parse(json).weightsManifest[0].weights[0].name as string;

    // NaN at index 7 of the first weight: refused, naming it; nothing changes.
    const nan = values();
    nan[7] = NaN;
    await upload(json, nan);
    await notice(`Weight '${first}' holds NaN (at index 7`).waitFor({ timeout: 30_000 });
    expect(await notice('Nothing was changed').count()).toBeGreaterThan(0);
    // A quantized manifest whose byte count happens to fit: refused too.
    const manifest = JSON.parse(json);
    manifest.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 };
    await upload(JSON.stringify(manifest), values());
    await notice('is quantized (uint8)').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('halted').count()).toBe(0);

    // Huge but finite weights load, and the first step halts.
    await upload(json, values().fill(1e30));
    await notice('Loaded model.json + weights.bin').waitFor({ timeout: 30_000 });
    await page.getByTestId('step').click();
    const halted = page.getByTestId('halted');
    await halted.waitFor({ timeout: 60_000 });
    expect(await halted.textContent()).toMatch(/^Halted at step 1: the (loss|gradient norm) is (NaN|Infinity|-Infinity)/);
    expect(await stepCount(page)).toBe(0);
    // Play says why nothing can run, and the transport does not stick on "running".
    await page.getByTestId('play').click();
    await page.getByTestId('play-blocked').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('play-blocked').textContent()).toMatch(/lower the learning rate, load other weights, or reset/);
    expect(await page.getByTestId('pause').count()).toBe(0);

    // Good weights: the halt banner leaves, and training goes on.
    await upload(json, values());
    await expect.poll(() => halted.count(), { timeout: 30_000 }).toBe(0);
    expect(await page.getByTestId('play-blocked').count()).toBe(0);
    await steps(page, 1);

    // Halt again, then change the learning rate the banner names: the halt is over.
    await upload(json, values().fill(1e30));
    await expect.poll(() => notice('Loaded model.json + weights.bin').count(), { timeout: 30_000 }).toBe(3);
    await page.getByTestId('step').click();
    await halted.waitFor({ timeout: 60_000 });
    expect(await halted.textContent()).toMatch(/^Halted at step 2:/);
    await page.getByTestId('param-lr').fill('100');
    await expect.poll(() => halted.count(), { timeout: 30_000 }).toBe(0);
    expect(await page.getByTestId('play').isDisabled()).toBe(false);
    await closeClean({ context, page, log });
  }, 300_000);
});

describe('a backend chosen by name that cannot start', () => {
  test('says so, naming the backend and the reason, instead of blaming the software adapter', async () => {
    const gpuBrowser = await launch({ webgpu: true });
    try {
      const context = await gpuBrowser.newContext();
      await context.route('**/*.wasm', (r) => r.fulfill({ status: 404, body: 'not found' }));
      const page = await context.newPage();
      await page.goto(site.url + SMALL); // backend=wasm
      const alert = page.getByTestId('backend-failed');
      await alert.waitFor({ timeout: 120_000 });
      expect(await alert.textContent()).toMatch(
        /You chose the wasm backend, but it could not start here \(The wasm backend failed.*\); the engine runs on (webgl|cpu|webgpu) instead/,
      );
      expect(await page.getByTestId('software-webgpu').count()).toBe(0);
      await context.close();
    } finally {
      await gpuBrowser.close();
    }
  }, 200_000);
});
