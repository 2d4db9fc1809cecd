// The backend policy: 'auto' passes over a software WebGPU adapter (it runs on the CPU, slower
// than wasm), naming it; asking for WebGPU by name uses it anyway. A stub navigator.gpu stands
// in for the browser's; the cpu backend (set by test/setup.ts) is the one that actually starts.
import { afterEach, describe, expect, test, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { backendOrder, chooseBackend } from '../src/engine/backend';

function stubAdapter(adapter: object | null) {
  vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => adapter } });
}

afterEach(async () => {
  vi.unstubAllGlobals();
  await tf.setBackend('cpu');
});

describe('backend choice', () => {
  test('auto tries a real GPU first, then wasm, webgl, cpu; a named backend goes first', () => {
    expect(backendOrder('auto')).toEqual({ order: ['webgpu', 'wasm', 'webgl', 'cpu'], options: { skipSoftwareWebGpu: true, skipSoftwareWebGl: true } });
    expect(backendOrder('webgpu')).toEqual({ order: ['webgpu', 'wasm', 'webgl', 'cpu'], options: { skipSoftwareWebGpu: false, skipSoftwareWebGl: true } });
    expect(backendOrder('webgl').options).toEqual({ skipSoftwareWebGpu: true, skipSoftwareWebGl: false });
    expect(backendOrder('cpu').order).toEqual(['cpu', 'webgpu', 'wasm', 'webgl']);
  });

  test('a software adapter is passed over, and the report names it and says why', async () => {
    stubAdapter({ info: { description: 'SwiftShader Device (Subzero)', isFallbackAdapter: true } });
    const report = await chooseBackend(['webgpu', 'cpu'], { skipSoftwareWebGpu: true });
    expect(report.name).toBe('cpu');
    expect(report.skippedSoftwareAdapter).toBe('SwiftShader Device (Subzero)');
    expect(report.fallbackReason).toMatch(/software one \(SwiftShader Device \(Subzero\)\)/);
    expect(report.attempts.map((a) => a.name)).toEqual(['webgpu']);
  });

  test('without navigator.gpu or without an adapter the reason says which', async () => {
    vi.stubGlobal('navigator', {});
    const none = await chooseBackend(['webgpu', 'cpu'], { skipSoftwareWebGpu: true });
    expect(none.name).toBe('cpu');
    expect(none.skippedSoftwareAdapter).toBeNull();
    expect(none.fallbackReason).toMatch(/navigator\.gpu is missing/);
    stubAdapter(null);
    const noAdapter = await chooseBackend(['webgpu', 'cpu'], { skipSoftwareWebGpu: true });
    expect(noAdapter.fallbackReason).toMatch(/no GPU adapter was found/);
  });

  test('the first choice that starts runs with no fallback reason', async () => {
    const report = await chooseBackend(['cpu', 'webgpu']);
    expect(report).toMatchObject({ name: 'cpu', fallbackReason: null, skippedSoftwareAdapter: null, attempts: [] });
    expect(tf.getBackend()).toBe('cpu');
  });
});
