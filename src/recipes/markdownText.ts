// Writing text into a Markdown README as data: inline text with the characters that open HTML
// or inline Markdown escaped (CommonMark lets any ASCII punctuation be backslash-escaped, and
// HTML's three are written as entities), code spans that no backtick in the text can close, and
// a link shown as a code span of its percent-encoded form, so it is one line of plain characters.

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g;
const INLINE_PUNCTUATION = /[\\`*[\]|~#!]/g;
/** An underscore between two letters or digits can neither open nor close emphasis (CommonMark 6.2). */
const LOOSE_UNDERSCORE = /(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

const codeName = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Inline Markdown showing exactly `s`: no tag, link, emphasis or table cell can start inside it. */
export function mdText(s: string): string {
  return s
    .replace(INLINE_PUNCTUATION, (c) => `\\${c}`)
    .replace(LOOSE_UNDERSCORE, '\\_')
    .replace(/[&<>]/g, (c) => ENTITIES[c])
    .replace(UNPRINTABLE, (c) => ` (${codeName(c)}) `);
}

/** A code span showing `s`: its fence is longer than any run of backticks inside. */
export function mdCode(s: string): string {
  const text = s.replace(UNPRINTABLE, (c) => codeName(c));
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Characters a URL may hold unencoded (RFC 3986's unreserved and reserved ones, and '%'). */
const URL_CHAR = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;

/** `link` with every other character percent-encoded (as UTF-8): the same address, one printable line. */
export function percentEncodedLink(link: string): string {
  let out = '';
  for (const ch of link) {
    if (URL_CHAR.test(ch)) out += ch;
    else {
      const single = ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff;
      out += encodeURIComponent(single ? '\ufffd' : ch);
    }
  }
  return out;
}

/** A link as a README shows it: a code span of its percent-encoded form. */
export function mdLink(link: string): string {
  return mdCode(percentEncodedLink(link));
}
