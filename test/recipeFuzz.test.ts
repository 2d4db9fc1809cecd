// Hostile links through the recipe export: whatever the link holds before '#', config.yaml
// reads back (by a strict reader of the YAML subset the recipes use, with YAML's escapes) as the
// same mapping as a plain link's plus the link itself as a string, train.py is the same program,
// and the READMEs render (marked, GFM) to the same elements with the link as one code span.
// The page's zip holds the same files. recipes/tests/test_recipe_links.py checks the exported
// folders again with PyYAML's safe loader and Python's own parser.
import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { marked } from 'marked';
import { buildRecipe, maxNewTokens, PLACEHOLDERS, type RecipeFile } from '../src/recipes/build';
import { mapStudent } from '../src/recipes/mapping';
import { recipeZip, ZIP_ROOT } from '../src/recipes/zip';
import { specFromLink } from '../src/recipes/exportSpec';
import { mdLink, percentEncodedLink } from '../src/recipes/markdownText';
import { pyString } from '../src/recipes/pythonText';
import { yamlString } from '../src/recipes/yamlText';
import { HOSTILE_PIECES, ISSUE_LINK, hostileLinks } from './support/hostileLinks';

type Yaml = string | number | boolean | null | { [k: string]: Yaml };

/** YAML 1.1's double-quoted escapes (YAML 1.1 spec §5.7), and nothing else. */
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

function unquote(s: string): string {
  if (!/^"(?:[^"\\]|\\.)*"$/.test(s)) throw new Error(`not one double-quoted scalar: ${s}`);
  let out = '';
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i];
    if (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e) throw new Error(`raw character U+${c.charCodeAt(0).toString(16)} in ${s}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++i];
    const width = { x: 2, u: 4, U: 8 }[e];
    if (width) {
      const digits = s.slice(i + 1, i + 1 + width);
      if (!/^[0-9A-Fa-f]+$/.test(digits) || digits.length !== width) throw new Error(`bad \\${e} escape in ${s}`);
      out += String.fromCodePoint(parseInt(digits, 16));
      i += width;
    } else if (e in ESCAPES) out += ESCAPES[e];
    else throw new Error(`unknown escape \\${e} in ${s}`);
  }
  return out;
}

function scalar(text: string): Yaml {
  if (text.startsWith('"')) return unquote(text);
  if (text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+$/.test(text) || /^-?\d+\.\d*(e[-+]\d+)?$/.test(text)) return Number(text);
  throw new Error(`not a scalar the recipes write: ${text}`);
}

/**
 * The recipes' YAML subset, read strictly: comment lines, `key: scalar` with an optional
 * trailing comment, and `key:` opening a mapping indented by two. Any other line is an error.
 */
function readYaml(text: string): { [k: string]: Yaml } {
  const root: { [k: string]: Yaml } = {};
  let section: { [k: string]: Yaml } | null = null;
  const lines = text.split('\n');
  expect(lines.pop()).toBe('');
  for (const line of lines) {
    if (/^# [^\r\n\u2028\u2029\u0085]*$/.test(line)) continue;
    const m = /^( {2})?([A-Za-z_][A-Za-z0-9_]*):(?: ("(?:[^"\\]|\\.)*"|[^ "#][^ ]*))?(?: {3}# .*)?$/.exec(line);
    if (!m) throw new Error(`a line the recipes never write: ${JSON.stringify(line)}`);
    const [, indent, key, value] = m;
    const into: { [k: string]: Yaml } | null = indent ? section : root;
    if (!into) throw new Error(`indented line outside a mapping: ${line}`);
    if (key in into) throw new Error(`key ${key} twice`);
    if (value === undefined) {
      if (indent) throw new Error(`nested mapping in a mapping: ${line}`);
      section = into[key] = {};
    } else {
      into[key] = scalar(value);
      if (!indent) section = null;
    }
  }
  return root;
}

const file = (files: RecipeFile[], path: string) => files.find((f) => f.path === path)!.content;

/** The tags of rendered Markdown, in order (name and attributes). */
const tags = (markdown: string) => [...(marked.parse(markdown, { async: false }) as string).matchAll(/<\/?[a-zA-Z][^>]*>/g)].map((m) => m[0]);

/** What a plain link of the same experiment exports: the baseline every hostile link must match. */
function baseline(link: string) {
  const hash = link.slice(link.indexOf('#'));
  return buildRecipe(specFromLink(hash).spec!, { link: `http://localhost:4173/${hash}` });
}

function checkAgainstBaseline(link: string, files: RecipeFile[]) {
  const plain = baseline(link);
  const plainLink = `http://localhost:4173/${link.slice(link.indexOf('#'))}`;
  expect(files.map((f) => f.path)).toEqual(plain.map((f) => f.path));
  for (const f of files) {
    const twin = file(plain, f.path);
    if (f.path.endsWith('config.yaml')) {
      const read = readYaml(f.content);
      expect(read.playground_link).toBe(link);
      expect({ ...read, playground_link: plainLink }).toEqual(readYaml(twin));
    } else if (f.path.endsWith('.md')) {
      // The READMEs differ only by the link's code span; rendered, they hold the same elements.
      expect(f.content.split(mdLink(link)).join(mdLink(plainLink))).toBe(twin);
      expect(tags(f.content)).toEqual(tags(twin));
      expect(f.content.split('\n').length).toBe(twin.split('\n').length);
    } else expect(f.content, f.path).toBe(twin);
  }
}

describe('recipes exported from hostile links', () => {
  const links = [ISSUE_LINK, ...hostileLinks(20261203, 100)];

  it('the issue’s link exports a config whose teacher and arguments are the mapping’s', () => {
    const spec = specFromLink(ISSUE_LINK).spec!;
    const files = buildRecipe(spec, { link: ISSUE_LINK });
    const kd = readYaml(file(files, 'student-1-kd/config.yaml'));
    expect(Object.keys(kd)).toEqual(['playground_link', 'method', 'teacher', 'student', 'dataset', 'args']);
    expect(kd.teacher).toBe(PLACEHOLDERS.teacher);
    expect(kd.playground_link).toBe(ISSUE_LINK);
    const mapping = mapStudent('kd', spec.lanes[0].hyper, { settings: spec.settings, maxNewTokens: maxNewTokens(String(spec.settings.task)) });
    expect(kd.args).toEqual({ ...mapping.args, output_dir: 'out/student-1-kd' });
    expect(file(files, 'student-1-kd/config.yaml')).not.toMatch(/^extra_key/m);
  });

  it(`every config.yaml, train.py and README of ${links.length} links is the plain link's but for the link, as data`, () => {
    let broke = 0;
    for (const link of links) {
      const spec = specFromLink(link).spec;
      expect(spec, JSON.stringify(link)).toBeDefined();
      const files = buildRecipe(spec!, { link });
      checkAgainstBaseline(link, files);
      // The same files reach the page's zip.
      const zipped = unzipSync(recipeZip(files));
      for (const f of files) expect(strFromU8(zipped[`${ZIP_ROOT}/${f.path}`])).toBe(f.content);
      if (/[\n\r\u2028\u2029\u0085<`"]/.test(link.slice(0, link.indexOf('#')))) broke++;
    }
    // The generator really makes the characters that broke the old export.
    expect(broke).toBeGreaterThan(links.length / 2);
  });

  it('a link shows in a README as one code span of printable characters that decodes to the link', () => {
    for (const link of [ISSUE_LINK, ...HOSTILE_PIECES.map((p) => `http://x/${p}#s1=kd`)]) {
      const shown = percentEncodedLink(link);
      expect(shown).toMatch(/^[\x21-\x7e]+$/);
      expect(shown).not.toMatch(/[<>`"\\]/);
      // Without a '%' of its own (kept as is) or a lone surrogate (shown as U+FFFD), it decodes back.
      if (!link.includes('%') && !/[\ud800-\udfff]/.test(link.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) expect(decodeURIComponent(shown)).toBe(link);
      const html = marked.parse(`x ${mdLink(link)} y`, { async: false }) as string;
      expect(html).toBe(`<p>x <code>${shown.replace(/&/g, '&amp;').replace(/'/g, '&#39;')}</code> y</p>\n`);
    }
  });

  it('scalars and literals hold any text exactly', () => {
    for (const piece of [...HOSTILE_PIECES, HOSTILE_PIECES.join('')]) {
      expect(unquote(yamlString(piece))).toBe(piece);
      // Python's ascii() of a few by hand: quotes chosen and escaped as Python does.
      expect(pyString(piece)).toMatch(/^(['"]).*\1$/s);
    }
    expect(pyString("it's")).toBe(`"it's"`);
    expect(pyString(`'"`)).toBe(`'\\'"'`);
    expect(pyString('a\nb\u2028\u{1f4a5}\x7f')).toBe("'a\\nb\\u2028\\U0001f4a5\\x7f'");
    expect(yamlString('a\nb\u2028\u{1f4a5}\x7f"')).toBe('"a\\nb\\L\\U0001F4A5\\x7F\\""');
  });
});
