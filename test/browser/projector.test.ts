// The page on a projector (1024×768): the document is never wider than the viewport, whichever
// method's card (and formula) is shown, with AMMD's step explainer open at its critics' table, in
// a race, a lesson and presenter mode; presenter mode
// draws the charts' canvas text at 16 px or more and sets no text under 18 px (chart legends
// 16 px), lesson panel included, measured from what the canvas was asked to draw and from the
// computed styles. On the short screen each chart description keeps a line and opens in place;
// a knob that does nothing with the other settings (GKD's β beside forward KL) is not drawn.
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { closeClean, newPage, useServedPage, whenReady } from './harness';
import { METHODS } from '../../src/engine/methods/declarations';

const site = useServedPage({ webgpu: false });
const PROJECTOR = { width: 1024, height: 768 };
// Tiny students, so each method's run builds in seconds: the layout is what is measured.
const SMALL = 'studentWidth=8&studentHeads=1&batchSize=4&evalPrompts=8';

/** How far the document reaches past the viewport, and the widest elements that do. */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const W = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => !e.closest('.katex-mathml'))
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.right > W + 0.5)
      .slice(0, 3)
      .map(({ e, r }) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} to ${Math.round(r.right)}`);
    return { by: document.documentElement.scrollWidth - W, wide };
  });

/** Record the font of every text a canvas draws (uPlot's ticks, axis titles, the overlay). */
const RECORD_CANVAS_TEXT = () => {
  const w = window as unknown as { __canvasFonts: string[] };
  w.__canvasFonts = [];
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (this: CanvasRenderingContext2D, ...args: Parameters<typeof fill>) {
    w.__canvasFonts.push(this.font);
    return fill.apply(this, args);
  };
};
const canvasFontPx = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __canvasFonts: string[] };
    const px = w.__canvasFonts.map((f) => Number(/(\d+(?:\.\d+)?)px/.exec(f)?.[1]));
    w.__canvasFonts = [];
    return px;
  });

/** Visible text under 18 px (formulas, legends and screen-reader text aside), and the legends' sizes. */
const textSizes = (page: Page) =>
  page.evaluate(() => {
    const small: string[] = [];
    let texts = 0;
    for (const el of document.querySelectorAll('.app *')) {
      // Formulas scale to fit their column; legends are chart text (checked below); hidden text is not read.
      if (el.closest('.katex, .sr-only, .chart-legend, .chart-readout, svg')) continue;
      if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())) continue;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!r.width || !r.height || style.visibility === 'hidden') continue;
      texts++;
      const px = parseFloat(style.fontSize);
      if (px < 18) small.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${px}px: ${el.textContent!.trim().slice(0, 30)}`);
    }
    const legend = [...document.querySelectorAll('.chart-legend li')].map((e) => parseFloat(getComputedStyle(e).fontSize));
    return { small: small.slice(0, 10), texts, legend };
  });

describe('on a projector', () => {
  test('1024×768: no method, race, lesson or presenter mode makes the document wider than the viewport', async () => {
    const { page, log, context } = await newPage(site.browser, PROJECTOR);
    await page.goto(`${site.url}#${SMALL}&s1=sft`);
    const problems: string[] = [];
    const check = async (what: string) => {
      const o = await overflow(page);
      if (o.by > 0) problems.push(`${what}: ${o.by} px too wide (${o.wide.join(', ')})`);
    };
    for (const m of METHODS) {
      await page.evaluate((h) => (location.hash = h), `#${SMALL}&s1=${m.id}`);
      await expect.poll(() => page.getByTestId('method-card').locator('h2').textContent(), { timeout: 60_000 }).toContain(m.label);
      // The samples table fills once the student is built: measure with it.
      await page.getByTestId('student-output').first().waitFor({ timeout: 120_000 });
      await check(m.id);
    }
    // AMMD's step explainer at the step that shows its critics' table (the widest part of it).
    await page.evaluate((h) => (location.hash = h), `#${SMALL}&s1=ammd`);
    await page.getByTestId('student-output').first().waitFor({ timeout: 120_000 });
    await page.getByTestId('explain-open').click();
    const explainer = page.locator('[data-testid="explainer"][data-ready="1"]');
    await explainer.waitFor({ timeout: 120_000 });
    await explainer.locator('.xp-diagram li').nth(3).locator('button').click();
    await explainer.getByTestId('xp-critics').waitFor();
    await check('AMMD’s step explainer with its critics’ table');
    await page.getByRole('button', { name: 'Close the step explainer' }).click();
    const race = '#' + SMALL + '&s1=kd&s2=gkd&s3=ammd&s4=distillm';
    await page.evaluate((h) => (location.hash = h), race);
    await expect.poll(() => page.getByTestId('method-card').count(), { timeout: 60_000 }).toBe(4);
    await page.getByTestId('student-output').first().waitFor({ timeout: 120_000 });
    await check('a four-student race');
    await page.evaluate(() => (location.hash = '#lesson=ammd-vs-gkd'));
    await page.getByTestId('lesson-panel').waitFor({ timeout: 60_000 });
    await check('a lesson');
    await page.evaluate((h) => (location.hash = h), `${race}&present=1`);
    await expect.poll(() => page.getByTestId('app').getAttribute('data-present')).toBe('1');
    await page.getByTestId('student-output').first().waitFor({ timeout: 120_000 });
    await check('presenter mode, four students');
    expect(problems).toEqual([]);
    await closeClean({ context, page, log });
  }, 900_000);

  test('1024×768: each chart keeps a line of its description and opens the rest in place; GKD’s β shows only with the JSD', async () => {
    const { page, log, context } = await newPage(site.browser, PROJECTOR);
    await page.goto(`${site.url}#${SMALL}&s1=gkd`);
    const chart = page.getByTestId('chart-mm');
    const desc = chart.locator('.chart-desc');
    await desc.waitFor({ timeout: 60_000 });
    // How much of the description shows: its box, whether its text is cut, and the plot's top.
    const look = () =>
      page.evaluate(() => {
        const fig = document.querySelector('[data-testid="chart-mm"]')!;
        const d = fig.querySelector<HTMLElement>('.chart-desc')!;
        const r = d.getBoundingClientRect();
        const lineHeight = parseFloat(getComputedStyle(d).lineHeight);
        // The plot's top within the chart (a focus may scroll the page).
        const below = d.nextElementSibling!.getBoundingClientRect().top - fig.getBoundingClientRect().top;
        return {
          height: r.height,
          lines: r.height / lineHeight,
          cut: d.scrollWidth > d.clientWidth + 1 || d.scrollHeight > d.clientHeight + 1,
          right: r.right,
          below,
        };
      });
    const text = (await desc.textContent())!;
    expect(text.length).toBeGreaterThan(100); // a description worth opening
    const closed = await look();
    expect(closed.lines).toBeCloseTo(1, 1); // one line shows, the rest is cut
    expect(closed.cut).toBe(true);
    // Hovering the description opens all of it over the plot, which does not move.
    await desc.hover();
    await expect.poll(async () => (await look()).cut).toBe(false);
    const open = await look();
    expect(open.lines).toBeGreaterThan(2);
    expect(open.below).toBeCloseTo(closed.below, 0);
    expect(open.right).toBeLessThanOrEqual(PROJECTOR.width);
    expect((await overflow(page)).by).toBeLessThanOrEqual(0);
    // Away, it closes; from the keyboard, focus on the chart's own controls opens it too.
    await page.mouse.move(5, 5);
    await expect.poll(async () => (await look()).cut).toBe(true);
    await chart.locator('.log-toggle input').focus();
    await expect.poll(async () => (await look()).cut).toBe(false);
    expect((await look()).below).toBeCloseTo(closed.below, 0);
    await page.locator('h1').click();
    await expect.poll(async () => (await look()).cut).toBe(true);

    // β mixes the JSD only: with forward KL its slider is gone, and back with the JSD.
    expect(await page.getByTestId('param-beta').count()).toBe(1);
    await page.getByTestId('param-divergence').selectOption('fkl');
    await expect.poll(() => page.getByTestId('param-beta').count()).toBe(0);
    expect(await page.evaluate(() => location.hash)).toContain('divergence=fkl');
    await page.getByTestId('param-divergence').selectOption('jsd');
    await expect.poll(() => page.getByTestId('param-beta').count()).toBe(1);
    // A link with forward KL opens without it.
    await page.evaluate((h) => (location.hash = h), `#${SMALL}&s1=gkd&s1.divergence=fkl`);
    await expect.poll(() => page.getByTestId('param-divergence').inputValue()).toBe('fkl');
    expect(await page.getByTestId('param-beta').count()).toBe(0);
    await closeClean({ context, page, log });
  }, 300_000);

  test('presenter mode: canvas text at 16 px or more, no text under 18 px, legends 16 px; the normal page is smaller', async () => {
    const { page, log, context } = await newPage(site.browser, PROJECTOR);
    await context.addInitScript(RECORD_CANVAS_TEXT);
    // AMMD against GKD (a lesson, its panel open), with a critic chart and one without.
    await page.goto(`${site.url}#${SMALL}&lesson=ammd-vs-gkd&present=1`);
    await page.getByTestId('lesson-panel').waitFor({ timeout: 60_000 });
    await whenReady(page, { timeout: 240_000 });
    await page.getByTestId('student-output').first().waitFor({ timeout: 120_000 });
    // One step, so every chart draws values and a tick per axis.
    await page.getByTestId('step').click();
    await expect.poll(() => page.getByTestId('step-count').textContent()).toBe('1');
    await page.waitForTimeout(500);
    const present = await canvasFontPx(page);
    expect(present.length).toBeGreaterThan(20); // ticks and titles of several charts
    expect(Math.min(...present)).toBeGreaterThanOrEqual(16);

    const sizes = await textSizes(page);
    expect(sizes.texts).toBeGreaterThan(50);
    expect(sizes.small).toEqual([]);
    expect(sizes.legend.length).toBeGreaterThan(4);
    expect(Math.min(...sizes.legend)).toBeGreaterThanOrEqual(16);
    expect((await overflow(page)).by).toBeLessThanOrEqual(0);

    // Out of presenter mode the canvas text is the page's normal, smaller size.
    await page.getByTestId('present-toggle').click();
    await expect.poll(() => page.getByTestId('app').getAttribute('data-present')).toBe('0');
    await page.waitForTimeout(500);
    const normal = await canvasFontPx(page);
    expect(normal.length).toBeGreaterThan(20);
    expect(Math.max(...normal)).toBeLessThan(16);
    expect((await textSizes(page)).small.length).toBeGreaterThan(0); // the same walk finds the normal page's small print
    await closeClean({ context, page, log });
  }, 600_000);
});
