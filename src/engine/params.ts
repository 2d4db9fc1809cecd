// The one typed description of a knob. Methods and the shared run settings declare their
// knobs with it once; the UI controls, the URL hash and the CLI's --set all read it.
// Plain data: no TensorFlow.js here.

export type ParamValue = number | string | boolean;

interface ParamBase {
  /** Identifier used in the URL, in --set name=value and as data-testid="param-<id>". */
  id: string;
  label: string;
  /** One line shown on hover and focus. */
  help: string;
  /** 'live' applies between two steps; 'restart' resets the run. */
  apply: 'live' | 'restart';
}

export interface NumberParam extends ParamBase {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  /** Slider granularity; integers when step is 1. */
  step: number;
  scale: 'linear' | 'log';
  unit?: string;
}

export interface ChoiceParam extends ParamBase {
  kind: 'choice';
  default: string;
  choices: ReadonlyArray<{ value: string; label: string }>;
}

export interface BooleanParam extends ParamBase {
  kind: 'boolean';
  default: boolean;
}

export type ParamSpec = NumberParam | ChoiceParam | BooleanParam;

export type ParamValues = Record<string, ParamValue>;

/** The defaults of a list of params. */
export function defaults(specs: readonly ParamSpec[]): ParamValues {
  return Object.fromEntries(specs.map((s) => [s.id, s.default]));
}

/**
 * Check one value against its spec. Returns the value to use and, when the input had to be
 * changed (clamped, rounded, unknown choice), a message saying so. `raw` may be a string
 * (from a URL or the command line).
 */
export function coerce(spec: ParamSpec, raw: unknown): { value: ParamValue; problem: string | null } {
  if (spec.kind === 'number') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(n)) return { value: spec.default, problem: `${spec.label}: '${String(raw)}' is not a number; using ${spec.default}` };
    let v = Math.min(spec.max, Math.max(spec.min, n));
    if (spec.step === 1) v = Math.round(v);
    if (v !== n) return { value: v, problem: `${spec.label}: ${n} is outside ${spec.min}–${spec.max}${spec.step === 1 ? ' (integers)' : ''}; using ${v}` };
    return { value: v, problem: null };
  }
  if (spec.kind === 'choice') {
    const s = String(raw);
    if (spec.choices.some((c) => c.value === s)) return { value: s, problem: null };
    return { value: spec.default, problem: `${spec.label}: '${s}' is not one of ${spec.choices.map((c) => c.value).join(', ')}; using ${spec.default}` };
  }
  if (raw === true || raw === 'true' || raw === '1') return { value: true, problem: null };
  if (raw === false || raw === 'false' || raw === '0') return { value: false, problem: null };
  return { value: spec.default, problem: `${spec.label}: '${String(raw)}' is not true or false; using ${spec.default}` };
}
