// The methods of 2025 on the page: an SKD and a TAID student race; each method's card renders
// its formula (no KaTeX error) and paper; the chart of the methods' own state draws SKD's
// acceptance rate and TAID's t, each for its own student only; SKD's samples show the
// teacher-corrected sequence, TAID's do not; axe-core finds no serious or critical violation.
import { describe, expect, test } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import { closeClean, stepCount, useServedPage, whenReady } from './harness';

const site = useServedPage();

describe('the methods of 2025', () => {
  test('SKD and TAID: cards, the method-state chart, SKD’s replaced tokens; axe clean', async () => {
    const opened = await site.open('#s1=skd&s2=taid', { width: 1280, height: 900 });
    const { page } = opened;
    await whenReady(page, { control: 'step', timeout: 240_000 });
    await page.getByTestId('step').click();
    await expect.poll(() => stepCount(page), { timeout: 240_000 }).toBe(1);

    const cards = page.getByTestId('method-card');
    await expect.poll(() => cards.count()).toBe(2);
    const text = (await cards.allTextContents()).join('\n');
    expect(text).toMatch(/Speculative Knowledge Distillation/);
    expect(text).toMatch(/TAID: Temporally Adaptive Interpolated Distillation/);
    expect(await page.locator('.method-card .katex-error').count()).toBe(0);
    // Each card typesets its formula (a long one wraps into several display lines, each typeset).
    for (let i = 0; i < 2; i++) expect(await cards.nth(i).locator('.katex').count()).toBeGreaterThan(0);

    const chart = page.getByTestId('chart-method');
    // The legend names each student, then each metric's line style.
    await expect
      .poll(() => chart.locator('.chart-legend li').allTextContents(), { timeout: 60_000 })
      .toEqual(['1: SKD (speculative KD)', '2: TAID', 'SKD acceptance rate', 'TAID interpolation t']);
    expect(await chart.getAttribute('data-series')).toBe('2'); // SKD's acceptance for student 1, TAID's t for student 2

    const interleaved = page.getByTestId('interleaved-output');
    await expect.poll(() => interleaved.count(), { timeout: 120_000 }).toBeGreaterThan(0);
    expect(await page.locator('.samples th').allTextContents()).toContain('SKD: teacher-corrected');
    await page.getByRole('tab', { name: 'TAID' }).click();
    await expect.poll(() => interleaved.count(), { timeout: 120_000 }).toBe(0);

    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(' | ')}`)).toEqual([]);
    await closeClean(opened);
  });
});
