// What every browser test file needs: the built page served, a browser, a page opened at a link
// and waited on, and reads of the page's state (step counter, the run saved in IndexedDB). The
// building, serving and launching live in src/cli/headless.ts (the bench drives the page too).
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureBuilt, eventTrail, launch, newPage, serve, type ErrorLog } from '../../src/cli/headless';

export * from '../../src/cli/headless';

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  log: ErrorLog;
}

/**
 * The built page served, and one browser (unless `browser` is false: a file that launches its
 * own), set up before the file's tests and closed after them.
 */
export function useServedPage(options: { browser?: false; webgpu?: boolean } = {}) {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    await ensureBuilt();
    server = await serve();
    if (options.browser !== false) browser = await launch({ webgpu: options.webgpu });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get url(): string {
      return server!.url;
    },
    get browser(): Browser {
      return browser!;
    },
    /** A new context and page at `hash` (in `other`, if given, instead of the file's browser). */
    open: (hash = '', viewport?: { width: number; height: number }, other?: Browser) => openPage(other ?? browser!, server!.url + hash, viewport),
  };
}

/** A new context and page at `url`, not waiting for the run. */
export async function openPage(browser: Browser, url: string, viewport?: { width: number; height: number }): Promise<OpenedPage> {
  const opened = await newPage(browser, viewport);
  await opened.page.goto(url);
  return opened;
}

/**
 * Wait until the run is built and `control` ('play', 'step') can be pressed. On a timeout, say
 * what the page showed instead: notices and banners explain most stalls.
 */
export async function whenReady(page: Page, { control = 'play', timeout = 300_000 }: { control?: string; timeout?: number } = {}): Promise<void> {
  try {
    await page.locator(`[data-testid="${control}"]:not([disabled])`).waitFor({ timeout });
  } catch (e) {
    await page.screenshot({ path: '/tmp/alembic-not-ready.png', fullPage: true }).catch(() => {});
    const shown = await page
      .locator('.notices, .banner, .status')
      .allTextContents()
      .catch(() => []);
    throw new Error(
      `The run never became ready: ${shown.join(' | ')}; events ${await eventTrail(page)} (screenshot /tmp/alembic-not-ready.png)\n${(e as Error).message}`,
    );
  }
}

/** The page's engine worker (the newest, after a restart); not the threads the wasm backend starts. */
export function engineWorker(page: Page) {
  const engines = page.workers().filter((w) => /engine\.worker/.test(w.url()));
  if (!engines.length)
    throw new Error(
      `No engine worker among ${page
        .workers()
        .map((w) => w.url())
        .join(', ')}`,
    );
  return engines[engines.length - 1];
}

/** The step the page's counter shows. */
export const stepCount = (page: Page): Promise<number> => page.getByTestId('step-count').textContent().then(Number);

/**
 * This tab's entry in one of the page's IndexedDB stores ('runs': the whole run, 'summaries':
 * its step and time), read straight from the database, or null. Binary weights come back as
 * their byte length.
 */
export function savedEntry<T>(page: Page, store: 'runs' | 'summaries'): Promise<T | null> {
  return page.evaluate(
    (store) =>
      new Promise<T | null>((resolve) => {
        const open = indexedDB.open('alembic');
        open.onerror = () => resolve(null);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains(store)) {
            db.close();
            return resolve(null);
          }
          const get = db
            .transaction(store)
            .objectStore(store)
            .get(sessionStorage.getItem('alembic-tab') ?? '');
          get.onsuccess = () => {
            db.close();
            const entry = get.result;
            resolve(entry === undefined ? null : JSON.parse(JSON.stringify(entry, (_k, v) => (v instanceof ArrayBuffer ? v.byteLength : v))));
          };
          get.onerror = () => {
            db.close();
            resolve(null);
          };
        };
      }),
    store,
  );
}

/** The page logged no error (but those matching `expected`), said with its engine traffic; then it closes. */
export async function closeClean({ context, page, log }: OpenedPage, expected?: RegExp): Promise<void> {
  expect(
    log.errors.filter((e) => !expected?.test(e)),
    await eventTrail(page),
  ).toEqual([]);
  await context.close();
}
