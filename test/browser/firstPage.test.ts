// The first page: the worker picks the backend (here WebAssembly, since WebGPU is only SwiftShader),
// loads the shipped teacher and shows its answers; without a WebGPU adapter the page says so and falls back.
import { afterAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, useServedPage, whenReady } from './harness';
import { TASKS } from '../../src/engine/tasks';

// Each test launches its own browser, with or without WebGPU.
const site = useServedPage({ browser: false });
const browsers: Browser[] = [];
afterAll(() => Promise.all(browsers.map((b) => b.close())));

describe('first page', () => {
  test('passes over a software WebGPU adapter for WebAssembly, says so, and shows the teacher answering held-out prompts', async () => {
    const browser = await launch({ webgpu: true });
    browsers.push(browser);
    const { page, log } = await site.open('', undefined, browser);
    const backend = page.getByTestId('backend');
    await expect.poll(() => backend.textContent(), { timeout: 60_000 }).toMatch(/^(webgpu|wasm|webgl|cpu)$/);
    // SwiftShader here: a software adapter, which 'auto' leaves for wasm (docs/bench: 10–40×
    // faster per step on this CPU). No adapter at all must fail this test: the banner would differ.
    expect(await backend.textContent()).toBe('wasm');
    expect(await page.getByTestId('software-webgpu').textContent()).toMatch(/software adapter \(.*SwiftShader.*\)/i);
    expect(await page.getByTestId('no-webgpu').count()).toBe(0);

    const outputs = page.getByTestId('teacher-output');
    await outputs.first().waitFor({ timeout: 90_000 });
    const texts = await outputs.allTextContents();
    expect(texts.length).toBeGreaterThanOrEqual(3);
    // The default task is addition: the shipped teacher should get most of these sums right,
    // checked here with JavaScript arithmetic, not with anything the page printed.
    const prompts = TASKS.addition.heldOut.slice(0, texts.length).map((e) => e.prompt);
    const correct = texts.filter((t, i) => {
      const [a, b] = prompts[i].slice(0, -1).split('+').map(Number);
      return t === String(a + b).padStart(4, '0');
    }).length;
    expect(correct).toBeGreaterThanOrEqual(texts.length - 1);

    // The default method's card links to what our head-to-head study found, and the page is served.
    const findings = page.getByTestId('method-card').getByTestId('findings');
    await findings.waitFor({ timeout: 30_000 });
    await findings.locator('summary').click();
    const link = findings.locator('a', { hasText: 'AMMD and the methods of 2025 against GKD' });
    const href = await link.getAttribute('href');
    expect(href).toBe('/findings/head-to-head.html');
    const served = await page.request.get(new URL(href!, site.url).href);
    expect(served.status()).toBe(200);
    expect(await served.text()).toContain('<h1');
    expect(await findings.locator('.verdict').count()).toBeGreaterThanOrEqual(4);
    expect(log.errors).toEqual([]);
  });

  test('without a WebGPU adapter shows a banner, falls back to another backend, and still trains', async () => {
    const browser = await launch({ webgpu: false });
    browsers.push(browser);
    const { page, log } = await site.open('#batchSize=4&evalEvery=1&studentWidth=8&studentHeads=1&s1=sft', undefined, browser);
    const banner = page.getByTestId('no-webgpu');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toMatch(/WebGPU is not available/);
    const name = await page.getByTestId('backend').textContent();
    expect(['wasm', 'webgl', 'cpu']).toContain(name);
    expect(await page.getByTestId('fallback-reason').textContent()).toMatch(/adapter/i);
    await page.getByTestId('teacher-output').first().waitFor({ timeout: 90_000 });
    await whenReady(page, { control: 'step', timeout: 240_000 });
    const scorePoints = () => page.getByTestId('chart-score').getAttribute('data-points').then(Number);
    // Two series (exact match and partial credit) of the untrained student at step 0.
    await expect.poll(scorePoints, { timeout: 240_000 }).toBe(2);
    // Width 8 has no shipped warm-start student: the page says this one starts from scratch.
    expect(await page.getByTestId('notice').filter({ hasText: 'No warm-start addition student ships for width 8' }).count()).toBe(1);
    await page.getByTestId('step').click();
    await expect.poll(() => page.getByTestId('step-count').textContent(), { timeout: 240_000 }).toBe('1');
    await expect.poll(scorePoints, { timeout: 60_000 }).toBe(4);
    // Choosing another backend switches the engine and says so; the link records the choice.
    await page.getByTestId('param-backend').selectOption('cpu');
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 60_000 }).toBe('cpu');
    expect(await page.evaluate(() => location.hash)).toContain('backend=cpu');
    await expect.poll(scorePoints, { timeout: 240_000 }).toBe(2); // a new run from step 0
    expect(await page.getByTestId('no-webgpu').count()).toBe(0); // cpu was asked for: no fallback to explain
    expect(log.errors).toEqual([]);
  }, 600_000);
});

describe('bundle', () => {
  test('the page’s own chunks import no TensorFlow.js (it lives in the worker only)', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { DIST } = await import('./harness');
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\/([^"]+)"/.exec(html)?.[1];
    expect(entry).toBeTruthy();
    // Follow static and dynamic imports from the entry; the worker is referenced by URL only.
    const seen = new Set<string>();
    const visit = (rel: string) => {
      if (seen.has(rel)) return;
      seen.add(rel);
      const code = readFileSync(join(DIST, rel), 'utf8');
      expect(code, rel).not.toMatch(/@tensorflow|registerKernel|tfjs-core/);
      const dir = rel.slice(0, rel.lastIndexOf('/') + 1);
      for (const m of code.matchAll(/(?:from\s*|import\s*\(\s*|import\s*)["']\.\/([^"']+\.js)["']/g)) visit(dir + m[1]);
    };
    visit(entry!);
    expect(readdirSync(join(DIST, 'assets')).some((f) => f.startsWith('engine.worker'))).toBe(true);
  });
});
