// Which backend 'auto' runs, from timings of this experiment's own steps on each backend that
// started (see ./backendProbe). Pure: given the timings, the choice and its one-line summary.
import type { BackendName } from './backend';

export interface BackendTiming {
  name: BackendName;
  /** Median milliseconds per training step (every student once) over the timed steps. */
  msPerStep: number;
  /** Steps timed after the warm-up step; 0 when the warm-up alone used the budget. */
  timedSteps: number;
}

export interface BackendProbeFailure {
  name: BackendName;
  error: string;
}

export type ProbeResult = BackendTiming | BackendProbeFailure;

export interface MeasuredChoice {
  chosen: BackendName;
  /** The backends that ran, in the order they were tried. */
  timings: BackendTiming[];
  failures: BackendProbeFailure[];
  /** e.g. "WebGPU 41 ms/step · wasm 63 ms/step → WebGPU". */
  summary: string;
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', wasm: 'wasm', webgl: 'WebGL', cpu: 'cpu' };
export const backendLabel = (name: BackendName): string => LABEL[name];

const isTiming = (r: ProbeResult): r is BackendTiming => 'msPerStep' in r;

/** "41 ms", "0.8 ms", "1,250 ms"; an untimed backend ("> 3,100 ms") shows its warm-up as a lower bound. */
function formatMs(t: BackendTiming): string {
  const ms = t.msPerStep < 10 ? t.msPerStep.toFixed(1) : Math.round(t.msPerStep).toLocaleString('en-US');
  return `${t.timedSteps === 0 ? '> ' : ''}${ms} ms/step`;
}

/**
 * The fastest backend. One with timed steps beats one whose warm-up step alone ran past the
 * budget (its figure is only a lower bound); among equals the earlier in `results` wins (the
 * 'auto' order: GPU first). Throws when nothing ran.
 */
export function pickFastest(results: readonly ProbeResult[]): MeasuredChoice {
  const timings = results.filter(isTiming);
  const failures = results.filter((r): r is BackendProbeFailure => !isTiming(r));
  if (!timings.length) throw new Error(`No backend could take a training step: ${failures.map((f) => `${f.name}: ${f.error}`).join('; ')}`);
  const rank = (t: BackendTiming) => [t.timedSteps > 0 ? 0 : 1, t.msPerStep] as const;
  let best = timings[0];
  for (const t of timings.slice(1)) {
    const [a, b] = [rank(t), rank(best)];
    if (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])) best = t;
  }
  return { chosen: best.name, timings, failures, summary: summarize(timings, best.name) };
}

export function summarize(timings: readonly BackendTiming[], chosen: BackendName): string {
  return `${timings.map((t) => `${LABEL[t.name]} ${formatMs(t)}`).join(' · ')} → ${LABEL[chosen]}`;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** What a step's cost depends on, besides the backend: the models' sizes and the batch. */
export interface ProbeSizes {
  teacher: { dModel: number; nLayers: number; nHeads: number; seqLen: number };
  students: Array<{ dModel: number; nLayers: number; nHeads: number; batchSize: number }>;
}

/**
 * The key a measured choice is remembered under: the backends that started and what they run on
 * (adapter or renderer, wasm threads), the sizes, and `version` (the engine's, so a faster
 * kernel later is measured anew).
 */
export function measurementKey(
  started: ReadonlyArray<{ name: BackendName; adapter: { description: string } | null; wasm: { threads: number; threadedBinary: boolean } | null }>,
  sizes: ProbeSizes,
  version: string,
): string {
  const device = started.map((s) =>
    s.wasm ? `wasm:${s.wasm.threadedBinary ? 'threaded' : 'single'}:${s.wasm.threads}` : `${s.name}:${s.adapter?.description ?? ''}`,
  );
  const t = sizes.teacher;
  const students = sizes.students.map((s) => `${s.dModel}x${s.nLayers}x${s.nHeads}b${s.batchSize}`);
  return [version, device.join(','), `teacher ${t.dModel}x${t.nLayers}x${t.nHeads}t${t.seqLen}`, `students ${students.join(',')}`].join(' | ');
}
