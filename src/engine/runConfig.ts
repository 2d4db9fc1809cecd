// A run's whole configuration (method, shared settings, the method's hyperparameters) and its
// validation. Plain data: no TensorFlow.js here, so the UI, the URL codec and the CLI can all
// resolve a configuration the way the trainer will.
import { coerce, defaults, quote, type ParamSpec, type ParamValue, type ParamValues } from './params';
import { SHARED_PARAMS } from './settings';
import { METHOD_IDS, getMethod, isMethodId } from './methods/declarations';
import type { MethodId } from './methods/types';

// The first experiment a newcomer sees: AMMD, the method the playground is built around, with
// every chart live (moment distances, critic loss and efficiency). At the default learning rate
// and critic it lifts the warm-start student from its first evaluations (README, "The first
// experiment"); at the old rate, 0.003, it first pulled the student back, and GKD led instead.
export const DEFAULT_METHOD: MethodId = 'ammd';

export interface RunConfig {
  method: MethodId;
  /** SHARED_PARAMS ids: task, seed, studentWidth, studentLayers, studentHeads, batchSize, lr, steps, evalEvery. */
  settings: ParamValues;
  /** The method's own params. */
  hyper: ParamValues;
}

/** The spec of a shared setting or of one of the method's params, or undefined. */
export function findParam(method: MethodId, id: string): { spec: ParamSpec; where: 'settings' | 'hyper' } | undefined {
  const shared = SHARED_PARAMS.find((p) => p.id === id);
  if (shared) return { spec: shared, where: 'settings' };
  const own = getMethod(method).params.find((p) => p.id === id);
  return own ? { spec: own, where: 'hyper' } : undefined;
}

/** Every param id a method accepts, shared settings first. */
export function paramIds(method: MethodId): string[] {
  return [...SHARED_PARAMS.map((p) => p.id), ...getMethod(method).params.map((p) => p.id)];
}

/**
 * Complete a partial configuration with defaults, coerce every value through its spec, and drop
 * unknown keys. Every change is reported in `problems` (empty when the input was valid).
 */
export function resolveConfig(partial: { method?: string; settings?: Record<string, unknown>; hyper?: Record<string, unknown> }): {
  config: RunConfig;
  problems: string[];
} {
  const problems: string[] = [];
  let method: MethodId = DEFAULT_METHOD;
  if (partial.method !== undefined) {
    if (isMethodId(partial.method)) method = partial.method;
    else problems.push(`Unknown method '${quote(partial.method)}'. Known methods: ${METHOD_IDS.join(', ')}; using ${DEFAULT_METHOD}`);
  }
  const settings = resolveValues(
    SHARED_PARAMS,
    partial.settings ?? {},
    problems,
    (k) => `Unknown setting '${quote(k)}'. Settings: ${SHARED_PARAMS.map((p) => p.id).join(', ')}`,
  );
  const own = getMethod(method).params;
  const hyper = resolveValues(own, partial.hyper ?? {}, problems, (k) =>
    own.length
      ? `'${quote(k)}' is not a parameter of ${method}. Its parameters: ${own.map((p) => p.id).join(', ')}`
      : `'${quote(k)}' is not a parameter of ${method}: it has none`,
  );

  const width = settings.studentWidth as number;
  const heads = settings.studentHeads as number;
  if (width % heads !== 0) {
    const fit = largestDivisor(width, heads);
    problems.push(`Student heads: ${heads} does not divide the width ${width}; using ${fit}`);
    settings.studentHeads = fit;
  }
  return { config: { method, settings, hyper }, problems };
}

/** The largest head count ≤ `heads` that divides `width`; 1 when none does (a bounded search). */
export function largestDivisor(width: number, heads: number): number {
  for (let fit = Math.min(Math.floor(heads), 64); fit > 1; fit--) if (width % fit === 0) return fit;
  return 1;
}

function resolveValues(specs: readonly ParamSpec[], given: Record<string, unknown>, problems: string[], unknown: (key: string) => string): ParamValues {
  const out = defaults(specs);
  // Own keys only, '__proto__' included (a link can name it): it is reported, never merged.
  for (const key of Object.getOwnPropertyNames(given)) {
    const raw = given[key];
    const spec = specs.find((s) => s.id === key);
    if (!spec) {
      problems.push(unknown(key));
      continue;
    }
    const { value, problem } = coerce(spec, raw);
    out[key] = value;
    if (problem) problems.push(problem);
  }
  return out;
}

export type { ParamValue, ParamValues };
