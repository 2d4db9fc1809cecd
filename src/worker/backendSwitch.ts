// Choosing the worker's TensorFlow.js backend for a run's Backend setting, and telling the page
// which one runs and why. A backend named by the learner is taken if it starts. 'auto' starts
// every candidate (a real WebGPU adapter, wasm, a real WebGL renderer), and where more than one
// starts it times a few steps of this experiment on each (../engine/backendProbe), takes the
// fastest (../engine/backendChoice) and remembers it per device and model size (./backendMemory).
import {
  BACKEND_PREFERENCES,
  TFJS_VERSION,
  backendOrder,
  chooseBackend,
  setStartedBackend,
  startableBackends,
  type BackendName,
  type BackendPreference,
  type WasmReport,
} from '../engine/backend';
import { measurementKey, pickFastest, type MeasuredChoice, type ProbeSizes } from '../engine/backendChoice';
import { measureBackends, runStepProbe } from '../engine/backendProbe';
import type { ModelConfig } from '../engine/model/config';
import type { RunConfig } from '../engine/runConfig';
import { studentConfig } from '../engine/runSetup';
import type { WasmThreadPlan } from '../engine/wasmThreads';
import type { BackendMemory } from './backendMemory';
import type { BackendInfo, Event } from './protocol';

/** Bump when a change to the engine makes remembered timings stale. */
export const MEASUREMENT_VERSION = `tfjs ${TFJS_VERSION} · probe 1`;

export interface BackendInUse {
  preference: BackendPreference;
  name: BackendName;
  /** For 'auto': what the choice was made for (device and sizes); a run with another key chooses again. */
  key: string | null;
}

/** The preference a run's Backend setting asks for ('auto' for anything unknown). */
export function backendPreference(raw: unknown): BackendPreference {
  return BACKEND_PREFERENCES.includes(raw as BackendPreference) ? (raw as BackendPreference) : 'auto';
}

/** What 'auto' measures with: the run's students, the teacher's size and where to remember. */
export interface MeasureContext {
  configs: readonly RunConfig[];
  /** The teacher's configuration (read from its model.json), or null when it cannot be read. */
  teacherConfig: () => Promise<ModelConfig | null>;
  evalPrompts: number;
  memory: BackendMemory;
}

export interface BackendSetup {
  wasmPaths?: Record<string, string>;
  threads: WasmThreadPlan;
}

function threadsInfo(wasm: WasmReport | null, plan: WasmThreadPlan): BackendInfo['threads'] {
  if (!wasm) return null;
  const why = !wasm.threadedBinary
    ? (plan.why ?? 'the browser gives this page no shared memory, so the single-threaded binary runs')
    : wasm.threads === 1
      ? plan.why
      : wasm.threads < plan.threads
        ? `the pool started ${wasm.threads} of the ${plan.threads} asked for`
        : plan.why;
  return { count: wasm.threads, requested: wasm.requested, threadedBinary: wasm.threadedBinary, why };
}

function sizesOf(configs: readonly RunConfig[], teacher: ModelConfig): ProbeSizes {
  return {
    teacher: { dModel: teacher.dModel, nLayers: teacher.nLayers, nHeads: teacher.nHeads, seqLen: teacher.seqLen },
    students: configs.map((c) => {
      const s = studentConfig(c);
      return { dModel: s.dModel, nLayers: s.nLayers, nHeads: s.nHeads, batchSize: Number(c.settings.batchSize) };
    }),
  };
}

/** Start the backend `preference` asks for, reporting it (or a fatal event) through `post`; null if none could start. */
export async function switchBackend(
  preference: BackendPreference,
  setup: BackendSetup,
  measure: MeasureContext,
  post: (e: Event) => void,
): Promise<BackendInUse | null> {
  try {
    return preference === 'auto' ? await switchAuto(setup, measure, post) : await switchNamed(preference, setup, post);
  } catch (e) {
    post({ type: 'fatal', message: (e as Error).message });
    return null;
  }
}

async function switchNamed(preference: BackendName, setup: BackendSetup, post: (e: Event) => void): Promise<BackendInUse> {
  const { order, options } = backendOrder(preference);
  const report = await chooseBackend(order, { ...options, wasmPaths: setup.wasmPaths, wasmThreads: setup.threads.threads });
  // A backend chosen by name that could not start is the news, not the adapter passed over after it.
  const chosen = report.name === preference ? null : report.attempts.find((a) => a.name === preference);
  const chosenFailed = chosen ? { name: preference, reason: chosen.error } : null;
  post({
    type: 'backend',
    info: {
      name: report.name,
      adapter: report.adapter,
      fallbackReason: report.fallbackReason,
      skippedSoftwareAdapter: chosenFailed ? null : report.skippedSoftwareAdapter,
      chosenFailed,
      threads: threadsInfo(report.wasm, setup.threads),
      measured: null,
    },
  });
  return { preference, name: report.name, key: null };
}

async function switchAuto(setup: BackendSetup, measure: MeasureContext, post: (e: Event) => void): Promise<BackendInUse> {
  const { order, options } = backendOrder('auto');
  const found = await startableBackends(order, { ...options, wasmPaths: setup.wasmPaths, wasmThreads: setup.threads.threads });
  const teacher = found.started.length > 1 ? await measure.teacherConfig() : null;
  let measured: BackendInfo['measured'] = null;
  let chosen = found.started[0].name;
  let key: string | null = null;
  if (teacher) {
    key = measurementKey(found.started, sizesOf(measure.configs, teacher), MEASUREMENT_VERSION);
    const known = await measure.memory.recall(key);
    let choice: MeasuredChoice;
    let at = Date.now();
    if (known && found.started.some((s) => s.name === known.choice.chosen)) {
      choice = known.choice;
      at = known.at;
    } else {
      const names = found.started.map((s) => s.name);
      const results = await measureBackends(names, () => runStepProbe(measure.configs, teacher, Math.min(measure.evalPrompts, 8)));
      // No backend could take a probe step: run the first that started, unmeasured (the run
      // itself will then say what fails), and remember nothing.
      choice = results.some((r) => 'msPerStep' in r) ? pickFastest(results) : { chosen: names[0], timings: [], failures: [], summary: '' };
      if (choice.timings.length) await measure.memory.remember(key, { choice, at });
    }
    chosen = choice.chosen;
    if (choice.timings.length)
      measured = { summary: choice.summary, timings: choice.timings, failures: choice.failures, remembered: Boolean(known && known.choice === choice), at };
  }
  await setStartedBackend(chosen);
  const run = found.started.find((s) => s.name === chosen)!;
  const passedOver = found.attempts.map((a) => a.error);
  post({
    type: 'backend',
    info: {
      name: chosen,
      adapter: run.adapter,
      fallbackReason: passedOver.length ? passedOver.join('; ') : null,
      skippedSoftwareAdapter: found.skippedSoftwareAdapter,
      chosenFailed: null,
      threads: threadsInfo(run.wasm, setup.threads),
      measured,
    },
  });
  return { preference: 'auto', name: chosen, key: key ?? `only ${chosen}` };
}
