// The page's whole experiment: the settings every student shares (task, seed, sizes, …) and
// one to four students, each a method with its hyperparameters. Resolved through the same
// declarations the engine uses, so the page never holds a value the trainer would refuse.
import { coerce, defaults, type ParamSpec, type ParamValues } from '../engine/params';
import { SHARED_PARAMS } from '../engine/settings';
import { getMethod, isMethodId, METHODS } from '../engine/methods/declarations';
import { DEFAULT_METHOD, resolveConfig } from '../engine/runConfig';
import { MAX_LANES, type LaneConfig, type RunSpec } from '../worker/protocol';

export { MAX_LANES };
export type { LaneConfig, RunSpec };

/**
 * Knobs of the page's engine rather than of the run configuration: the trainer takes them as
 * options, so they stay out of the CLI's settings. At their defaults the page's numbers are the
 * command line's.
 */
export const PAGE_PARAMS: readonly ParamSpec[] = [
  {
    id: 'evalPrompts',
    label: 'Evaluation prompts',
    kind: 'number',
    default: 64,
    min: 8,
    max: 128,
    step: 8,
    scale: 'linear',
    apply: 'restart',
    help: 'Held-out prompts scored at each evaluation: fewer is faster and noisier. 64 matches the command line.',
  },
  {
    id: 'backend',
    label: 'Backend',
    kind: 'choice',
    default: 'auto',
    choices: [
      { value: 'auto', label: 'auto (fastest here)' },
      { value: 'webgpu', label: 'WebGPU' },
      { value: 'wasm', label: 'WebAssembly' },
      { value: 'webgl', label: 'WebGL' },
      { value: 'cpu', label: 'JavaScript (cpu)' },
    ],
    apply: 'restart',
    help: 'Where training runs. auto: WebGPU on a real GPU, else WebAssembly (a software WebGPU adapter is far slower). Numbers differ slightly between backends.',
  },
];

/** Every run-level knob the page shows, in order: the engine's shared settings, then the page's. */
export const RUN_PARAMS: readonly ParamSpec[] = [...SHARED_PARAMS, ...PAGE_PARAMS];

/** One colour per student, the same in every chart, sample and card. */
export const LANE_COLORS = ['#2563eb', '#d9480f', '#2b8a3e', '#9c36b5'] as const;

export interface PartialSpec {
  settings?: Record<string, unknown>;
  lanes?: Array<{ method?: string; hyper?: Record<string, unknown> }>;
}

export function defaultLane(method: string = DEFAULT_METHOD): LaneConfig {
  return { method, hyper: defaults(getMethod(method).params) };
}

export function defaultSpec(): RunSpec {
  return { settings: defaults(RUN_PARAMS), lanes: [defaultLane()] };
}

/**
 * Complete and check a partial spec: unknown keys dropped, values clamped, at most four
 * students. Every change is listed in `problems`, worded for the person who made the link.
 */
export function resolveSpec(partial: PartialSpec): { spec: RunSpec; problems: string[] } {
  const problems: string[] = [];
  // The page's own knobs first, then the engine's settings alone (the default method has no
  // hyper given, so only settings can complain).
  const engineSettings: Record<string, unknown> = { ...(partial.settings ?? {}) };
  const pageSettings = defaults(PAGE_PARAMS);
  for (const p of PAGE_PARAMS) {
    if (!(p.id in engineSettings)) continue;
    const { value, problem } = coerce(p, engineSettings[p.id]);
    pageSettings[p.id] = value;
    if (problem) problems.push(problem);
    delete engineSettings[p.id];
  }
  const shared = resolveConfig({ settings: engineSettings });
  problems.push(...shared.problems);
  const given = partial.lanes ?? [];
  if (given.length > MAX_LANES) problems.push(`At most ${MAX_LANES} students can race; dropped ${given.length - MAX_LANES}`);
  const lanes: LaneConfig[] = given.slice(0, MAX_LANES).map((l, i) => {
    const r = resolveConfig({ method: l.method, hyper: l.hyper ?? {} });
    const who = given.length > 1 ? `Student ${i + 1}: ` : '';
    problems.push(...r.problems.map((p) => who + p));
    return { method: r.config.method, hyper: r.config.hyper };
  });
  if (lanes.length === 0) lanes.push(defaultLane());
  return { spec: { settings: { ...shared.config.settings, ...pageSettings }, lanes }, problems };
}

export function specsEqual(a: RunSpec, b: RunSpec): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(s: RunSpec) {
  const sortObj = (o: ParamValues) => Object.fromEntries(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));
  return { settings: sortObj(s.settings), lanes: s.lanes.map((l) => ({ method: l.method, hyper: sortObj(l.hyper) })) };
}

/** A shared setting's spec by id. */
export function sharedParam(id: string): ParamSpec | undefined {
  return RUN_PARAMS.find((p) => p.id === id);
}

/** Split a spec's settings into what resolveConfig takes and the page's engine options. */
export function splitSettings(settings: ParamValues): { engine: ParamValues; page: ParamValues } {
  const engine: ParamValues = {};
  const page: ParamValues = {};
  for (const [k, v] of Object.entries(settings)) (PAGE_PARAMS.some((p) => p.id === k) ? page : engine)[k] = v;
  return { engine, page };
}

/** The spec of `id` for a lane's method, looking at shared settings first. */
export function laneParam(method: string, id: string): ParamSpec | undefined {
  return sharedParam(id) ?? (isMethodId(method) ? getMethod(method).params.find((p) => p.id === id) : undefined);
}

/** Every control id an instructor link may hide. */
export function hideableIds(): Set<string> {
  const ids = new Set<string>(['method', 'race', 'presets', 'keep']);
  for (const p of RUN_PARAMS) ids.add(p.id);
  for (const m of METHODS) for (const p of m.params) ids.add(p.id);
  return ids;
}

/** A short human label for a student: method plus what differs from the other students. */
export function laneLabel(spec: RunSpec, lane: number): string {
  const l = spec.lanes[lane];
  const decl = isMethodId(l.method) ? getMethod(l.method) : null;
  const name = decl?.label ?? l.method;
  if (spec.lanes.length < 2) return name;
  const diffs: string[] = [];
  for (const p of decl?.params ?? []) {
    const v = l.hyper[p.id];
    const differs = spec.lanes.some((o, j) => j !== lane && o.method === l.method && o.hyper[p.id] !== v);
    if (differs) diffs.push(`${p.label.split(' ').pop()}=${String(v)}`);
  }
  return diffs.length ? `${name} ${diffs.join(' ')}` : name;
}
