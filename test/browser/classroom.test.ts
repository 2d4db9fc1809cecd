// The page as a class sees it: at 1024×768 (a projector) the charts are above the fold and the
// sidebar leads with task and method; presenter mode and an instructor's link hide what they
// should and still name each student's method; sliders move by keyboard (log sliders by their
// log step, heads only to values that divide the width); a live change is marked on the charts;
// and axe-core finds no serious or critical violation on the default page, a race and
// presenter mode. Default backend (wasm here), default sizes: nothing here trains for long.
import { describe, expect, test } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { closeClean, useServedPage, whenReady } from './harness';

const site = useServedPage({ webgpu: true });
const PROJECTOR = { width: 1024, height: 768 };
const CHARTS = ['chart-mm', 'chart-critic', 'chart-divergence', 'chart-score'];

async function open(hash: string, viewport = PROJECTOR) {
  const opened = await site.open(hash, viewport);
  await whenReady(opened.page, { timeout: 240_000 });
  return opened;
}

/** Serious and critical axe-core violations, one line each (rule: first offending elements). */
async function axeProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

/** Whether an element lies wholly inside the viewport, above the fixed status line. */
async function aboveFold(page: Page, testId: string): Promise<boolean> {
  const box = await page.getByTestId(testId).boundingBox();
  const footer = await page.getByTestId('status').boundingBox();
  return !!box && !!footer && box.y >= 0 && box.x >= 0 && box.x + box.width <= PROJECTOR.width && box.y + box.height <= footer.y;
}

describe('classroom', () => {
  test('1024×768: every chart above the fold, task and method lead the sidebar, keys move sliders, a live change is marked; axe clean', async () => {
    // AMMD (the default is GKD), so the method's own knobs include the critic's.
    const { page, log, context } = await open('#s1=ammd');
    for (const id of CHARTS) expect(await aboveFold(page, id), id).toBe(true);
    const y = async (id: string) => (await page.getByTestId(id).boundingBox())!.y;
    expect(await y('param-task')).toBeLessThan(await y('param-method'));
    expect(await y('param-method')).toBeLessThan(await y('param-criticSteps')); // the method's knobs next
    expect(await y('param-criticSteps')).toBeLessThan(await y('param-lr')); // then the run's
    // The backend is explained once, in the status line.
    expect(await page.getByTestId('software-webgpu').count()).toBe(1);
    expect(await page.locator('.banner').count()).toBe(0);
    expect(await axeProblems(page)).toEqual([]);

    // Keys: the learning rate (a log slider) climbs the ladder 1e-3 → 1.5e-3, a decade with Page Up.
    const lr = page.getByTestId('param-lr');
    await lr.focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => lr.getAttribute('data-value')).toBe('0.0015');
    await page.keyboard.press('PageUp');
    await expect.poll(() => lr.getAttribute('data-value')).toBe('0.015');
    expect(await page.evaluate(() => location.hash)).toContain('lr=0.015');
    // One mark for one slider at one step, on every chart.
    for (const id of CHARTS) expect(await page.getByTestId(id).getAttribute('data-marks'), id).toBe('1');
    // Student heads: 2 → 4 (3 does not divide the width 32).
    const heads = page.getByTestId('param-studentHeads');
    await heads.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => heads.getAttribute('data-value')).toBe('4');
    expect(await page.getByTestId('notice').count()).toBe(0); // nothing had to be adjusted
    // A chart's text alternative names what it shows and its latest values.
    expect(await page.getByTestId('chart-score-alt').textContent()).toMatch(/Latest values at step 0: AMMD, score \d[^;]*; AMMD, partial credit \d/);
    await closeClean({ context, page, log });
  });

  test('a three-student race: grouped legends, no series a method does not produce; axe clean', async () => {
    const { page, log, context } = await open('#s1=kd&s2=gkd&s3=ammd');
    // Colour per student, style per metric. By default the two exact distances only: 3 students + 2 metrics.
    const mm = page.getByTestId('chart-mm');
    const legend = mm.locator('.chart-legend li');
    await expect.poll(() => legend.count()).toBe(3 + 2);
    expect(await mm.getAttribute('data-series')).toBe(String(3 * 2));
    expect(await page.getByTestId('chart-critic').locator('.chart-legend li').allTextContents()).toEqual(['3: AMMD']); // only AMMD has a critic
    // AMMD's critic estimates and penalised optima on demand: 2 + 2 more metrics, drawn for AMMD only.
    await mm.getByTestId('mm-lines').locator('summary').click();
    for (const key of ['mmOnCritic', 'mmOffCritic', 'mmOnPenalised', 'mmOffPenalised']) await mm.getByTestId(`mm-${key}`).check();
    await expect.poll(() => legend.count()).toBe(3 + 6);
    expect(await mm.getAttribute('data-series')).toBe(String(3 * 2 + 4));
    await mm.getByTestId('mm-lines').locator('summary').click();
    for (const i of [1, 2, 3]) expect(await page.getByTestId(`lane-method-${i}`).textContent()).toMatch(['KD', 'GKD', 'AMMD'][i - 1]);
    expect(await axeProblems(page)).toEqual([]);

    // Explain one step: six stages with the engine's numbers; the run itself does not move.
    await page.getByTestId('explain-open').click();
    const explainer = page.locator('[data-testid="explainer"][data-ready="1"]');
    await explainer.waitFor({ timeout: 120_000 });
    expect(await explainer.locator('.xp-diagram li').count()).toBe(6);
    await explainer.locator('.xp-diagram li').nth(5).locator('button').click();
    await expect.poll(() => explainer.locator('.xp-bars .dist-row').count()).toBe(6);
    expect(await explainer.locator('.xp-detail').textContent()).toMatch(/forward KL\(p‖q\) went from [\d.e-]+ to [\d.e-]+ nats/);
    expect(await page.getByTestId('step-count').textContent()).toBe('0');
    expect(await axeProblems(page)).toEqual([]);
    await closeClean({ context, page, log });
  });

  test('presenter mode (link and button) folds the sidebar to transport and lessons, without keep or share; axe clean', async () => {
    const { page, log, context } = await open('#s1=gkd&s2=ammd&present=1');
    expect(await page.getByTestId('app').getAttribute('data-present')).toBe('1');
    expect(await page.getByTestId('play').isVisible()).toBe(true);
    expect(await page.locator('.sidebar section[aria-label="Lessons"]').isVisible()).toBe(true);
    for (const hidden of ['param-task', 'param-method', 'param-lr', 'export-csv', 'share']) expect(await page.getByTestId(hidden).count(), hidden).toBe(0);
    // Large type: the body text is bigger than on the normal page.
    const size = () => page.locator('.tagline').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    const big = await size();
    expect(await aboveFold(page, 'chart-mm')).toBe(true);
    expect(await aboveFold(page, 'chart-critic')).toBe(true);
    expect(await axeProblems(page)).toEqual([]);
    await page.getByTestId('present-toggle').click();
    await expect.poll(() => page.evaluate(() => location.hash)).not.toContain('present=1');
    expect(await page.getByTestId('param-task').count()).toBe(1);
    expect(await page.getByTestId('export-csv').count()).toBe(1);
    expect(await size()).toBeLessThan(big);
    await closeClean({ context, page, log });
  });

  test('an instructor link hides the share panel and the hidden controls, and still names each method', async () => {
    const { page, log, context } = await open('#s1=gkd&s2=ammd&hide=method,lr,share');
    expect(await page.getByTestId('share').count()).toBe(0);
    expect(await page.getByTestId('param-method').count()).toBe(0);
    expect(await page.getByTestId('param-lr').count()).toBe(0);
    expect(await page.getByTestId('lane-method-1').textContent()).toContain('GKD');
    expect(await page.getByTestId('lane-method-2').textContent()).toContain('AMMD');
    await closeClean({ context, page, log });
    // The share panel makes such links: hiding a control hides the panel too unless allowed.
    const plain = await open('');
    await plain.page.getByTestId('share').locator('summary').click();
    await plain.page.getByTestId('share').getByLabel('Learning rate', { exact: true }).check();
    expect(await plain.page.getByTestId('share-link').inputValue()).toMatch(/hide=lr,share$/);
    await plain.page.getByTestId('share-let-students').check();
    expect(await plain.page.getByTestId('share-link').inputValue()).toMatch(/hide=lr$/);
    await plain.context.close();
  });
});
