// Choose the fastest backend that works and say what actually runs and why. The page asks for
// 'auto': WebGPU on a real GPU, else WebAssembly, else WebGL, else plain JavaScript. A software
// WebGPU adapter (SwiftShader: `isFallbackAdapter`) runs on the CPU, where it measured 10–40×
// slower per step than wasm (docs/bench), so 'auto' passes it over; asking for 'webgpu' by
// name uses it anyway. Two WebGPU failure shapes exist: without navigator.gpu the backend
// never registers and setBackend throws; with navigator.gpu but no adapter, setBackend
// resolves false.
import * as tf from '@tensorflow/tfjs';

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
  /** Where the wasm binaries are served (a bundler moves them); file name → URL. */
  wasmPaths?: Record<string, string>;
}

/** The order to try for a preference: the named backend first, then the 'auto' order. */
export function backendOrder(preference: BackendPreference): { order: BackendName[]; options: ChooseOptions } {
  const auto: BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];
  if (preference === 'auto') return { order: auto, options: { skipSoftwareWebGpu: true } };
  return { order: [preference, ...auto.filter((b) => b !== preference)], options: { skipSoftwareWebGpu: preference !== 'webgpu' } };
}

async function tryBackend(
  name: BackendName,
  opts: ChooseOptions,
): Promise<{ ok: true; adapter: AdapterReport | null } | { ok: false; error: string; skipped?: string }> {
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
      if (opts.wasmPaths) wasm.setWasmPaths(opts.wasmPaths);
    }
    const ok = await tf.setBackend(name);
    if (!ok) return { ok: false, error: `The ${name} backend failed to initialise` };
    await tf.ready();
    return { ok: true, adapter };
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
      return { name, adapter: result.adapter, fallbackReason, skippedSoftwareAdapter, attempts };
    }
    if (result.skipped) skippedSoftwareAdapter = result.skipped;
    attempts.push({ name, error: result.error });
  }
  throw new Error(`No TensorFlow.js backend could start: ${attempts.map((a) => a.error).join('; ')}`);
}
