// The next-token distributions are Recharts bar charts: in the samples panel (a student token's
// teacher and student distributions, top 8 tokens) and in the step explainer. Each bar's length
// is its probability on a 0–1 axis, so two bars' lengths are in the ratio of the probabilities the
// page lists for them (its screen-reader table).
import { describe, expect, test } from 'vitest';
import type { Locator } from 'playwright-core';
import { closeClean, useServedPage, whenReady } from './harness';

const site = useServedPage({ webgpu: false });

/** Each bar's drawn width and the probabilities the hidden table gives, row by row. */
async function barsAndValues(chart: Locator) {
  const widths = await chart.locator('.recharts-bar-rectangle').evaluateAll((gs) => gs.map((g) => g.getBoundingClientRect().width));
  const values = await chart
    .locator('table.sr-only tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.textContent!.replace('%', '')) / 100)));
  return { widths, values };
}

/** Bars come series by series (all of the first series' rows, then the next's). */
function expectProportional({ widths, values }: { widths: number[]; values: number[][] }, series: number) {
  const rows = values.length;
  expect(widths.length).toBe(rows * series);
  // Against the widest bar of the first series, every bar of a probability above 5 % (tiny ones get a 1 px minimum).
  const ref = values.reduce((best, v, i) => (v[0] > values[best][0] ? i : best), 0);
  const perUnit = widths[ref] / values[ref][0];
  for (let s = 0; s < series; s++)
    for (let r = 0; r < rows; r++) {
      const p = values[r][s];
      if (p > 0.05) expect(Math.abs(widths[s * rows + r] - p * perUnit), `series ${s} row ${r}`).toBeLessThan(1.5 + 0.02 * p * perUnit);
    }
}

describe('next-token distributions', () => {
  test('samples panel and step explainer draw them as Recharts bars of the listed probabilities', async () => {
    const { page, log, context } = await site.open('#studentWidth=8&studentHeads=1&batchSize=4&evalPrompts=8&s1=gkd', { width: 1366, height: 900 });
    await whenReady(page, { timeout: 240_000 });
    const token = page.getByTestId('student-output').first().locator('.tok').first();
    await token.waitFor({ timeout: 120_000 });
    await token.click();
    const dist = page.getByTestId('distribution');
    await expect.poll(() => dist.locator('.recharts-bar-rectangle').count(), { timeout: 10_000 }).toBe(8 * 2);
    expect(await dist.locator('.recharts-wrapper, .recharts-surface').count()).toBeGreaterThan(0);
    expect(await dist.locator('.dist-row').count()).toBe(8); // the same rows for screen readers
    expectProportional(await barsAndValues(dist), 2);

    // The explainer's "Predictions" stage: teacher and student, top 6.
    await page.getByTestId('explain-open').click();
    const explainer = page.locator('[data-testid="explainer"][data-ready="1"]');
    await explainer.waitFor({ timeout: 120_000 });
    await explainer.locator('.xp-diagram li').nth(2).locator('button').click();
    const bars = explainer.locator('.xp-bars');
    await expect.poll(() => bars.locator('.recharts-bar-rectangle').count(), { timeout: 10_000 }).toBe(6 * 2);
    expectProportional(await barsAndValues(bars), 2);
    // "After": teacher, student before and after the step.
    await explainer.locator('.xp-diagram li').nth(5).locator('button').click();
    await expect.poll(() => bars.locator('.recharts-bar-rectangle').count(), { timeout: 10_000 }).toBe(6 * 3);
    expectProportional(await barsAndValues(bars), 3);
    await closeClean({ context, page, log });
  }, 600_000);
});
