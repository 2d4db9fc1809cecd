// Choose the fastest backend that works: webgpu → webgl → cpu (wasm on request), and say
// what actually runs and why. Two WebGPU failure shapes exist: without navigator.gpu the
// backend never registers and setBackend throws; with navigator.gpu but no adapter,
// setBackend resolves false.
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

async function tryBackend(name: BackendName): Promise<{ ok: true; adapter: AdapterReport | null } | { ok: false; error: string }> {
  let adapter: AdapterReport | null = null;
  try {
    if (name === 'webgpu') {
      if (!gpu()) return { ok: false, error: 'WebGPU is not available in this browser (navigator.gpu is missing)' };
      adapter = await describeAdapter();
      if (!adapter) return { ok: false, error: 'WebGPU is present but no GPU adapter was found' };
      await import('@tensorflow/tfjs-backend-webgpu');
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
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
export async function chooseBackend(order: BackendName[] = ['webgpu', 'webgl', 'cpu']): Promise<BackendReport> {
  const attempts: BackendReport['attempts'] = [];
  for (const name of order) {
    const result = await tryBackend(name);
    if (result.ok) {
      const fallbackReason = attempts.length ? attempts.map((a) => a.error).join('; ') : null;
      return { name, adapter: result.adapter, fallbackReason, attempts };
    }
    attempts.push({ name, error: result.error });
  }
  throw new Error(`No TensorFlow.js backend could start: ${attempts.map((a) => a.error).join('; ')}`);
}
