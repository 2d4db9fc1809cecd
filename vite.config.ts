import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// How the site is served: its Content-Security-Policy and the cross-origin isolation that
// threaded wasm needs. Vite's dev server and preview send these headers, and so does the
// browser tests' static server (src/cli/headless.ts); a host that can set headers should too.
/**
 * The built site's Content-Security-Policy: scripts, workers, styles and data from this origin
 * only; WebAssembly compilation for the wasm backend; inline style attributes for KaTeX's
 * formulas; data: images and fonts (the favicon, KaTeX's fonts); blob: images for downloads.
 * The threaded wasm backend starts its thread pool from blob: URLs (Emscripten's pthread
 * worker and the backend's own script, built in memory), so workers and worker scripts may
 * come from blob: too, nothing else. No eval, no plugins, no framing of forms. Dev mode runs
 * without it (Vite injects inline scripts there).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/**
 * Cross-origin isolation: without it the browser gives no SharedArrayBuffer and the wasm
 * backend silently loads its single-threaded binary. Every resource is same-origin, so
 * `require-corp` blocks nothing of ours.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The headers the site should be served with (vite preview sends them; so should any host that can). */
export const SITE_HEADERS = { ...ISOLATION_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY };

/** The page's script that installs the header-adding service worker on hosts without headers (vite.config.ts). */
export const ISOLATION_SERVICE_WORKER = 'coi-serviceworker.js';

/**
 * Static hosts that cannot send headers (GitHub Pages, a folder on a plain web server): the
 * `coi-serviceworker` package's script, loaded first by the page, installs a service worker
 * that adds the isolation headers to every response of this origin and reloads once. Where the
 * headers are already there (dev, preview, a configured host) it sees `crossOriginIsolated`
 * and does nothing. It is copied from node_modules (pinned) to the site's root, because a
 * service worker only controls pages at or below its own path.
 */
const serviceWorkerSource = () => readFileSync(createRequire(import.meta.url).resolve('coi-serviceworker/coi-serviceworker.min.js'), 'utf8');

function isolationServiceWorker(): Plugin {
  let base = '/';
  return {
    name: 'alembic-isolation-service-worker',
    configResolved: (config) => {
      base = config.base;
    },
    configureServer: (server) => {
      server.middlewares.use(`${base}${ISOLATION_SERVICE_WORKER}`, (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.end(serviceWorkerSource());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: ISOLATION_SERVICE_WORKER, source: serviceWorkerSource() });
    },
    // A classic script, first in <head>: it must run before the app and register itself by its own URL.
    transformIndexHtml: () => [{ tag: 'script', attrs: { src: `${base}${ISOLATION_SERVICE_WORKER}` }, injectTo: 'head-prepend' }],
  };
}

function contentSecurityPolicy(): Plugin {
  return {
    name: 'alembic-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), isolationServiceWorker(), contentSecurityPolicy()],
  worker: {
    format: 'es',
    // The threaded wasm backend hands its thread pool the source text of one function
    // (Emscripten's module factory, via toString()), which reads the factory's enclosing
    // `_scriptDir` only behind a `typeof` guard. The minifier's compress step proves the name
    // declared and drops the guard, so in the pool's workers, where it is not declared, every
    // thread dies with "ReferenceError: e is not defined". Mangling alone keeps the guard.
    rolldownOptions: { output: { minify: { compress: false, mangle: true } } },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: SITE_HEADERS },
});
