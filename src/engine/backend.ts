// Start a backend and say what actually runs and why. `chooseBackend` takes the first of an
// order that starts (a backend asked for by name); `startableBackends` starts every one of an
// order, for 'auto' to measure them against each other (./backendProbe, ./backendChoice).
// A software adapter (SwiftShader: WebGPU's `isFallbackAdapter`, or a WebGL renderer such as
// SwiftShader or llvmpipe) runs on the CPU, where it measured 10–40× slower per step than wasm
// (docs/bench), so 'auto' passes it over; asking for it by name uses it anyway. Two WebGPU
// failure shapes exist: without navigator.gpu the backend never registers and setBackend
// throws; with navigator.gpu but no adapter, setBackend resolves false.
import * as tf from '@tensorflow/tfjs';
import { installWasmBatchMatMul } from './wasm/batchMatMul';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface AdapterReport {
  description: string;
  vendor: string;
  architecture: string;
  isFallbackAdapter: boolean;
}

export interface BackendReport {
  name: BackendName;
  adapter: AdapterReport | null;
  /** Why an earlier choice was not used, or null when the first choice runs. */
  fallbackReason: string | null;
  /** A software WebGPU adapter that was passed over for a faster backend, or null. */
  skippedSoftwareAdapter: string | null;
  attempts: Array<{ name: BackendName; error: string }>;
  /** The wasm backend's thread pool, when wasm runs: threads set, actual, and whether the threaded binary loaded. */
  wasm: WasmReport | null;
}

export interface WasmReport {
  /** The count asked for before the backend started. */
  requested: number;
  /** The count XNNPACK's pool holds (tfjs' getThreadsCount()). */
  threads: number;
  /** True when the threaded SIMD binary loaded (shared memory was available). */
  threadedBinary: boolean;
}

interface GpuLike {
  requestAdapter(opts?: object): Promise<{ info?: Record<string, unknown>; isFallbackAdapter?: boolean } | null>;
}

function gpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}

async function describeAdapter(): Promise<AdapterReport | null> {
  const adapter = await gpu()?.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const info = (adapter.info ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof info[k] === 'string' ? (info[k] as string) : '');
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  return {
    description: str('description') || [str('vendor'), str('architecture'), str('device')].filter(Boolean).join(' ') || 'unknown adapter',
    vendor: str('vendor'),
    architecture: str('architecture'),
    isFallbackAdapter: Boolean(fallback),
  };
}

export type BackendPreference = 'auto' | BackendName;
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'];

export interface ChooseOptions {
  /** Pass over a software WebGPU adapter (the 'auto' policy). */
  skipSoftwareWebGpu?: boolean;
  /** Pass over a software WebGL renderer (the 'auto' policy). */
  skipSoftwareWebGl?: boolean;
  /** Where the wasm binaries are served (a bundler moves them); file name → URL. */
  wasmPaths?: Record<string, string>;
  /** Threads for the wasm backend's pool, set before it starts (see ./wasmThreads). */
  wasmThreads?: number;
}

/** The order to try for a preference: the named backend first, then the 'auto' order. */
export function backendOrder(preference: BackendPreference): { order: BackendName[]; options: ChooseOptions } {
  const auto: BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];
  if (preference === 'auto') return { order: auto, options: { skipSoftwareWebGpu: true, skipSoftwareWebGl: true } };
  return {
    order: [preference, ...auto.filter((b) => b !== preference)],
    options: { skipSoftwareWebGpu: preference !== 'webgpu', skipSoftwareWebGl: preference !== 'webgl' },
  };
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The WebGL backend's renderer (unmasked where the browser allows), as an adapter report. */
function describeWebGl(): AdapterReport | null {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  const vendor = String(gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR) ?? '');
  return { description: renderer || 'unknown renderer', vendor, architecture: '', isFallbackAdapter: SOFTWARE_RENDERER.test(renderer) };
}

async function wasmReport(requested: number): Promise<WasmReport> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const [simd, threads] = await Promise.all([tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  return { requested, threads: wasm.getThreadsCount(), threadedBinary: Boolean(simd && threads) };
}

type Attempt = { ok: true; adapter: AdapterReport | null; wasm: WasmReport | null } | { ok: false; error: string; skipped?: string };

async function tryBackend(name: BackendName, opts: ChooseOptions): Promise<Attempt> {
  let adapter: AdapterReport | null = null;
  try {
    if (name === 'webgpu') {
      if (!gpu()) return { ok: false, error: 'WebGPU is not available in this browser (navigator.gpu is missing)' };
      adapter = await describeAdapter();
      if (!adapter) return { ok: false, error: 'WebGPU is present but no GPU adapter was found' };
      if (adapter.isFallbackAdapter && opts.skipSoftwareWebGpu) {
        return {
          ok: false,
          skipped: adapter.description,
          error: `The only WebGPU adapter is a software one (${adapter.description}) that runs on the CPU, where it is many times slower than WebAssembly; choose WebGPU under Backend to use it anyway`,
        };
      }
      await import('@tensorflow/tfjs-backend-webgpu');
    } else if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Both only count before the backend's first start (later calls change nothing).
      if (!tf.findBackend('wasm')) {
        if (opts.wasmPaths) wasm.setWasmPaths(opts.wasmPaths);
        if (opts.wasmThreads) wasm.setThreadsCount(opts.wasmThreads);
      }
    }
    const ok = await tf.setBackend(name);
    if (!ok) return { ok: false, error: `The ${name} backend failed to initialise` };
    await tf.ready();
    if (name === 'wasm') installWasmBatchMatMul();
    if (name === 'webgl') {
      adapter = describeWebGl();
      if (adapter?.isFallbackAdapter && opts.skipSoftwareWebGl) {
        return {
          ok: false,
          error: `The only WebGL renderer is a software one (${adapter.description}) that runs on the CPU; choose WebGL under Backend to use it anyway`,
        };
      }
    }
    return { ok: true, adapter, wasm: name === 'wasm' ? await wasmReport(opts.wasmThreads ?? 0) : null };
  } catch (e) {
    return { ok: false, error: `The ${name} backend failed: ${(e as Error).message}` };
  }
}

/** Set the first backend of `order` that initialises; throws only if none does. */
export async function chooseBackend(order: BackendName[] = ['webgpu', 'webgl', 'cpu'], opts: ChooseOptions = {}): Promise<BackendReport> {
  const attempts: BackendReport['attempts'] = [];
  let skippedSoftwareAdapter: string | null = null;
  for (const name of order) {
    const result = await tryBackend(name, opts);
    if (result.ok) {
      const fallbackReason = attempts.length ? attempts.map((a) => a.error).join('; ') : null;
      return { name, adapter: result.adapter, fallbackReason, skippedSoftwareAdapter, attempts, wasm: result.wasm };
    }
    if (result.skipped) skippedSoftwareAdapter = result.skipped;
    attempts.push({ name, error: result.error });
  }
  throw new Error(`No TensorFlow.js backend could start: ${attempts.map((a) => a.error).join('; ')}`);
}

export interface StartableBackends {
  /** Every backend of the order that started, in order, with what it runs on. */
  started: Array<{ name: BackendName; adapter: AdapterReport | null; wasm: WasmReport | null }>;
  attempts: BackendReport['attempts'];
  skippedSoftwareAdapter: string | null;
}

/**
 * Start every backend of `order` (the last one started stays set). 'auto' measures these; the
 * order's last entry (cpu) is only a last resort and is started only when nothing before it did.
 */
export async function startableBackends(order: BackendName[], opts: ChooseOptions = {}, lastResort: BackendName | null = 'cpu'): Promise<StartableBackends> {
  const result: StartableBackends = { started: [], attempts: [], skippedSoftwareAdapter: null };
  for (const name of order) {
    if (name === lastResort && result.started.length) continue;
    const r = await tryBackend(name, opts);
    if (r.ok) result.started.push({ name, adapter: r.adapter, wasm: r.wasm });
    else {
      if (r.skipped) result.skippedSoftwareAdapter = r.skipped;
      result.attempts.push({ name, error: r.error });
    }
  }
  if (!result.started.length) throw new Error(`No TensorFlow.js backend could start: ${result.attempts.map((a) => a.error).join('; ')}`);
  return result;
}

/** Make a backend that started earlier (startableBackends) the current one again. */
export async function setStartedBackend(name: BackendName): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`The ${name} backend could not be set again`);
  await tf.ready();
}

/** TensorFlow.js's version, part of what a remembered measurement was made with. */
export const TFJS_VERSION = tf.version_core;
