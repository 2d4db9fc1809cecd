// The URL hash holds the whole experiment, so a link reproduces it:
//   #task=grammar&seed=1&…&s1=kd&s1.temperature=1&s2=rkl&hide=lr,seed&present=1
// Shared settings are bare keys; student i (1–4) is `s<i>=<method>` with its
// hyperparameters as `s<i>.<id>`; `hide` lists the controls an instructor link hides;
// `present=1` opens the page in presenter mode (large type, the sidebar folded);
// `lesson=<id>` opens a lesson's panel, on the lesson's own experiment unless the link says
// otherwise (the link's settings and students replace the lesson's).
// Decoding never throws: anything unknown, malformed or out of range is dropped or clamped
// and reported in `problems`.
import { getMethod, isMethodId } from '../engine/methods/declarations';
import { quote, type ParamValue } from '../engine/params';
import { MAX_LANES, RUN_PARAMS, resolveSpec, type PartialSpec, type RunSpec } from '../shared/runSpec';
import { hideableIds } from './config';
import { getPreset } from './presets';

export interface DecodedHash {
  spec: RunSpec;
  hidden: string[];
  /** Presenter mode: large type, transport and lesson only. */
  present: boolean;
  /** The lesson to open (a preset id), or null. */
  lesson: string | null;
  problems: string[];
  /** True when the hash held no configuration at all. */
  empty: boolean;
}

/** At most this many problems are listed for one link; the rest are counted in the last line. */
export const MAX_PROBLEMS = 12;

/** `problems` cut to MAX_PROBLEMS lines, the last saying how many more there were. */
export function cappedProblems(problems: readonly string[]): string[] {
  if (problems.length <= MAX_PROBLEMS) return [...problems];
  const shown = problems.slice(0, MAX_PROBLEMS - 1);
  return [...shown, `…and ${problems.length - shown.length} more`];
}

const fmt = (v: ParamValue) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));
const enc = (s: string) => encodeURIComponent(s).replace(/%2C/gi, ',');

export function encodeHash(spec: RunSpec, hidden: readonly string[] = [], present = false, lesson: string | null = null): string {
  const parts: string[] = [];
  for (const p of RUN_PARAMS) if (p.id in spec.settings) parts.push(`${p.id}=${enc(fmt(spec.settings[p.id]))}`);
  spec.lanes.forEach((lane, i) => {
    parts.push(`s${i + 1}=${enc(lane.method)}`);
    const order = isMethodId(lane.method) ? getMethod(lane.method).params.map((p) => p.id) : Object.keys(lane.hyper);
    for (const id of order) if (id in lane.hyper) parts.push(`s${i + 1}.${id}=${enc(fmt(lane.hyper[id]))}`);
  });
  if (lesson) parts.push(`lesson=${enc(lesson)}`);
  if (hidden.length) parts.push(`hide=${hidden.map(enc).join(',')}`);
  if (present) parts.push('present=1');
  return '#' + parts.join('&');
}

export function decodeHash(hash: string): DecodedHash {
  const problems: string[] = [];
  const body = hash.replace(/^#/, '');
  // Prototype-free maps: a key such as '__proto__' is then an ordinary (unknown, reported) key.
  const settings: Record<string, unknown> = Object.create(null);
  const lanes = new Map<number, { method?: string; hyper: Record<string, unknown> }>();
  const lane = (i: number) => {
    if (!lanes.has(i)) lanes.set(i, { hyper: Object.create(null) });
    return lanes.get(i)!;
  };
  let hidden: string[] = [];
  let present = false;
  let lesson: string | null = null;
  let any = false;
  const seen = new Set<string>();
  const repeatReported = new Set<string>();

  for (const part of body.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      problems.push(`Ignored '${quote(part)}': it is not valid URL encoding`);
      continue;
    }
    if (eq < 0) {
      problems.push(`Ignored '${quote(key)}': expected name=value`);
      continue;
    }
    // Presenter mode is how the page looks, not an experiment: a saved run still restores.
    if (key !== 'present') any = true;
    if (seen.has(key) && !repeatReported.has(key)) {
      repeatReported.add(key);
      problems.push(
        key === 'hide' ? `'hide' was given more than once; hiding the controls of every one` : `'${quote(key)}' was given more than once; using the last value`,
      );
    }
    seen.add(key);
    const laneKey = /^s(\d+)(?:\.(.+))?$/.exec(key);
    if (key === 'present') {
      if (value === '1' || value === 'true') present = true;
      else if (value !== '0' && value !== 'false') problems.push(`Ignored 'present=${value.slice(0, 20)}': use present=1 for presenter mode`);
    } else if (key === 'lesson') {
      if (getPreset(value)) lesson = value;
      else problems.push(`Ignored unknown lesson '${quote(value, 40)}'`);
    } else if (key === 'hide') {
      const known = hideableIds();
      const ids = value.split(',').filter(Boolean);
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length) problems.push(`Cannot hide unknown controls: ${quote(unknown.join(', '), 80)}`);
      hidden = [...new Set([...hidden, ...ids.filter((id) => known.has(id))])];
    } else if (laneKey) {
      const n = Number(laneKey[1]);
      if (n < 1 || n > MAX_LANES) {
        problems.push(`Ignored '${quote(key)}': students are numbered 1–${MAX_LANES}`);
        continue;
      }
      if (laneKey[2] === undefined) lane(n).method = value;
      else lane(n).hyper[laneKey[2]] = value;
    } else if (RUN_PARAMS.some((p) => p.id === key)) {
      settings[key] = value;
    } else {
      problems.push(`Ignored unknown setting '${quote(key)}'`);
    }
  }

  // Students in number order; one given only hyperparameters keeps the default method.
  const ordered = [...lanes.entries()].sort(([a], [b]) => a - b).map(([, l]) => l);
  const base = lesson ? getPreset(lesson)!.spec : null;
  const partial: PartialSpec = base
    ? { settings: { ...base.settings, ...settings }, lanes: ordered.length ? ordered : base.lanes }
    : { settings, lanes: ordered };
  const resolved = resolveSpec(partial);
  return { spec: resolved.spec, hidden, present, lesson, problems: cappedProblems([...problems, ...resolved.problems]), empty: !any };
}
