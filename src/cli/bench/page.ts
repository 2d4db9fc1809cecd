// Section "The page": the production build in headless Chromium (whose WebGPU is SwiftShader), driven
// through its data-testid controls. Load → ready (play enabled), play → first step, long tasks
// (> 50 ms, PerformanceObserver 'longtask') on the main thread and the p95 gap between animation
// frames during a training window, at the default settings and in a four-student race; and the
// initial JavaScript (entry chunk + its static imports) gzipped, with where TensorFlow.js lives.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Browser } from 'playwright-core';
import { DIST, ensureBuilt, launch, newPage, serve } from '../headless';
import { gaps, gzipSize, percentile, staticImports } from './stats';
import { load } from './env';
import { mainThreadTasks } from './mainThread';

export interface PageRun {
  name: string;
  /** A run the targets are about (default settings, the race); others are for information. */
  target: boolean;
  hash: string;
  backend: string | null;
  loadToReadyMs: number | null;
  playToFirstStepMs: number | null;
  windowMs: number;
  stepsInWindow: number;
  longTasks: number;
  longTaskTotalMs: number;
  longestTaskMs: number;
  longTasksDuringLoad: number;
  /** Main-thread tasks over 50 ms of the thread's own CPU time in the window (trace), and the largest. */
  longTasksCpu: number | null;
  longestTaskCpuMs: number | null;
  frameGapP95Ms: number | null;
  frames: number;
  errors: string[];
  load: number;
  problem?: string;
}

export interface BundleReport {
  initialFiles: Array<{ file: string; bytes: number; gzip: number }>;
  initialGzip: number;
  tfjsChunks: string[];
  tfjsInInitial: boolean;
  workerFiles: Array<{ file: string; gzip: number }>;
}

export interface PageSection {
  ok: boolean;
  problem?: string;
  bundle: BundleReport | null;
  runs: PageRun[];
}

/** Marks of TensorFlow.js in a chunk: its kernel registry error and the tfjs-core version banner. */
const TFJS_MARKS = ["Kernel '", 'tfjs-core', 'ENGINE'];

function isTfjs(code: string): boolean {
  return code.includes('Backend name') && TFJS_MARKS.some((m) => code.includes(m));
}

export function bundleReport(dist = DIST): BundleReport {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g), ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map(
    (m) => m[1].replace(/^\//, ''),
  );
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    for (const spec of staticImports(code)) queue.push(posix.normalize(spec.startsWith('/') ? spec.slice(1) : posix.join(posix.dirname(file), spec)));
  }
  const initialFiles = [...seen].map((file) => {
    const data = readFileSync(join(dist, file));
    return { file, bytes: data.length, gzip: gzipSize(data) };
  });
  const assets = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  const tfjsChunks = assets.filter((f) => isTfjs(readFileSync(join(dist, 'assets', f), 'utf8'))).map((f) => `assets/${f}`);
  const workerFiles = assets.filter((f) => /worker/i.test(f)).map((f) => ({ file: `assets/${f}`, gzip: gzipSize(readFileSync(join(dist, 'assets', f))) }));
  return {
    initialFiles,
    initialGzip: initialFiles.reduce((a, f) => a + f.gzip, 0),
    tfjsChunks,
    tfjsInInitial: tfjsChunks.some((c) => seen.has(c)),
    workerFiles,
  };
}

const OBSERVE = `
  window.__bench = { longtasks: [], frames: [] };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { window.__bench.noLongtask = String(e); }
  const loop = (t) => { window.__bench.frames.push(t); requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
`;

const READY_TIMEOUT = 240_000;

async function measureRun(browser: Browser, url: string, name: string, hash: string, windowMs: number, target: boolean): Promise<PageRun> {
  const { page, log, context } = await newPage(browser);
  const run: PageRun = {
    name,
    target,
    hash,
    backend: null,
    loadToReadyMs: null,
    playToFirstStepMs: null,
    windowMs,
    stepsInWindow: 0,
    longTasks: 0,
    longTaskTotalMs: 0,
    longestTaskMs: 0,
    longTasksDuringLoad: 0,
    longTasksCpu: null,
    longestTaskCpuMs: null,
    frameGapP95Ms: null,
    frames: 0,
    errors: log.errors,
    load: 0,
  };
  try {
    await page.addInitScript(OBSERVE);
    await page.goto(`${url}${hash}`);
    await page.getByTestId('play').and(page.locator(':not([disabled])')).waitFor({ timeout: READY_TIMEOUT });
    run.loadToReadyMs = (await page.evaluate('performance.now()')) as number; // from navigation start
    run.backend = await page.getByTestId('backend').textContent();
    const trace = join(tmpdir(), `alembic-page-trace-${process.pid}.json`);
    await browser.startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    // Click play and wait for the first step inside the page, so the delay has frame precision.
    // (The page-side code is a string: tsx would wrap a function with helpers the page lacks.)
    const played = (await page.evaluate(`(async () => {
      const count = () => Number(document.querySelector('[data-testid="step-count"]')?.textContent ?? '0');
      const start = count();
      const t0 = performance.now();
      document.querySelector('[data-testid="play"]').click();
      for (;;) {
        await new Promise((r) => setTimeout(r, 10));
        if (count() > start) return { t0, firstStep: performance.now() - t0, start };
        if (performance.now() - t0 > ${READY_TIMEOUT}) return { t0, firstStep: null, start };
      }
    })()`)) as { t0: number; firstStep: number | null; start: number };
    run.playToFirstStepMs = played.firstStep;
    const t0 = played.t0;
    await page.waitForTimeout(Math.max(0, windowMs - (played.firstStep ?? 0)));
    const result = (await page.evaluate(`(() => {
      const b = window.__bench;
      const count = Number(document.querySelector('[data-testid="step-count"]')?.textContent ?? '0');
      return { longtasks: b.longtasks, frames: b.frames.filter((t) => t >= ${t0} && t <= ${t0 + windowMs}), count };
    })()`)) as { longtasks: [number, number][]; frames: number[]; count: number };
    await browser.stopTracing();
    const tasks = mainThreadTasks(trace).filter((t) => t.cpuMs > 50);
    run.longTasksCpu = tasks.length;
    run.longestTaskCpuMs = mainThreadTasks(trace).reduce((a, t) => Math.max(a, t.cpuMs), 0);
    rmSync(trace, { force: true });
    await page
      .getByTestId('pause')
      .click()
      .catch(() => {});
    const during = result.longtasks.filter(([s]) => s >= t0 && s <= t0 + windowMs);
    run.longTasks = during.length;
    run.longTaskTotalMs = during.reduce((a, [, d]) => a + d, 0);
    run.longestTaskMs = during.reduce((a, [, d]) => Math.max(a, d), 0);
    run.longTasksDuringLoad = result.longtasks.filter(([s]) => s < t0).length;
    run.stepsInWindow = result.count - played.start;
    run.frames = result.frames.length;
    run.frameGapP95Ms = result.frames.length > 1 ? percentile(gaps(result.frames), 95) : null;
  } catch (e) {
    run.problem = (e as Error).message.split('\n')[0];
  } finally {
    run.load = load();
    await context.close();
  }
  return run;
}

export const RACE_HASH = '#s1=sft&s2=kd&s3=gkd&s4=ammd';
export const WEBGPU_HASH = '#backend=webgpu&s1=sft';

export async function benchPage(windowMs: number, log: (s: string) => void = () => {}): Promise<PageSection> {
  const section: PageSection = { ok: false, bundle: null, runs: [] };
  // BENCH_PAGE_DIST measures another build (e.g. an older commit's, for a before/after).
  const dist = process.env.BENCH_PAGE_DIST;
  try {
    if (!dist) await ensureBuilt();
  } catch (e) {
    section.problem = `the production build failed: ${(e as Error).message.split('\n')[0]}`;
    return section;
  }
  section.bundle = bundleReport(dist);
  log(`page bundle: initial ${(section.bundle.initialGzip / 1024).toFixed(1)} kB gzip, tfjs in initial: ${section.bundle.tfjsInInitial}`);
  const server = await serve(dist);
  const browser = await launch({ webgpu: true });
  try {
    // 'auto' runs wasm here (the adapter is SwiftShader). The third run forces WebGPU to show
    // that its shaders are compiled before play, with the cheapest method: one AMMD step on
    // SwiftShader takes minutes (see the per-method table), compiled or not.
    for (const [name, hash, target, window] of [
      ['default settings', '', true, windowMs],
      ['four-student race (sft, kd, gkd, ammd)', RACE_HASH, true, windowMs],
      ['WebGPU forced (SwiftShader), SFT', WEBGPU_HASH, false, Math.min(windowMs, 10_000)],
    ] as const) {
      const run = await measureRun(browser, server.url, name, hash, window, target);
      section.runs.push(run);
      log(`page ${name}: ${JSON.stringify({ ...run, errors: run.errors.length })}`);
    }
    section.ok = section.runs.some((r) => !r.problem);
  } finally {
    await browser.close();
    await server.close();
  }
  return section;
}
