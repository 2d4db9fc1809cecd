// The page in headless Chromium, for the browser tests and the bench: build the app once (vite build into .vite/e2e-dist, shared by every
// browser test file through a lock and a source stamp), serve it from a tiny static server on
// a free localhost port, and drive Debian's Chromium through playwright-core. Never downloads
// a browser.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SITE_HEADERS } from '../../vite.config';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const DIST = join(ROOT, '.vite', 'e2e-dist');
const STAMP = join(DIST, '.source-stamp');
const LOCK = join(ROOT, '.vite', 'e2e-build.lock');

export const CHROMIUM = '/usr/bin/chromium';
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', ...BASE_ARGS];

/** Newest modification time of everything the build reads. */
function sourceStamp(): string {
  let newest = 0;
  let count = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
    else {
      newest = Math.max(newest, s.mtimeMs);
      count++;
    }
  };
  for (const p of ['src', 'public', 'index.html', 'vite.config.ts', 'package.json']) walk(join(ROOT, p));
  return `${newest}:${count}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Build into DIST unless it is up to date; concurrent test files wait for one builder. */
export async function ensureBuilt(): Promise<void> {
  mkdirSync(join(ROOT, '.vite'), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(LOCK); // atomic: whoever creates it builds
      break;
    } catch {
      // A lock older than five minutes belongs to a crashed run.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
      if (Date.now() > deadline) throw new Error('Timed out waiting for another test file to build the app');
      await sleep(500);
    }
  }
  try {
    const stamp = sourceStamp();
    if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp) return;
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
    writeFileSync(STAMP, stamp);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/**
 * Serve DIST on 127.0.0.1 at a free port. Unknown paths are 404 (no SPA fallback). With the
 * site's headers (CSP and cross-origin isolation, as `vite preview` sends them) unless
 * `headers: false`: a static host that sends none, where the page's service worker adds them.
 */
export async function serve(dir = DIST, opts: { headers?: boolean } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const site = opts.headers === false ? {} : SITE_HEADERS;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { ...site, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function launch(opts: { webgpu?: boolean; extraArgs?: string[] } = {}): Promise<Browser> {
  const args = [...(opts.webgpu === false ? BASE_ARGS : WEBGPU_ARGS), ...(opts.extraArgs ?? [])];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** Console errors and uncaught page errors, collected for the "no errors" assertions. */
export interface ErrorLog {
  errors: string[];
}

export function watchErrors(page: Page): ErrorLog {
  const log: ErrorLog = { errors: [] };
  page.on('pageerror', (e) => log.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') log.errors.push(`console.error: ${m.text()}`);
  });
  page.on('worker', (w) =>
    w.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') log.errors.push(`worker console.error: ${m.text()}`);
    }),
  );
  return log;
}

/**
 * Records, for failure messages, what passes between the page and its engine worker: every
 * command sent and every event received except the frequent ones (status, records, alive). It
 * wraps the page's Worker constructor from outside, so the product carries no test hook. A
 * string, not a function: tsx would wrap a function with helpers the page lacks.
 */
const RECORD_ENGINE_TRAFFIC = `(() => {
  const events = [];
  window.__alembicEvents = events;
  const now = () => Math.round(performance.now());
  events.push([now(), 'page-start']);
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      this.addEventListener('message', (ev) => {
        const e = ev.data;
        if (!e || typeof e.type !== 'string' || ['status', 'records', 'alive'].includes(e.type)) return;
        events.push([now(), e.type, typeof e.status === 'string' ? e.status : '']);
      });
    }
    postMessage(...args) {
      const cmd = args[0];
      if (cmd && typeof cmd.type === 'string' && cmd.type !== 'inspect') events.push([now(), '→ ' + cmd.type + (cmd.restore ? ' (saved run)' : '')]);
      return super.postMessage(...args);
    }
  };
})();`;

export async function newPage(browser: Browser, viewport = { width: 1440, height: 1000 }): Promise<{ context: BrowserContext; page: Page; log: ErrorLog }> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(RECORD_ENGINE_TRAFFIC);
  const page = await context.newPage();
  return { context, page, log: watchErrors(page) };
}

/** What the page has been told so far, for a failure message. */
export async function eventTrail(page: Page): Promise<string> {
  const events = await page.evaluate(() => (window as unknown as { __alembicEvents?: unknown[] }).__alembicEvents ?? []).catch(() => []);
  return JSON.stringify(events.slice(-30));
}
