// WebGPU in Node through the `webgpu` package (Dawn) on SwiftShader's Vulkan driver, as measured
// in notes/platform.md: navigator.gpu must exist before the tfjs backend is imported, and must
// be deleted at the end or the process never exits.
import { existsSync, readdirSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** A Vulkan driver manifest where the loader looks by default. */
function hasInstalledVulkanDriver(): boolean {
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  return dirs.some((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json')));
}

export async function setupNodeWebGpu(): Promise<() => void> {
  // SwiftShader only where no Vulkan driver is installed (these machines); a machine with a GPU
  // keeps the loader's own search, which finds its driver.
  if (!process.env.VK_ICD_FILENAMES && !hasInstalledVulkanDriver() && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  (globalThis as { navigator?: unknown }).navigator = { gpu: create([]) };
  return () => {
    delete (globalThis as { navigator?: unknown }).navigator;
  };
}
