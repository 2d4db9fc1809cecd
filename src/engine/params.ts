// The one typed description of a knob. Methods and the shared run settings declare their
// knobs with it once; the UI controls, the URL hash and the CLI's --set all read it.
// Plain data: no TensorFlow.js here.

export type ParamValue = number | string | boolean;

interface ParamBase<Id extends string> {
  /** Identifier used in the URL, in --set name=value and as data-testid="param-<id>". */
  id: Id;
  label: string;
  /** One line shown on hover and focus. */
  help: string;
  /** 'live' applies between two steps; 'restart' resets the run. */
  apply: 'live' | 'restart';
  /**
   * Shown only while another knob of the same owner has one of these values (GKD's β only with
   * the JSD). A knob out of sight keeps its value, in the link too; it just has no effect.
   */
  shownWhen?: { param: string; is: readonly ParamValue[] };
}

export interface NumberParam<Id extends string = string> extends ParamBase<Id> {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  /** Slider granularity; integers when step is 1. */
  step: number;
  scale: 'linear' | 'log';
  unit?: string;
}

/** `V` is the union of the choices' values when the declaration keeps them literal. */
export interface ChoiceParam<Id extends string = string, V extends string = string> extends ParamBase<Id> {
  kind: 'choice';
  default: V;
  choices: ReadonlyArray<{ value: V; label: string }>;
  /**
   * How a student's name says a choice when it is what sets that student apart in a race
   * ('critic on probabilities'); without one the name shows `<knob>=<value>`.
   */
  short?: Readonly<Partial<Record<V, string>>>;
}

export interface BooleanParam<Id extends string = string> extends ParamBase<Id> {
  kind: 'boolean';
  default: boolean;
}

export type ParamSpec = NumberParam | ChoiceParam | BooleanParam;

export type ParamValues = Record<string, ParamValue>;

/** The value type of one spec: number, boolean, or the union of a choice's values. */
export type ValueOf<S> = S extends { kind: 'number' }
  ? number
  : S extends { kind: 'boolean' }
    ? boolean
    : S extends { kind: 'choice'; choices: ReadonlyArray<{ value: infer V }> }
      ? V
      : never;

/**
 * The typed values of a list of specs declared with literal ids (a method's `params`): one
 * property per id, so reading an id the list does not declare is a compile error.
 */
export type ValuesOf<P extends readonly ParamSpec[]> = { readonly [S in P[number] as S['id']]: ValueOf<S> };

/** Whether `v` is a value `spec` accepts as it stands (no coercion). */
function fits(spec: ParamSpec, v: ParamValue | undefined): boolean {
  if (spec.kind === 'number') return typeof v === 'number';
  if (spec.kind === 'boolean') return typeof v === 'boolean';
  return typeof v === 'string' && spec.choices.some((c) => c.value === v);
}

/**
 * The one checked reader of declared values: `values` (already resolved, see resolveConfig) as
 * the typed record of `specs`. Throws naming `owner` and the id when a value is missing or of the
 * wrong kind: a bug upstream, never a user's input, which resolveConfig coerces first.
 */
export function readValues<const P extends readonly ParamSpec[]>(specs: P, values: ParamValues, owner: string): ValuesOf<P> {
  const out: Record<string, ParamValue> = {};
  for (const spec of specs) {
    const v = values[spec.id];
    if (!fits(spec, v))
      throw new Error(
        `${owner}: '${spec.id}' should be ${spec.kind === 'choice' ? `one of ${spec.choices.map((c) => c.value).join(', ')}` : `a ${spec.kind}`}, got ${quote(v)}`,
      );
    out[spec.id] = v;
  }
  return out as ValuesOf<P>;
}

/** A number knob; `scale` is linear unless said. The id stays literal, for typed values. */
export function numberParam<const Id extends string>(p: Omit<NumberParam<Id>, 'kind' | 'scale'> & { scale?: NumberParam['scale'] }): NumberParam<Id> {
  return { kind: 'number', scale: 'linear', ...p };
}

/**
 * A choice knob, its choices given as value → label in the order the control lists them; its id
 * and values stay literal, for typed values.
 */
export function choiceParam<const Id extends string, const V extends string>(
  p: Omit<ChoiceParam<Id, V>, 'kind' | 'choices' | 'default' | 'short'> & {
    default: NoInfer<V>;
    choices: Readonly<Record<V, string>>;
    short?: Readonly<Partial<Record<NoInfer<V>, string>>>;
  },
): ChoiceParam<Id, V> {
  const choices = Object.entries<string>(p.choices).map(([value, label]) => ({ value: value as V, label }));
  return { ...p, kind: 'choice', choices };
}

/** A true/false knob. */
export function booleanParam<const Id extends string>(p: Omit<BooleanParam<Id>, 'kind'>): BooleanParam<Id> {
  return { kind: 'boolean', ...p };
}

/** Whether a control shows `spec` beside these values of its owner's other knobs (see shownWhen). */
export function isShown(spec: ParamSpec, values: ParamValues): boolean {
  return !spec.shownWhen || spec.shownWhen.is.includes(values[spec.shownWhen.param]);
}

/** The defaults of a list of params. */
export function defaults(specs: readonly ParamSpec[]): ParamValues {
  return Object.fromEntries(specs.map((s) => [s.id, s.default]));
}

/** A value as a message may quote it: long input is cut, so a notice never echoes a whole payload. */
export function quote(raw: unknown, max = 40): string {
  const s = String(raw);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}

/** Whole-number knobs (step 1, 4, 8, …) take only multiples of their step; finer steps are slider granularity. */
export function snapToStep(spec: NumberParam, v: number): number {
  if (spec.step < 1 || !Number.isInteger(spec.step)) return v;
  let s = Math.round(v / spec.step) * spec.step;
  if (s > spec.max) s -= spec.step;
  if (s < spec.min) s += spec.step;
  return s;
}

/**
 * Number text as people and this codebase write it: decimal digits with an optional sign,
 * fraction and exponent ('3', '-0.5', '1e-7'). Hex, binary, padding, '1_000' or 'Infinity' are
 * not, even where JavaScript's Number() would read them.
 */
const PLAIN_DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function isPlainDecimal(text: string): boolean {
  return PLAIN_DECIMAL.test(text);
}

function coerceNumber(spec: NumberParam, raw: unknown): { value: number; problem: string | null } {
  if (typeof raw === 'string' && raw.trim() !== raw && isPlainDecimal(raw.trim())) {
    // Spaces around a number ('%207%20' in a link): read it, and say what was read.
    const read = coerceNumber(spec, raw.trim());
    const note = `${spec.label}: '${quote(raw)}' has spaces around the number; read as ${raw.trim()}`;
    return { value: read.value, problem: read.problem ? `${note}. ${read.problem}` : note };
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && isPlainDecimal(raw) ? Number(raw) : NaN;
  const shown = Number.isNaN(n) ? `'${quote(raw)}'` : quote(raw);
  const use = (value: number, why: string) => ({ value, problem: `${spec.label}: ${shown} ${why}; using ${value}` });
  // ±Infinity ('1e309') is treated as the huge number it was meant to be: clamped like 1e9.
  if (Number.isNaN(n)) return use(spec.default, typeof raw === 'string' && raw.trim() !== '' ? 'is not a plain decimal number' : 'is not a number');
  if (n > spec.max) return use(spec.max, `is above the maximum ${spec.max}`);
  if (n < spec.min) return use(spec.min, `is below the minimum ${spec.min}`);
  const snapped = snapToStep(spec, n);
  if (snapped !== n) return use(snapped, spec.step === 1 ? 'is not a whole number' : `is not a multiple of ${spec.step}`);
  return { value: n, problem: null };
}

/**
 * Check one value against its spec: finite, inside the range, on the step for whole-number
 * knobs, one of the choices. Returns the value to use and, when the input had to be changed, a
 * message naming the knob, what was wrong and what is used instead. `raw` may be a string (from
 * a URL or the command line). This is the one check the page, the worker and the CLI share.
 */
export function coerce(spec: ParamSpec, raw: unknown): { value: ParamValue; problem: string | null } {
  if (spec.kind === 'number') return coerceNumber(spec, raw);
  if (spec.kind === 'choice') {
    const s = String(raw);
    if (spec.choices.some((c) => c.value === s)) return { value: s, problem: null };
    return { value: spec.default, problem: `${spec.label}: '${quote(s)}' is not one of ${spec.choices.map((c) => c.value).join(', ')}; using ${spec.default}` };
  }
  if (raw === true || raw === 'true' || raw === '1') return { value: true, problem: null };
  if (raw === false || raw === 'false' || raw === '0') return { value: false, problem: null };
  return { value: spec.default, problem: `${spec.label}: '${quote(raw)}' is not true or false; using ${spec.default}` };
}
