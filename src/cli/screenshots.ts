// npm run screenshots [-- --out docs/screenshots] [-- --only default,race] [-- --seconds 40]
// Screenshots of the page for the README: the default page, a three-student race, presenter
// mode and the step explainer, each at 1024×768 (a projector) and 1366×768 (a laptop). Each
// scene trains for a while in headless Chromium (the production build, wasm here), then is
// captured at both sizes. Evaluation every 5 steps so the curves have points within a minute.
import { join } from 'node:path';
import { commandLine, type Fail } from './args';
import { prepareOutputFolder, writingOutput } from './outputFiles';
import type { Page } from 'playwright-core';
import { ensureBuilt, launch, newPage, serve } from './headless';
import { REPO_ROOT } from './nodeModel';

interface Scene {
  name: string;
  hash: string;
  /** After training: what to do before the capture (open a panel…). */
  before?: (page: Page) => Promise<void>;
}

const SCENES: Scene[] = [
  { name: 'default', hash: '#evalEvery=5' },
  { name: 'race', hash: '#evalEvery=5&s1=kd&s2=gkd&s3=ammd' },
  { name: 'presenter', hash: '#evalEvery=5&s1=gkd&s2=ammd&present=1' },
  {
    name: 'explainer',
    hash: '#evalEvery=5&s1=gkd',
    before: async (page) => {
      const open = page.getByTestId('explain-open');
      if (await open.count()) await open.click();
      const explainer = page.locator('[data-testid="explainer"][data-ready="1"]');
      await explainer.waitFor({ timeout: 120_000 });
      await explainer.scrollIntoViewIfNeeded();
      // The last stage: the student's distribution before and after the step.
      await explainer.locator('.xp-diagram li').nth(5).locator('button').click();
      await page.waitForTimeout(1500);
    },
  },
];
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
];

const USAGE = 'usage: npm run screenshots [-- --out DIR] [--only default,race,presenter,explainer] [--seconds N]';
const cli = commandLine(USAGE, {
  options: {
    out: { type: 'string', default: join(REPO_ROOT, 'docs', 'screenshots') },
    only: { type: 'string', default: SCENES.map((s) => s.name).join(',') },
    seconds: { type: 'string', default: '40' },
  },
});

const values = cli.values;
const fail: Fail = cli.fail;
const seconds = cli.number('seconds', values.seconds, { min: 0 });
const only = values.only!.split(',');
for (const name of only) if (!SCENES.some((s) => s.name === name)) fail(`Unknown scene '${name}'. Scenes: ${SCENES.map((s) => s.name).join(', ')}`);

async function main() {
  await prepareOutputFolder(values.out!);
  await ensureBuilt();
  const server = await serve();
  const browser = await launch({ webgpu: true });
  try {
    for (const scene of SCENES.filter((s) => only.includes(s.name))) {
      const { page, context, log } = await newPage(browser, SIZES[1]);
      await page.goto(`${server.url}${scene.hash}`);
      await page.locator('[data-testid="play"]:not([disabled])').waitFor({ timeout: 300_000 });
      await page.getByTestId('play').click();
      await page.waitForTimeout(seconds * 1000);
      await page.getByTestId('pause').click();
      await page.locator('[data-testid="play"]:not([disabled])').waitFor({ timeout: 300_000 });
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.evaluate(() => window.scrollTo(0, 0));
        if (scene.before) await scene.before(page);
        else await page.waitForTimeout(500);
        const file = join(values.out!, `${scene.name}-${size.width}x${size.height}.png`);
        await writingOutput(file, () => page.screenshot({ path: file }));
        console.log(`wrote ${file}`);
      }
      if (log.errors.length) console.error(`${scene.name}: page errors: ${log.errors.join(' | ')}`);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
