// WebGPU in Node through the `webgpu` package (Dawn) on SwiftShader's Vulkan driver, as measured
// in notes/platform.md: navigator.gpu must exist before the tfjs backend is imported, and must
// be deleted at the end or the process never exits.
export async function setupNodeWebGpu(): Promise<() => void> {
  process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  (globalThis as { navigator?: unknown }).navigator = { gpu: create([]) };
  return () => {
    delete (globalThis as { navigator?: unknown }).navigator;
  };
}
