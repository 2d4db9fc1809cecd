// The run spec: what the page asks the worker to train. Settings every student shares (task,
// seed, sizes, …, plus the page's own engine options) and one to four students, each a method
// with its hyperparameters. Plain data, no TensorFlow.js: the page, the worker and the command
// line resolve a spec here, through the same declarations the trainer uses, so no side ever
// holds a value the trainer would refuse.
import { coerce, defaults, type ParamSpec, type ParamValues } from '../engine/params';
import { SHARED_PARAMS } from '../engine/settings';
import { getMethod } from '../engine/methods/declarations';
import { DEFAULT_METHOD, resolveConfig, type RunConfig } from '../engine/runConfig';

/** One student of a run: its method and that method's hyperparameters. */
export interface LaneConfig {
  method: string;
  hyper: ParamValues;
}

/** A whole run: settings shared by every student and 1–MAX_LANES students. */
export interface RunSpec {
  settings: ParamValues;
  lanes: LaneConfig[];
}

/** A spec as a link, a preset or a saved run may give it: anything may be missing or wrong. */
export interface PartialSpec {
  settings?: Record<string, unknown>;
  lanes?: Array<{ method?: string; hyper?: Record<string, unknown> }>;
}

/** Students that can race at once. */
export const MAX_LANES = 4;

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
      { value: 'auto', label: 'auto (measured: fastest here)' },
      { value: 'webgpu', label: 'WebGPU' },
      { value: 'wasm', label: 'WebAssembly' },
      { value: 'webgl', label: 'WebGL' },
      { value: 'cpu', label: 'JavaScript (cpu)' },
    ],
    apply: 'restart',
    help: 'Where training runs. auto: times a few steps of this experiment on each backend that starts (a real GPU through WebGPU or WebGL, and WebAssembly; software GPU adapters are left out), takes the fastest and remembers it for this device and model size. Numbers differ slightly between backends.',
  },
];

/** Every run-level knob the page shows, in order: the engine's shared settings, then the page's. */
export const RUN_PARAMS: readonly ParamSpec[] = [...SHARED_PARAMS, ...PAGE_PARAMS];

/** The page's engine options, typed. */
export interface PageOptions {
  evalPrompts: number;
  backend: string;
}

/** A spec resolved: the spec to keep, what had to change, and each student's trainer config. */
export interface ResolvedRun {
  spec: RunSpec;
  problems: string[];
  /** One trainer configuration per lane (engine settings only), in lane order. */
  configs: RunConfig[];
  page: PageOptions;
}

export function defaultLane(method: string = DEFAULT_METHOD): LaneConfig {
  return { method, hyper: defaults(getMethod(method).params) };
}

export function defaultSpec(): RunSpec {
  return { settings: defaults(RUN_PARAMS), lanes: [defaultLane()] };
}

/**
 * Complete and check a partial spec: unknown keys dropped, values clamped, at most MAX_LANES
 * students. Every change is listed in `problems`, worded for the person who made the link. The
 * shared settings are resolved once and each lane's method and hyperparameters once.
 */
export function resolveRun(partial: PartialSpec): ResolvedRun {
  const problems: string[] = [];
  const { engine: engineGiven, page: pageGiven } = splitSettings(partial.settings ?? {});
  const pageSettings = defaults(PAGE_PARAMS);
  for (const p of PAGE_PARAMS) {
    if (!(p.id in pageGiven)) continue;
    const { value, problem } = coerce(p, pageGiven[p.id]);
    pageSettings[p.id] = value;
    if (problem) problems.push(problem);
  }
  // The engine's settings alone first (the default method has no hyper given, so only
  // settings can complain), then each lane's method and hyperparameters.
  const shared = resolveConfig({ settings: engineGiven });
  problems.push(...shared.problems);
  const settings = shared.config.settings;
  const given = partial.lanes ?? [];
  if (given.length > MAX_LANES) problems.push(`At most ${MAX_LANES} students can race; dropped ${given.length - MAX_LANES}`);
  const configs: RunConfig[] = given.slice(0, MAX_LANES).map((l, i) => {
    const r = resolveConfig({ method: l.method, hyper: l.hyper ?? {} });
    const who = given.length > 1 ? `Student ${i + 1}: ` : '';
    problems.push(...r.problems.map((p) => who + p));
    return { method: r.config.method, settings, hyper: r.config.hyper };
  });
  if (configs.length === 0) {
    const lane = defaultLane();
    configs.push({ ...resolveConfig({ method: lane.method }).config, settings });
  }
  const lanes = configs.map((c) => ({ method: c.method, hyper: c.hyper }));
  return {
    spec: { settings: { ...settings, ...pageSettings }, lanes },
    problems,
    configs,
    page: { evalPrompts: pageSettings.evalPrompts as number, backend: pageSettings.backend as string },
  };
}

/** resolveRun for the page's needs: the spec and what changed. */
export function resolveSpec(partial: PartialSpec): { spec: RunSpec; problems: string[] } {
  const { spec, problems } = resolveRun(partial);
  return { spec, problems };
}

export function specsEqual(a: RunSpec, b: RunSpec): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(s: RunSpec) {
  const sortObj = (o: ParamValues) => Object.fromEntries(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));
  return { settings: sortObj(s.settings), lanes: s.lanes.map((l) => ({ method: l.method, hyper: sortObj(l.hyper) })) };
}

/** Split settings into what the trainer's configuration takes and the page's engine options. */
export function splitSettings<V>(settings: Record<string, V>): { engine: Record<string, V>; page: Record<string, V> } {
  const engine: Record<string, V> = {};
  const page: Record<string, V> = {};
  for (const [k, v] of Object.entries(settings)) (PAGE_PARAMS.some((p) => p.id === k) ? page : engine)[k] = v;
  return { engine, page };
}
