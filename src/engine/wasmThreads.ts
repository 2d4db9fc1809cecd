// How many threads the wasm backend's pool gets, and why it is one when it is. Threads need
// shared memory, which a browser grants only to a cross-origin isolated page; Node's build of
// tfjs-backend-wasm never loads its threaded binary. Pure: the caller reads the environment.

/**
 * The threaded binary starts 8 pthread workers up front, and XNNPACK's pool waits for its
 * threads to start: asking for more than were started would wait on workers that a busy
 * thread cannot create, so 8 is the ceiling.
 */
export const MAX_WASM_THREADS = 8;

export interface WasmThreadPlan {
  threads: number;
  /** Why the pool holds one thread (or fewer than the cores), or null. */
  why: string | null;
}

export interface ThreadEnvironment {
  runtime: 'browser' | 'node';
  /** `crossOriginIsolated` of the worker (browser only). */
  isolated: boolean;
  /** Logical cores (`navigator.hardwareConcurrency`), or null when unknown. */
  cores: number | null;
}

/** One core is left for the page (its charts and the browser's own work); the rest train. */
export function wasmThreadPlan(env: ThreadEnvironment): WasmThreadPlan {
  if (env.runtime === 'node') return { threads: 1, why: 'in Node, TensorFlow.js loads only the single-threaded wasm binary' };
  if (!env.isolated) {
    return {
      threads: 1,
      why: 'the page is not cross-origin isolated, so the browser allows no shared memory and the single-threaded binary runs',
    };
  }
  if (env.cores === null || !Number.isFinite(env.cores) || env.cores < 1) return { threads: 1, why: 'the browser does not say how many cores it has' };
  const cores = Math.floor(env.cores);
  if (cores <= 2) return { threads: 1, why: `this machine has ${cores === 1 ? 'one core' : 'two cores'}, and one is left for the page` };
  if (cores - 1 > MAX_WASM_THREADS) return { threads: MAX_WASM_THREADS, why: `the wasm thread pool holds at most ${MAX_WASM_THREADS}` };
  return { threads: cores - 1, why: null };
}
