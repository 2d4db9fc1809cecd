// The lesson panel end to end, on a fixture reference served in place of public/lessons (so the
// test does not depend on the shipped numbers): only lessons whose check holds are offered;
// choosing one opens one panel with its question, a prediction and Play; the expected band is
// drawn on the chart of the lesson's metric and nowhere else; a changed setup hides it; once the
// run passes the checkpoint the panel shows this run's values beside the expected ones.
import { describe, expect, test } from 'vitest';
import { closeClean, newPage, useServedPage, whenReady } from './harness';
import { getPreset } from '../../src/state/presets';
import type { LessonIndex, LessonReference } from '../../src/state/lessons';

const site = useServedPage({ webgpu: false });

const preset = getPreset('critic-adversary')!;
const steps = Array.from({ length: preset.effect.checkpoint / 10 + 1 }, (_, i) => i * 10);
const flat = (v: number) => steps.map(() => v);
const fixture: LessonReference = {
  id: preset.id,
  title: preset.title,
  effect: preset.effect,
  spec: preset.spec,
  seeds: [1, 2, 3],
  evalEvery: 10,
  backend: 'wasm',
  check: {
    metric: preset.effect.metric,
    checkpoint: preset.effect.checkpoint,
    lower: { lane: 0, label: 'AMMD default critic', mean: 2, sd: 0.5, n: 3 },
    higher: { lane: 1, label: 'AMMD own-trunk critic', mean: 5, sd: 0.25, n: 3 },
    direction: true,
    bandsApart: true,
    holds: true,
    reason: '',
  },
  trajectories: [
    { lane: 0, label: 'AMMD default critic', steps, metrics: { [preset.effect.metric]: { mean: flat(2), sd: flat(0.5) } } },
    { lane: 1, label: 'AMMD own-trunk critic', steps, metrics: { [preset.effect.metric]: { mean: flat(5), sd: flat(0.25) } } },
  ],
  commit: 'fixture',
  command: 'fixture',
  runMs: 0,
};
const index: LessonIndex = {
  'critic-adversary': { title: preset.title, holds: true, seeds: 3, checkpoint: preset.effect.checkpoint },
  'exposure-bias': { title: 'Exposure bias', holds: false, seeds: 3, checkpoint: 200 },
};

describe('lesson panel', () => {
  test('predict, play, expected band, then what happened against what was expected', async () => {
    const { page, log, context } = await newPage(site.browser, { width: 1366, height: 768 });
    await context.route('**/lessons/index.json', (r) => r.fulfill({ json: index }));
    await context.route('**/lessons/critic-adversary.json', (r) => r.fulfill({ json: fixture }));
    await page.goto(site.url);

    // Only the lesson whose check holds is offered.
    await page.getByTestId('preset-critic-adversary').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('preset-exposure-bias').count()).toBe(0);
    expect(await page.getByTestId('lesson-panel').count()).toBe(0);

    await page.getByTestId('preset-critic-adversary').click();
    const panel = page.getByTestId('lesson-panel');
    await panel.waitFor();
    expect(await page.getByTestId('lesson-panel').count()).toBe(1);
    expect(await page.getByTestId('lesson-question').textContent()).toBe(preset.question);
    expect(await page.getByTestId('notice').count()).toBe(0); // no banner stacked above it any more

    // The band: on the moment-matching chart only, one per student, labelled.
    const mm = page.getByTestId('chart-mm');
    await expect.poll(() => mm.getAttribute('data-bands')).toBe('2');
    for (const id of ['chart-critic', 'chart-divergence', 'chart-score']) expect(await page.getByTestId(id).getAttribute('data-bands')).toBe('0');
    expect(await mm.getByTestId('expected-band').allTextContents()).toEqual([
      'expected, 3 seeds: AMMD default critic',
      'expected, 3 seeds: AMMD own-trunk critic',
    ]);
    expect(await page.getByTestId('lesson-band-note').textContent()).toContain('expected, 3 seeds');

    // Play waits for a prediction.
    await whenReady(page);
    expect(await page.getByTestId('lesson-play').isDisabled()).toBe(true);
    await page.getByTestId('lesson-predict-0').check();
    expect(await page.getByTestId('lesson-play').isDisabled()).toBe(false);

    // A smaller student and batch (to reach the checkpoint quickly here): the band no longer applies.
    await page.evaluate(() => {
      location.hash = `${location.hash}&studentWidth=8&studentHeads=1&batchSize=4&evalPrompts=8`;
    });
    await expect.poll(() => mm.getAttribute('data-bands')).toBe('0');
    expect(await page.getByTestId('lesson-band-note').textContent()).toContain('changed the lesson’s setup');

    await page.locator('[data-testid="lesson-play"]:not([disabled])').click({ timeout: 300_000 });
    const result = page.getByTestId('lesson-result');
    await result.waitFor({ timeout: 600_000 });
    expect(await result.textContent()).toContain('Your prediction matches the verified effect.');
    const row = (lane: number) => page.getByTestId(`lesson-row-${lane}`).locator('td').allTextContents();
    const [, run0, expected0] = await row(0);
    const [, run1, expected1] = await row(1);
    expect(expected0).toBe('2.000 ± 0.500');
    expect(expected1).toBe('5.000 ± 0.250');
    // This run (a tiny student from the smaller setup) has its own values: an exact moment
    // distance, positive and finite; the sentence compares them in the run's own order.
    const [v0, v1] = [Number(run0), Number(run1)];
    for (const v of [v0, v1]) expect(v).toBeGreaterThan(0);
    const agreement = await page.getByTestId('lesson-agreement').textContent();
    expect(agreement).toMatch(v0 < v1 ? /^In this run too, / : /^This run went the other way/);

    await page.getByTestId('lesson-close').click();
    expect(await page.getByTestId('lesson-panel').count()).toBe(0);
    await closeClean({ context, page, log });
  }, 900_000);
});
