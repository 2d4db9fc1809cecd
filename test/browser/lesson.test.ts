// The lesson flow end to end, on fixture references served in place of public/lessons (so the
// test does not depend on the shipped numbers): only lessons whose check holds are offered;
// choosing one (even from the bottom of the page) brings its question into view and focus; the
// expected band stays hidden until a prediction is made and Play pressed, then appears on the
// chart of the lesson's metric only; a changed setup hides it; Play stops by itself at the
// checkpoint, where the verdict is announced with the right answer and, plainly, whether this run
// fell outside the band; the lesson's text is short, its detail behind "More"; a
// `lesson=ID` link opens the lesson, the L key the lessons menu, and a replaced link closes it.
import { describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { closeClean, newPage, stepCount, useServedPage, whenReady } from './harness';
import { getPreset, type Preset } from '../../src/state/presets';
import type { LessonIndex, LessonReference } from '../../src/state/lessons';

const site = useServedPage({ webgpu: false });

/** A reference for `preset` whose two students sit flat at the given means ± sds. */
function fixtureFor(preset: Preset, [lowMean, lowSd]: [number, number], [highMean, highSd]: [number, number]): LessonReference {
  const steps = Array.from({ length: preset.effect.checkpoint / 10 + 1 }, (_, i) => i * 10);
  const flat = (v: number) => steps.map(() => v);
  const { metric, checkpoint, lower, higher } = preset.effect;
  const label = (lane: number) => `fixture student ${lane + 1}`;
  return {
    id: preset.id,
    title: preset.title,
    effect: preset.effect,
    spec: preset.spec,
    seeds: [1, 2, 3],
    evalEvery: 10,
    backend: 'wasm',
    check: {
      metric,
      checkpoint,
      lower: { lane: lower, label: label(lower), mean: lowMean, sd: lowSd, n: 3 },
      higher: { lane: higher, label: label(higher), mean: highMean, sd: highSd, n: 3 },
      direction: true,
      bandsApart: true,
      holds: true,
      reason: '',
    },
    trajectories: [
      { lane: lower, label: label(lower), steps, metrics: { [metric]: { mean: flat(lowMean), sd: flat(lowSd) } } },
      { lane: higher, label: label(higher), steps, metrics: { [metric]: { mean: flat(highMean), sd: flat(highSd) } } },
    ],
    commit: 'fixture',
    command: 'fixture',
    // 3 seeds × 30 s: 10 s to the checkpoint of a 60-step lesson on the verifying machine.
    runMs: 90_000 * (preset.effect.steps / preset.effect.checkpoint),
  };
}

const critic = getPreset('critic-adversary')!;
const covering = getPreset('mode-covering-vs-seeking')!;
const fixtures = {
  [critic.id]: fixtureFor(critic, [2, 0.5], [5, 0.25]),
  // A score of at most 1: this run lies far below both made-up bands, which come from seeds the
  // page does not run.
  [covering.id]: { ...fixtureFor(covering, [50, 1], [60, 1]), seeds: [11, 12, 13] },
};
const index: LessonIndex = {
  [critic.id]: { title: critic.title, holds: true, seeds: 3, checkpoint: critic.effect.checkpoint },
  [covering.id]: { title: covering.title, holds: true, seeds: 3, checkpoint: covering.effect.checkpoint },
  'exposure-bias': { title: 'Exposure bias', holds: false, seeds: 3, checkpoint: 200 },
};

async function withFixtures(context: BrowserContext) {
  await context.route('**/lessons/index.json', (r) => r.fulfill({ json: index }));
  for (const [id, json] of Object.entries(fixtures)) await context.route(`**/lessons/${id}.json`, (r) => r.fulfill({ json }));
}

/** The question is the focused element and lies wholly inside the viewport. */
async function questionInViewAndFocused(page: Page) {
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('lesson-question');
  const inView = await page.getByTestId('lesson-question').evaluate((e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
  });
  expect(inView).toBe(true);
}

describe('lesson panel', () => {
  test('opened from the bottom of the page: in view and focus; band only after predict + Play; stops at the checkpoint; verdict announced', async () => {
    const { page, log, context } = await newPage(site.browser, { width: 1366, height: 768 });
    await withFixtures(context);
    await page.goto(site.url);

    // Only the lessons whose check holds are offered.
    await page.getByTestId('preset-critic-adversary').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('preset-exposure-bias').count()).toBe(0);
    expect(await page.getByTestId('lesson-panel').count()).toBe(0);
    // Each says how long it takes: 60 steps at 30 s per 60-step seed on the verifying machine.
    await expect.poll(() => page.getByTestId('preset-time-critic-adversary').textContent()).toBe(' · ≈30 s');

    // The list sits low in the sidebar: scroll to it, as a learner would, then choose.
    await page.getByTestId('preset-critic-adversary').scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => scrollY)).toBeGreaterThan(0);
    await page.getByTestId('preset-critic-adversary').click();
    const panel = page.getByTestId('lesson-panel');
    await panel.waitFor();
    expect(await page.getByTestId('lesson-panel').count()).toBe(1);
    expect(await page.getByTestId('lesson-question').textContent()).toBe(critic.question);
    await questionInViewAndFocused(page);
    expect(await page.getByTestId('notice').count()).toBe(0);
    expect(await page.evaluate(() => location.hash)).toContain('lesson=critic-adversary');

    // Before the prediction no band is drawn, and the panel says when it will be.
    const mm = page.getByTestId('chart-mm');
    await whenReady(page);
    await expect.poll(() => page.getByTestId('lesson-band-note').textContent()).toContain('once you have made your prediction and pressed Play');
    expect(await mm.getAttribute('data-bands')).toBe('0');
    expect(await mm.getByTestId('expected-band').count()).toBe(0);
    expect(await page.getByTestId('lesson-play').isDisabled()).toBe(true);
    await page.getByTestId('lesson-predict-1').check();
    expect(await mm.getAttribute('data-bands')).toBe('0'); // a prediction alone does not reveal it

    // Play: the band appears, on the moment-matching chart only; the focus stays on the panel's button.
    await page.getByTestId('lesson-play').click();
    await expect.poll(() => mm.getAttribute('data-bands')).toBe('2');
    for (const id of ['chart-critic', 'chart-divergence', 'chart-score']) expect(await page.getByTestId(id).getAttribute('data-bands')).toBe('0');
    // Named as the page names the students, not by the labels the reference was written with.
    expect(await mm.getByTestId('expected-band').allTextContents()).toEqual([
      'expected, 3 seeds: AMMD (critic on hidden states and probabilities)',
      'expected, 3 seeds: AMMD (critic with a transformer of its own)',
    ]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toMatch(/^lesson-(pause|play)$/);
    expect(await page.getByTestId('lesson-predict-0').isDisabled()).toBe(true); // the prediction is fixed
    await page.locator('[data-testid="lesson-pause"]').click({ timeout: 60_000 });
    await whenReady(page);

    // A smaller student and batch (to reach the checkpoint quickly here): the band no longer applies.
    await page.evaluate(() => {
      location.hash = `${location.hash}&studentWidth=8&studentHeads=1&batchSize=4&evalPrompts=8`;
    });
    await expect.poll(() => mm.getAttribute('data-bands')).toBe('0');
    expect(await page.getByTestId('lesson-band-note').textContent()).toContain('changed the lesson’s setup');
    expect(await page.getByTestId('lesson-panel').count()).toBe(1); // the same students: still the lesson's experiment

    // Play runs to the checkpoint and stops there by itself.
    await page.locator('[data-testid="lesson-play"]:not([disabled])').click({ timeout: 300_000 });
    const result = page.getByTestId('lesson-result');
    await result.waitFor({ timeout: 600_000 });
    await page.getByTestId('play').waitFor({ timeout: 60_000 });
    expect(await stepCount(page)).toBe(critic.effect.checkpoint);
    await page.waitForTimeout(1500);
    expect(await stepCount(page)).toBe(critic.effect.checkpoint);
    expect(await page.getByTestId('lesson-play').textContent()).toContain('Keep training');

    // The verdict is in the live region, with the right answer (the prediction was the other student).
    expect(await page.getByTestId('lesson-announce').getAttribute('aria-live')).toBe('polite');
    expect(await page.getByTestId('lesson-verdict').textContent()).toMatch(
      /^Your prediction was not the verified answer\. The right answer: Student 1, AMMD[^,]*, has the lower exact off-policy moment-matching distance at step 60, as verified over 3 seeds\.$/,
    );
    const row = (lane: number) => page.getByTestId(`lesson-row-${lane}`).locator('td').allTextContents();
    const [, run0, expected0] = await row(0);
    const [, run1, expected1] = await row(1);
    expect(expected0).toBe('2.000 ± 0.500');
    expect(expected1).toBe('5.000 ± 0.250');
    const [v0, v1] = [Number(run0), Number(run1)];
    for (const v of [v0, v1]) expect(v).toBeGreaterThan(0);
    const agreement = await page.getByTestId('lesson-agreement').textContent();
    expect(agreement).toMatch(v0 < v1 ? /^In this run too, Student 1, AMMD[^,]*, is lower/ : /^This run went the other way/);
    expect(agreement).toContain('setup differs'); // so no band comparison
    expect(await page.getByTestId('lesson-outside').count()).toBe(0);

    await page.getByTestId('lesson-close').click();
    expect(await page.getByTestId('lesson-panel').count()).toBe(0);
    expect(await page.evaluate(() => location.hash)).not.toContain('lesson=');
    await closeClean({ context, page, log });
  }, 900_000);

  test('a lesson=ID link opens it in view and focus; its run says plainly it fell outside the band; L opens the menu; a replaced link closes it', async () => {
    const { page, log, context } = await newPage(site.browser, { width: 1024, height: 768 });
    await withFixtures(context);
    await page.goto(`${site.url}#lesson=${covering.id}`);
    await page.getByTestId('lesson-panel').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('lesson-question').textContent()).toBe(covering.question);
    await questionInViewAndFocused(page);
    // The lesson's own experiment: its students, its task.
    expect(await page.getByTestId('lane-method-1').textContent()).toContain('KD');
    expect(await page.getByTestId('lane-method-2').textContent()).toContain('GKD');
    expect(await page.getByTestId('param-task').inputValue()).toBe('grammar');
    await whenReady(page, { timeout: 240_000 });

    // The transport's Play (no prediction) also stops at the checkpoint; the band appears there.
    // The lesson's metric is the score: its chart shows the sampling band until the lesson's own.
    const div = page.getByTestId('chart-score');
    expect(await div.getAttribute('data-bands')).toBe('0');
    await page.getByTestId('play').click();
    await page.getByTestId('lesson-result').waitFor({ timeout: 600_000 });
    await page.getByTestId('play').waitFor({ timeout: 60_000 });
    expect(await stepCount(page)).toBe(covering.effect.checkpoint);
    await expect.poll(() => div.getAttribute('data-bands')).toBe('2');
    // The lesson's band takes the score chart's sampling band's place, and its box.
    expect(await div.getAttribute('data-sampling-bands')).toBe('0');
    expect(await page.getByTestId('score-sampling').isDisabled()).toBe(true);
    expect(await page.getByTestId('lesson-verdict').textContent()).toMatch(
      /^You made no prediction\. The verified answer: Student 2, GKD[^,]*, has the higher task score at step 200/,
    );
    // A score of at most 1 against fixture bands of 50 ± 1 and 60 ± 1: both students fell
    // outside, and the panel says so first, never "in this run too".
    const outside = await page.getByTestId('lesson-outside').textContent();
    expect(outside).toMatch(
      /^This run landed outside the expected band: Student 1, KD \(word level\) \(task score\), [\d.]+ against 50\.0 ± 1\.000; Student 2, GKD[^,]* \(task score\), [\d.]+ against 60\.0 ± 1\.000\./,
    );
    const agreement = await page.getByTestId('lesson-agreement').textContent();
    expect(agreement).not.toContain('too');
    expect(agreement).toMatch(/^(Its direction still agrees: Student 2, GKD[^,]*, is higher|This run went the other way)/);
    // The band's seeds are not the page's, and the panel says so.
    expect(await page.getByTestId('lesson-band-note').textContent()).toContain(
      'over seeds 11, 12, 13, from npm run lessons). This page runs seed 1, which is not one of them.',
    );
    // The lesson's text is short; its detail opens under "More".
    expect(await page.getByTestId('lesson-text').textContent()).toBe(covering.lesson);
    const more = page.getByTestId('lesson-more');
    expect(await more.locator('p').isVisible()).toBe(false);
    await more.locator('summary').click();
    expect(await more.locator('p').textContent()).toBe(covering.more);
    expect(await more.locator('p').isVisible()).toBe(true);

    // L opens the lessons menu at the top of the page, its first lesson focused; Escape closes it.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('l');
    await page.getByTestId('lesson-menu').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`menu-${covering.id}`); // the first offered, in the order of PRESETS
    expect((await page.getByTestId('lessons-toggle').boundingBox())!.y).toBeLessThan(60);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('lesson-menu').count()).toBe(0);

    // Another link replaces the experiment: the lesson's panel goes with it.
    await page.evaluate(() => {
      location.hash = '#present=1';
    });
    await expect.poll(() => page.getByTestId('lesson-panel').count()).toBe(0);
    await closeClean({ context, page, log });
  }, 900_000);
});
