// The first experiment a newcomer sees must visibly learn: in the built page on wasm (what
// 'auto' picks on a machine without a GPU), with default settings, within 30 s of Play the
// score chart has at least three evaluations and the student's partial credit or exact match
// has risen above its step-0 value (the warm-start student's).
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { eventTrail, useServedPage, whenReady } from './harness';

const site = useServedPage({ webgpu: true });

/** The score chart's live series as id → [first value, latest value]. */
async function ends(page: Page): Promise<Record<string, [number, number]>> {
  const raw = await page.getByTestId('chart-score').getAttribute('data-ends');
  return Object.fromEntries((JSON.parse(raw ?? '[]') as Array<[string, number, number]>).map(([id, a, b]) => [id, [a, b]]));
}

describe('default experiment', () => {
  test('learns visibly within 30 s of Play', async () => {
    const { page, log } = await site.open('', { width: 1366, height: 768 });
    await whenReady(page);
    expect(await page.getByTestId('backend').textContent()).toBe('wasm');
    // Step 0: the shipped warm-start student, partly right already (exact match and partial credit).
    const start = await ends(page);
    expect(Object.keys(start).sort()).toEqual(['s0_partialCredit', 's0_score']);
    const [pc0] = start.s0_partialCredit;
    const [em0] = start.s0_score;
    expect(pc0).toBeGreaterThan(0.3);

    await page.getByTestId('play').click();
    const played = Date.now();
    let threePoints: number | null = null;
    const risen = async () => {
      // Two series (exact match, partial credit) per evaluation: three evaluations are 6 points.
      const points = Number(await page.getByTestId('chart-score').getAttribute('data-points'));
      if (points >= 6 && threePoints === null) threePoints = (Date.now() - played) / 1000;
      const now = await ends(page);
      return points >= 6 && (now.s0_partialCredit[1] > pc0 || now.s0_score[1] > em0);
    };
    try {
      await expect.poll(risen, { timeout: 30_000, interval: 250 }).toBe(true);
    } catch (e) {
      throw new Error(
        `Within 30 s of Play: ${JSON.stringify(await ends(page))} (step 0: partial credit ${pc0}, exact match ${em0}); events ${await eventTrail(page)}\n${(e as Error).message}`,
      );
    }
    const after = await ends(page);
    console.log(
      `[learns] three evaluations ${threePoints} s after Play; risen after ${((Date.now() - played) / 1000).toFixed(1)} s: partial credit ${pc0} → ${after.s0_partialCredit[1]}, exact match ${em0} → ${after.s0_score[1]}`,
    );
    // The score carries its sampling band (one student, one band, one legend row) until unticked.
    const score = page.getByTestId('chart-score');
    expect(await score.getAttribute('data-sampling-bands')).toBe('1');
    expect(await score.getByTestId('sampling-band').allTextContents()).toEqual(['sampling noise, ±1 sd (64 prompts)']);
    await page.getByTestId('score-sampling').uncheck();
    await expect.poll(() => score.getAttribute('data-sampling-bands')).toBe('0');
    expect(log.errors).toEqual([]);
  }, 420_000);
});
