// WebGPU in a Vitest file: Dawn (the `webgpu` package) over SwiftShader's Vulkan driver, as in
// webgpu-parity.test.ts. Vitest runs each file in its own process, so the cpu-backed files never
// see navigator.gpu. Without an adapter the tests that need it FAIL: they never skip.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { create, globals } from 'webgpu';
import { chooseBackend } from '../../src/engine/backend';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Switch tfjs to webgpu (Dawn + SwiftShader); throws with the reason when it cannot. */
export async function startWebGpu(): Promise<void> {
  if (!existsSync(SWIFTSHADER_ICD)) {
    throw new Error(`WebGPU tests need SwiftShader's Vulkan driver at ${SWIFTSHADER_ICD}: apt-get install chromium libvulkan1 (or run .ci/run)`);
  }
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
  try {
    await chooseBackend(['webgpu']);
  } catch (e) {
    throw new Error(`No WebGPU adapter in Node (Dawn + SwiftShader; is libvulkan1 installed?): ${(e as Error).message}`);
  }
  if (tf.getBackend() !== 'webgpu') throw new Error(`Expected the webgpu backend, got ${tf.getBackend()}`);
}

/** Back to cpu and let the process exit (dawn.node keeps it alive while navigator.gpu is reachable). */
export async function stopWebGpu(): Promise<void> {
  await tf.setBackend('cpu');
  if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  delete (globalThis as { navigator?: unknown }).navigator;
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return Number.isNaN(worst) ? Infinity : worst;
};
