// Writing text into a Python source file as data: string literals quoted the way Python's own
// ascii() quotes them (so the text can never close the literal or add code), the body of a
// triple-quoted docstring with the same escapes, and names that must be identifiers checked.

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

const NAMED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One character as it appears inside a Python string literal: printable ASCII as is, the rest escaped. */
function escapeChar(ch: string, quote: string): string {
  const code = ch.codePointAt(0)!;
  if (NAMED[ch]) return NAMED[ch];
  if (ch === quote) return `\\${ch}`;
  if (code >= 0x20 && code < 0x7f) return ch;
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  if (code <= 0xffff) return `\\u${hex(code, 4)}`;
  return `\\U${hex(code, 8)}`;
}

/** A Python string literal equal to `s`, quoted as ascii(s) quotes it. */
export function pyString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) out += escapeChar(ch, quote);
  return out + quote;
}

/** Text for inside a `"""…"""` literal: as `pyString`'s escapes, with every `"` escaped too. */
export function pyDocstringText(s: string): string {
  let out = '';
  for (const ch of s) out += escapeChar(ch, '"');
  return out;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `name` when it is a (dotted) Python identifier; anything else is a bug in the caller. */
export function pyName(name: string, dotted = false): string {
  const ok = dotted ? name.split('.').every((p) => IDENTIFIER.test(p)) : IDENTIFIER.test(name);
  if (!ok) throw new Error(`Not a Python ${dotted ? 'module path' : 'identifier'}: ${JSON.stringify(name)}`);
  return name;
}
