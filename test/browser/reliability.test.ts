// Faults a user can meet in the built page: a strict Content-Security-Policy, weights full of
// NaN, a worker that dies, a second tab, storage cleared mid-run. Each case uses the smallest
// run (SFT, width 8, batch 4) so a step takes well under a second on wasm.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuilt, eventTrail, launch, newPage, serve } from './harness';

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;

beforeAll(async () => {
  await ensureBuilt();
  server = await serve();
  browser = await launch({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

export const SMALL = '#backend=wasm&batchSize=4&evalEvery=1&evalPrompts=8&studentWidth=8&studentHeads=1&s1=sft';

/** Wait until the run is built and Step can be pressed. */
async function ready(page: Page) {
  await page.getByTestId('step').and(page.locator(':not([disabled])')).waitFor({ timeout: 180_000 });
}

async function stepCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('step-count').textContent());
}

describe('content security policy', () => {
  test('the built page declares a strict policy and trains under it with no violation', async () => {
    const { context, page, log } = await newPage(browser);
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(server.url + SMALL);
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(policy).toMatch(/default-src 'self'/);
    expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
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
    expect(log.errors.filter((e) => !/inline script/i.test(e)), await eventTrail(page)).toEqual([]);
    await context.close();
  }, 300_000);
});
