// The playground end to end on WebGPU (SwiftShader here). One page walks through the features
// in order, because every page load costs a teacher load, GPU program compilation and a first
// evaluation: play grows every chart; → steps; a live slider change lands in the URL and, with
// the run, survives a reload (IndexedDB); weights download and load back, and a bad file
// changes nothing; a second student races in its own colour on every chart; a preset loads its
// settings. A second page checks a malformed link. Settings are the smallest that show each
// behaviour (batch 4, a d8 student, 8 evaluation prompts).
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { closeClean, eventTrail, newPage, savedEntry, stepCount, useServedPage, whenReady as ready } from './harness';
import type { SavedRun } from '../../src/state/runs';
import { LANE_COLORS } from '../../src/state/config';
import { METRIC_KEYS } from '../../src/engine/metrics/record';

const site = useServedPage({ webgpu: true });

const SMALL = 'backend=webgpu&batchSize=4&evalEvery=2&studentWidth=8&studentHeads=1&evalPrompts=8';
/**
 * Records after `steps` steps of play at evalEvery 2: step 0, every even step, and step 1 (the
 * trainer always evaluates steps 1, 2, 4, 8, 16).
 */
const recordsAt = (steps: number) => 1 + Math.floor(steps / 2) + (steps >= 1 ? 1 : 0);
/** The score chart draws two series per student and record: exact match and partial credit. */
const scorePoints = (records: number) => 2 * records;
const CHARTS = ['chart-mm', 'chart-critic', 'chart-divergence', 'chart-score'];
const LONG = 300_000;

const points = (page: Page, id: string) => page.getByTestId(id).getAttribute('data-points').then(Number);
const hash = (page: Page) => page.evaluate(() => location.hash);
const notices = (page: Page, text: string) => page.getByTestId('notice').filter({ hasText: text }).count();
/** The run saved in this browser: its learning rate, student 1's K and whether weights came with it. */
async function savedSettings(page: Page) {
  const run = await savedEntry<SavedRun>(page, 'runs');
  return run ? { lr: run.spec.settings.lr, criticSteps: run.spec.lanes[0].hyper.criticSteps, weights: run.weights.every((w) => w !== null) } : null;
}

describe('playground', () => {
  test('play, step, live slider → URL → reload with the run restored, weights out and back, race, preset', async () => {
    const { page, log, context } = await newPage(site.browser);
    // The page offers only lessons whose check holds (public/lessons/index.json): serve one
    // that does, so this flow does not depend on the shipped verification numbers.
    await context.route('**/lessons/index.json', (r) =>
      r.fulfill({ json: { 'critic-adversary': { title: 'The critic as adversary', holds: true, seeds: 3, checkpoint: 100 } } }),
    );
    await context.route('**/lessons/critic-adversary.json', (r) => r.fulfill({ json: null })); // the band is test/browser/lesson.test.ts's business
    const t0 = Date.now();
    const phase = (name: string) => console.log(`[playground flow] ${((Date.now() - t0) / 1000).toFixed(0)} s: ${name}`);
    await page.goto(`${site.url}#${SMALL}&s1=ammd&s1.criticSteps=1`);
    await ready(page);
    expect(await page.getByTestId('backend').textContent()).toBe('webgpu');
    // SwiftShader: a software adapter, so nobody mistakes these timings for GPU timings.
    expect(await page.getByTestId('adapter').textContent()).toContain('software fallback adapter');
    expect(await page.getByTestId('software-webgpu').count()).toBe(0);

    phase('ready');
    // Play: the counter and every chart grow (each starts with the step-0 record; the next comes at step 1).
    await expect.poll(() => points(page, 'chart-score'), { timeout: LONG }).toBe(scorePoints(1));
    const before = await Promise.all(CHARTS.map((c) => points(page, c)));
    // No critic loss before the first critic step; every other chart has its step-0 point(s).
    expect(before.map((n) => n > 0)).toEqual([true, false, true, true]);
    expect(await points(page, 'chart-score')).toBe(scorePoints(1));
    await page.locator('h1').click(); // focus on the page, not on a control
    await page.keyboard.press(' '); // space plays
    await page.getByTestId('pause').waitFor({ timeout: 10_000 });
    await expect.poll(() => stepCount(page), { timeout: LONG, interval: 500 }).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await Promise.all(CHARTS.map((c) => points(page, c)))).every((n, i) => n > before[i]), { timeout: LONG }).toBe(true);
    phase('charts grew');
    await page.getByTestId('pause').click();
    await page.getByTestId('play').waitFor({ timeout: LONG }); // the worker finishes the step under way first

    // → takes exactly one step while paused, and a manual step always adds a record.
    const paused = await stepCount(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepCount(page), { timeout: LONG }).toBe(paused + 1);
    const steps = paused + 1;
    const records = recordsAt(paused) + 1;
    await expect.poll(() => points(page, 'chart-score'), { timeout: LONG }).toBe(scorePoints(records));

    phase('keyboard step');
    // A live slider: the critic's steps K. The URL follows at once.
    await page.getByTestId('param-criticSteps').fill('3');
    await expect.poll(() => hash(page)).toContain('s1.criticSteps=3');
    expect(await page.getByTestId('param-criticSteps').getAttribute('data-value')).toBe('3');
    // A log-scale slider: position 800 of 1000 between 1e-5 and 0.05 is 1e-5·5000^0.8 = 0.00913,
    // shown to two significant digits.
    await page.getByTestId('param-lr').fill('800');
    await expect.poll(() => hash(page)).toMatch(/[#&]lr=0\.0091(&|$)/);
    // Saved in IndexedDB within about a second, with both changes (read the database itself:
    // the save may start before or after this line, so a timestamp alone cannot tell).
    await expect.poll(() => savedSettings(page), { timeout: 120_000 }).toEqual({ lr: 0.0091, criticSteps: 3, weights: true });
    const savedHash = await hash(page);
    // Still the same run while paused (a failure here is before the reload, not in the restore).
    expect(await stepCount(page), await eventTrail(page)).toBe(steps);

    phase('saved');
    await page.reload();
    await expect.poll(() => page.getByTestId('param-criticSteps').getAttribute('data-value'), { timeout: 60_000 }).toBe('3');
    expect(await hash(page)).toBe(savedHash);
    await expect.poll(() => notices(page, 'Restored your run'), { timeout: LONG }).toBe(1);
    expect(await stepCount(page)).toBe(steps);
    expect(await points(page, 'chart-score')).toBe(scorePoints(records));
    await ready(page);

    phase('restored');
    // Metrics export: one CSV row per evaluation, with every DESIGN.md key in the header.
    const downloads: Array<{ name: string; path: string }> = [];
    page.on('download', async (d) => downloads.push({ name: d.suggestedFilename(), path: (await d.path())! }));
    await page.getByTestId('export-csv').click();
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(1);
    const csv = readFileSync(downloads[0].path, 'utf8').trim().split('\n');
    expect(csv[0].split(',').slice(0, 3 + METRIC_KEYS.length)).toEqual(['student', 'label', 'method', ...METRIC_KEYS]);
    // Width 8 has no shipped warm-start student: it started from scratch, and the export says so.
    expect(csv[0].split(',').at(-1)).toBe('studentStart');
    expect(csv[1].split(',').at(-1)).toBe('scratch');
    expect(csv.length).toBe(1 + records);
    expect(csv[1].split(',').slice(0, 4)).toEqual(['1', 'AMMD', 'ammd', '0']);
    downloads.length = 0;

    // TRL recipe: a zip whose AMMD config carries the K = 3 set above.
    await page.getByTestId('export-recipe').click();
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(1);
    expect(downloads[0].name).toBe('alembic-recipe.zip');
    const recipe = unzipSync(readFileSync(downloads[0].path));
    expect(strFromU8(recipe['alembic-recipe/student-1-ammd/config.yaml'])).toContain('  critic_steps: 3\n');
    expect(Object.keys(recipe)).toContain('alembic-recipe/student-1-ammd/train.py');
    downloads.length = 0;

    // Weights: download model.json + weights.bin, try a broken pair, load the good pair back.
    await page.getByTestId('download-weights').click();
    await expect.poll(() => downloads.length, { timeout: 60_000 }).toBe(2);
    const json = downloads.find((d) => d.name === 'model.json')!;
    const bin = downloads.find((d) => d.name === 'weights.bin')!;
    const manifest = JSON.parse(readFileSync(json.path, 'utf8'));
    expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
    const count = manifest.weightsManifest[0].weights.reduce((n: number, w: { shape: number[] }) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(readFileSync(bin.path).byteLength).toBe(4 * count); // float32
    await page.getByTestId('weights-file').setInputFiles([
      { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"weightsManifest": 3') },
      { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([1, 2, 3]) },
    ]);
    await expect.poll(() => notices(page, 'Nothing was changed'), { timeout: 60_000 }).toBe(1);
    expect(await stepCount(page)).toBe(steps);
    await page.getByTestId('weights-file').setInputFiles([
      { name: 'model.json', mimeType: 'application/json', buffer: readFileSync(json.path) },
      { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: readFileSync(bin.path) },
    ]);
    await expect.poll(() => notices(page, 'Loaded model.json'), { timeout: 60_000 }).toBe(1);

    phase('weights');

    // Looking inside: a student token opens both next-token distributions (top 8 tokens).
    const token = page.getByTestId('student-output').first().locator('.tok').first();
    await token.waitFor({ timeout: LONG });
    await token.click();
    await expect.poll(() => page.getByTestId('distribution').locator('.dist-row').count(), { timeout: 10_000 }).toBe(8);
    // Race: a second student, made cheap (SFT). One restart for both changes; the first run
    // becomes a ghost.
    await page.getByTestId('add-student').click();
    await page.getByTestId('param-s2.method').selectOption('sft');
    await expect.poll(() => hash(page)).toContain('s2=sft');
    await ready(page);
    await expect.poll(() => page.getByTestId('chart-score').getAttribute('data-series'), { timeout: LONG }).toBe('4'); // 2 students × 2 scores
    expect(await points(page, 'chart-score')).toBe(2 * scorePoints(1)); // 2 students × the step-0 record
    await page.getByTestId('step').click(); // one step of each student, round-robin
    await expect.poll(() => stepCount(page), { timeout: LONG }).toBe(1);
    // The colours each chart draws its students' lines in (the plot is a canvas: the chart lists them).
    const strokes = (id: string) =>
      page
        .getByTestId(id)
        .getAttribute('data-strokes')
        .then((s) => (s ? s.split(',').sort() : []));
    const lanes = [LANE_COLORS[0], LANE_COLORS[1]].sort();
    expect(await strokes('chart-score')).toEqual(lanes);
    expect(await strokes('chart-mm')).toEqual(lanes);
    expect(await strokes('chart-divergence')).toEqual(lanes);
    expect(await strokes('chart-critic')).toEqual([LANE_COLORS[0]]); // SFT has no critic
    // The first run is a ghost, named in the legend.
    expect(Number(await page.getByTestId('chart-score').getAttribute('data-ghosts'))).toBeGreaterThan(0);
    expect(await page.getByTestId('chart-score').getByTestId('legend-ghost').first().textContent()).toMatch(/^previous run: AMMD, seed 1/);

    // r resets to step 0 with the same configuration.
    const raceHash = await hash(page);
    await page.locator('h1').click();
    await page.keyboard.press('r');
    await expect.poll(() => stepCount(page), { timeout: 10_000 }).toBe(0);
    expect(await hash(page)).toBe(raceHash);
    phase('race drawn');
    // A preset: one click sets the lesson's task, students and hyperparameters.
    await page.getByTestId('preset-critic-adversary').click();
    await expect.poll(() => hash(page)).toContain('s2.criticFeatures=own');
    const h = await hash(page);
    expect(h).toContain('task=addition');
    expect(h).toContain('s1=ammd');
    expect(h).toContain('s2=ammd');
    expect(await page.getByTestId('param-criticFeatures').inputValue()).toBe('probs');
    expect(await page.getByTestId('param-s2.criticFeatures').inputValue()).toBe('own');
    expect(await page.getByTestId('param-batchSize').getAttribute('data-value')).toBe('32');

    await closeClean({ context, page, log });
  }, 900_000);

  test('a malformed hash shows a notice naming what was dropped or clamped, and the page still works', async () => {
    const { page, log, context } = await site.open(`#task=banana&lr=99&zzz=1&%E0%A4%A&${SMALL}&s1=sft`);
    const notice = page.getByTestId('notice').first();
    await notice.waitFor({ timeout: 30_000 });
    const text = await notice.textContent();
    expect(text).toMatch(/banana/);
    expect(text).toMatch(/Learning rate/);
    expect(text).toMatch(/zzz/);
    expect(text).toMatch(/URL encoding/);
    expect(await page.getByTestId('param-task').inputValue()).toBe('addition');
    expect(await page.getByTestId('param-lr').getAttribute('data-value')).toBe('0.05');
    // The link is rewritten with the values actually used.
    await expect.poll(() => hash(page)).toMatch(/[#&]lr=0\.05(&|$)/);
    expect(await hash(page)).not.toContain('banana');
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 60_000 }).toBe('webgpu');
    await closeClean({ context, page, log });
  });

  test('a missing teacher file gives a clear message, not a crash', async () => {
    const { page, log, context } = await newPage(site.browser);
    await context.route('**/teachers/reverse/model.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto(`${site.url}#task=reverse&${SMALL}&s1=sft`);
    const missing = page.getByTestId('teacher-missing');
    await missing.waitFor({ timeout: 60_000 });
    expect(await missing.textContent()).toMatch(/reverse teacher is not available/);
    expect(await page.getByTestId('play').isDisabled()).toBe(true);
    // The only error is the browser's own report of the 404 we staged.
    await closeClean({ context, page, log }, /404|Failed to load resource/);
  });
});
