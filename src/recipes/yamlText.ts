// Writing values into a YAML file as data, whatever they hold. Strings become double-quoted
// scalars in which every character outside printable ASCII is an escape, so no line break,
// document marker, tag or bracket in a value can start new YAML; numbers are written so that a
// YAML 1.1 loader (PyYAML's safe_load) reads back the same double; comments lose anything that
// could end the line they are on. The escapes are YAML 1.1's (§5.7 of the YAML 1.1 spec).
import type { ParamValue } from '../engine/params';

export type YamlScalar = ParamValue | null;

const NAMED_ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
  '"': '\\"',
  '\\': '\\\\',
  '\x85': '\\N',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

/** A double-quoted YAML scalar holding exactly `s`: printable ASCII stays, everything else is escaped. */
export function yamlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (NAMED_ESCAPES[ch]) out += NAMED_ESCAPES[ch];
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return out + '"';
}

/**
 * A number YAML 1.1 reads back as the same value: integers plainly while they are exact, other
 * values in the shortest form that round-trips, with the dot and signed exponent YAML 1.1's float
 * needs (`1e-7` alone would be read as a string).
 */
export function yamlNumber(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  if (Number.isSafeInteger(v)) return String(v);
  const s = String(v); // shortest round-trip text; an exponent always carries its sign
  if (s.includes('.')) return s;
  return s.includes('e') ? s.replace('e', '.0e') : `${s}.0`;
}

export function yamlScalar(v: YamlScalar): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return yamlNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return yamlString(v);
}

/** Plain keys read back as strings in YAML 1.1 unless they spell a boolean or null. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESOLVED_WORDS = /^(y|n|yes|no|true|false|on|off|null)$/i;

/** A mapping key: plain when it is a safe identifier, quoted otherwise. */
export function yamlKey(k: string): string {
  return PLAIN_KEY.test(k) && !RESOLVED_WORDS.test(k) ? k : yamlString(k);
}

/** A comment's text: anything that is not printable (line breaks above all) becomes a space. */
export function yamlComment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return '# ' + text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, ' ');
}

/** `key: value` at an indent, with an optional trailing comment. */
export function yamlEntry(indent: number, key: string, value: YamlScalar, comment?: string): string {
  return `${' '.repeat(indent)}${yamlKey(key)}: ${yamlScalar(value)}${comment === undefined ? '' : `   ${yamlComment(comment)}`}`;
}

/** `key:` opening a nested mapping. */
export function yamlSection(indent: number, key: string): string {
  return `${' '.repeat(indent)}${yamlKey(key)}:`;
}
