// Hostile links: a few hundred hashes generated from the schema (wrong types, out of range,
// fractional, huge, unicode, injection strings, repeated and prototype keys) go through the
// codec. Whatever comes in, the spec that comes out obeys every declaration, every value that
// could not be used as given is named in a message, and decoding stays fast (no search loops).
import { describe, expect, it } from 'vitest';
import { decodeHash, encodeHash } from '../src/state/url';
import { RUN_PARAMS, type RunSpec } from '../src/shared/runSpec';
import { METHODS, METHOD_IDS, getMethod, isMethodId } from '../src/engine/methods/declarations';
import type { ParamSpec, ParamValues } from '../src/engine/params';

export const FUZZ_INPUTS = 400;

/** mulberry32: a tiny seeded generator, so every run feeds the same hashes. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}
type Gen = ReturnType<typeof generator>;

const INJECTIONS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE runs; --",
  '${7*7}',
  '{{constructor.constructor("alert(1)")()}}',
  'javascript:alert(1)',
  '\u0000',
  '../../etc/passwd',
];
const ODD = [
  '',
  ' ',
  'abc',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '1e9',
  '-1e9',
  '0x10',
  '1e3',
  ' 16 ',
  '१२',
  '１２',
  '💥',
  'é',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '2,5',
  '1_000',
  'x'.repeat(100_000),
];

function numberValue(g: Gen, p: Extract<ParamSpec, { kind: 'number' }>): string {
  switch (g.int(6)) {
    case 0: // in range, on the grid
      return String(p.step >= 1 ? Math.round((p.min + g.next() * (p.max - p.min)) / p.step) * p.step : p.min + g.next() * (p.max - p.min));
    case 1: // fractional
      return String(p.min + g.next() * (p.max - p.min) + 0.5);
    case 2: // out of range
      return String(g.next() < 0.5 ? p.min - 1 - g.int(1000) : p.max * (2 + g.int(1000)));
    case 3:
      return g.pick(INJECTIONS);
    default:
      return g.pick(ODD);
  }
}

function valueFor(g: Gen, p: ParamSpec): string {
  if (g.next() < 0.15) return g.pick(INJECTIONS);
  if (p.kind === 'number') return numberValue(g, p);
  if (p.kind === 'choice') return g.next() < 0.6 ? g.pick(p.choices).value : g.pick(ODD);
  return g.pick(['true', 'false', '1', '0', 'yes', 'TRUE', '', ...INJECTIONS]);
}

function randomHash(g: Gen): string {
  const parts: string[] = [];
  const n = 1 + g.int(7);
  for (let i = 0; i < n; i++) {
    const r = g.int(10);
    let key: string;
    let value: string;
    if (r < 3) {
      const p = g.pick(RUN_PARAMS);
      key = p.id;
      value = valueFor(g, p);
    } else if (r < 5) {
      key = `s${1 + g.int(4)}`;
      value = g.next() < 0.8 ? g.pick(METHOD_IDS) : g.pick([...ODD, ...INJECTIONS]);
    } else if (r < 8) {
      const m = g.pick(METHODS);
      const lane = 1 + g.int(4);
      parts.push(`s${lane}=${m.id}`);
      if (!m.params.length) continue;
      const p = g.pick(m.params);
      key = `s${lane}.${p.id}`;
      value = valueFor(g, p);
    } else if (r < 9) {
      key = 'hide';
      value = [g.pick(RUN_PARAMS).id, g.pick(['bogus', 'lr', '__proto__', '<b>'])].join(',');
    } else {
      key = g.pick(['__proto__', 'constructor', 's1.__proto__', 's2.constructor', 's0', 's5', 's99999999999999999999', 'zzz', '💥', 'x'.repeat(50_000)]);
      value = g.pick(ODD);
    }
    const encode = g.next() < 0.7;
    parts.push(encode ? `${encodeURIComponent(key)}=${encodeURIComponent(value)}` : `${key}=${value}`);
  }
  return '#' + parts.join('&');
}

/** Would `raw` be taken exactly as given? Worked out from the declaration alone. */
function acceptable(p: ParamSpec, raw: string): boolean {
  if (p.kind === 'choice') return p.choices.some((c) => c.value === raw);
  if (p.kind === 'boolean') return ['true', 'false', '1', '0'].includes(raw);
  // Only plain decimal text is taken as given: no padding, hex, separators or 'Infinity'.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return false;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < p.min || n > p.max) return false;
  return !(p.step >= 1 && Number.isInteger(p.step)) || n % p.step === 0;
}

/** Every way a resolved spec could break a declaration, as readable strings. */
function violations(spec: RunSpec): string[] {
  const out: string[] = [];
  const check = (specs: readonly ParamSpec[], values: ParamValues, where: string) => {
    const ids = new Set(specs.map((p) => p.id));
    for (const k of Object.getOwnPropertyNames(values)) if (!ids.has(k)) out.push(`${where}: stray key ${k}`);
    if (Object.getPrototypeOf(values) !== Object.prototype && Object.getPrototypeOf(values) !== null) out.push(`${where}: prototype changed`);
    for (const p of specs) {
      const v = values[p.id];
      if (p.kind === 'number') {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < p.min || v > p.max) out.push(`${where}.${p.id}=${String(v)} out of range`);
        else if (p.step >= 1 && v % p.step !== 0) out.push(`${where}.${p.id}=${v} off the step ${p.step}`);
      } else if (p.kind === 'choice') {
        if (!p.choices.some((c) => c.value === v)) out.push(`${where}.${p.id}=${String(v)} not a choice`);
      } else if (typeof v !== 'boolean') out.push(`${where}.${p.id}=${String(v)} not boolean`);
    }
  };
  check(RUN_PARAMS, spec.settings, 'settings');
  if ((spec.settings.studentWidth as number) % (spec.settings.studentHeads as number) !== 0) out.push('heads do not divide the width');
  if (spec.lanes.length < 1 || spec.lanes.length > 4) out.push(`${spec.lanes.length} lanes`);
  spec.lanes.forEach((l, i) => {
    if (!isMethodId(l.method)) out.push(`lane ${i}: method ${l.method}`);
    else check(getMethod(l.method).params, l.hyper, `lane ${i}`);
  });
  return out;
}

const sixDigits = (_: string, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v);

/** The last value given for each key, as a person reading the link would see it. */
function lastValues(hash: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of hash.slice(1).split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    try {
      m.set(decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1)));
    } catch {
      /* reported as bad encoding; not checked here */
    }
  }
  return m;
}

describe(`URL hash fuzzing (${FUZZ_INPUTS} generated links)`, () => {
  const g = generator(20261130);
  const hashes = Array.from({ length: FUZZ_INPUTS }, () => randomHash(g));

  it('every link decodes, fast, to a spec that obeys every declaration', () => {
    let slowest = 0;
    for (const hash of hashes) {
      const t0 = performance.now();
      const d = decodeHash(hash);
      slowest = Math.max(slowest, performance.now() - t0);
      expect(violations(d.spec), hash.slice(0, 200)).toEqual([]);
      // Messages quote what they must, never a whole payload.
      for (const p of d.problems) expect(p.length, p.slice(0, 200)).toBeLessThan(600);
      // The link the page writes back is clean: it decodes with no message to the same spec
      // (numbers are written with 6 significant digits).
      const again = decodeHash(encodeHash(d.spec, d.hidden));
      expect(again.problems).toEqual([]);
      expect(again.hidden).toEqual(d.hidden);
      expect(JSON.stringify(again.spec, sixDigits)).toEqual(JSON.stringify(d.spec, sixDigits));
    }
    expect(slowest).toBeLessThan(250);
  });

  it('every value that was not used as given is named in a message', () => {
    let checked = 0;
    let rejected = 0;
    for (const hash of hashes) {
      const d = decodeHash(hash);
      const text = d.problems.join('\n');
      const given = lastValues(hash);
      for (const [key, raw] of given) {
        const shared = RUN_PARAMS.find((p) => p.id === key);
        const laneKey = /^s(\d+)\.(.+)$/.exec(key);
        if (shared) {
          checked++;
          const ok = acceptable(shared, raw);
          // Heads may also be changed to fit the width: that too is reported, under its label.
          if (!ok || d.spec.settings[key] !== (shared.kind === 'number' ? Number(raw) : shared.kind === 'boolean' ? ['true', '1'].includes(raw) : raw)) {
            rejected++;
            expect(text, `${hash.slice(0, 200)} → ${key}`).toContain(shared.label);
          }
        } else if (laneKey) {
          const n = Number(laneKey[1]);
          const method = given.get(`s${n}`);
          if (n < 1 || n > 4 || !method || !isMethodId(method)) continue;
          const p = getMethod(method).params.find((q) => q.id === laneKey[2]);
          checked++;
          if (!p) {
            rejected++;
            expect(text).toContain(laneKey[2].slice(0, 40));
          } else if (!acceptable(p, raw)) {
            rejected++;
            expect(text, `${hash.slice(0, 200)} → ${key}`).toContain(p.label);
          }
        } else if (key !== 'hide' && !/^s\d+$/.test(key)) {
          checked++;
          rejected++;
          expect(text, `${key.slice(0, 40)}`).toContain(key.slice(0, 40));
        } else if (/^s\d+$/.test(key) && !isMethodId(raw) && Number(key.slice(1)) >= 1 && Number(key.slice(1)) <= 4) {
          checked++;
          rejected++;
          expect(text).toMatch(/Unknown method/);
        }
      }
    }
    // The generator must really produce both kinds of value.
    expect(checked).toBeGreaterThan(FUZZ_INPUTS);
    expect(rejected).toBeGreaterThan(FUZZ_INPUTS / 4);
    expect(checked - rejected).toBeGreaterThan(FUZZ_INPUTS / 4);
  });
});
