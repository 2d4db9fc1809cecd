// The instructions task on the page: the score per skill is drawn as one small chart per skill
// and as bars, and the skills' scores, weighted by how many of the evaluation's prompts each
// skill has (counted here from the held-out set), add up to the task score the score chart draws.
// The samples panel groups its prompts under a heading per skill.
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { closeClean, useServedPage, whenReady } from './harness';
import { TASKS } from '../../src/engine/tasks';
import { SKILLS } from '../../src/engine/tasks/instructions';

const site = useServedPage({ webgpu: false });
const EVAL_PROMPTS = 8;

/** A chart's live series as id → latest value. */
async function latest(page: Page, testId: string): Promise<Record<string, number>> {
  const raw = await page.getByTestId(testId).getAttribute('data-ends');
  return Object.fromEntries((JSON.parse(raw ?? '[]') as Array<[string, number, number]>).map(([id, , b]) => [id, b]));
}

describe('instructions task', () => {
  test('draws the score of each skill, consistent with the task score, and groups samples by skill', async () => {
    const { page, log, context } = await site.open(
      `#task=instructions&studentWidth=8&studentHeads=1&batchSize=4&evalPrompts=${EVAL_PROMPTS}&evalEvery=5&s1=gkd`,
      {
        width: 1366,
        height: 900,
      },
    );
    await whenReady(page, { timeout: 240_000 });
    const chart = page.getByTestId('chart-skills');
    expect(await chart.getAttribute('data-skills')).toBe(SKILLS.join(','));
    await page.getByTestId('play').click();
    // Two evaluations after step 0 in every skill's chart.
    const points = () => page.getByTestId('chart-score').getAttribute('data-points').then(Number);
    await expect.poll(points, { timeout: 120_000 }).toBeGreaterThanOrEqual(6);
    await page.getByTestId('pause').click();

    const prompts = TASKS.instructions.heldOut.slice(0, EVAL_PROMPTS);
    const score = (await latest(page, 'chart-score')).s0_score;
    let weighted = 0;
    for (const skill of SKILLS) {
      const ends = await page.getByTestId(`skill-${skill}`).getAttribute('data-ends');
      const [[id, , value]] = JSON.parse(ends!) as Array<[string, number, number]>;
      expect(id).toBe(`s0_${skill}`);
      // Each skill's line carries its sampling band (one student: one band).
      expect(await page.getByTestId(`skill-${skill}`).getAttribute('data-sampling-bands')).toBe('1');
      weighted += value * prompts.filter((e) => e.prompt.startsWith(skill + ' ')).length;
    }
    expect(weighted / EVAL_PROMPTS).toBeCloseTo(score, 9);
    // Bars (Recharts) of the latest scores: one per skill for the teacher and one for the student.
    await expect.poll(() => page.getByTestId('skill-bars').locator('.recharts-bar-rectangle').count(), { timeout: 10_000 }).toBe(SKILLS.length * 2);

    const headings = page.getByTestId('skill-row');
    await expect.poll(() => headings.count(), { timeout: 60_000 }).toBe(SKILLS.length);
    expect(await headings.allTextContents()).toEqual([...SKILLS]);
    await closeClean({ context, page, log });
  }, 600_000);
});
