// `--backend auto` on the command line, as on the page: start every backend Node has (WebGPU
// through Dawn when a real GPU adapter is there, wasm; cpu only when neither starts), time a few
// steps of this run on each where more than one started, and keep the fastest. Nothing is
// remembered between runs: each command measures (about 3 s) and says what it found on stderr.
import { backendOrder, setStartedBackend, startableBackends, type BackendReport } from '../engine/backend';
import { pickFastest } from '../engine/backendChoice';
import { measureBackends, runStepProbe } from '../engine/backendProbe';
import type { ModelConfig } from '../engine/model/config';
import type { RunConfig } from '../engine/runConfig';

export interface AutoBackend {
  report: BackendReport;
  /** One line for stderr: the figures and the choice, or why only one backend could run. */
  summary: string;
  /** Release Dawn's navigator.gpu (the process would not exit otherwise). */
  cleanup: () => void;
}

export async function autoBackend(configs: readonly RunConfig[], teacher: ModelConfig): Promise<AutoBackend> {
  let cleanup = () => {};
  try {
    cleanup = await (await import('./nodeWebGpu')).setupNodeWebGpu();
  } catch {
    /* no Dawn here (no Vulkan loader): WebGPU will say it is missing */
  }
  const { order, options } = backendOrder('auto');
  // Node has no WebGL.
  const found = await startableBackends(
    order.filter((b) => b !== 'webgl'),
    options,
  );
  const passedOver = found.attempts.map((a) => `${a.name}: ${a.error}`);
  let chosen = found.started[0];
  let summary: string;
  if (found.started.length > 1) {
    const results = await measureBackends(
      found.started.map((s) => s.name),
      () => runStepProbe(configs, teacher, 8),
    );
    const choice = pickFastest(results);
    chosen = found.started.find((s) => s.name === choice.chosen)!;
    summary = `backend auto: ${choice.summary}${choice.failures.length ? ` (failed: ${choice.failures.map((f) => `${f.name}: ${f.error}`).join('; ')})` : ''}`;
  } else {
    summary = `backend auto: ${chosen.name}, the only backend that started here${passedOver.length ? ` (${passedOver.join('; ')})` : ''}`;
  }
  await setStartedBackend(chosen.name);
  if (chosen.name !== 'webgpu') {
    cleanup();
    cleanup = () => {};
  }
  return {
    report: {
      name: chosen.name,
      adapter: chosen.adapter,
      fallbackReason: passedOver.length ? passedOver.join('; ') : null,
      skippedSoftwareAdapter: found.skippedSoftwareAdapter,
      attempts: found.attempts,
      wasm: chosen.wasm,
    },
    summary,
    cleanup,
  };
}
