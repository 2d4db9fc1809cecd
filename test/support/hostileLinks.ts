// Playground links with a hostile part before '#' (the export copies the whole link into the recipe):
// line breaks of every kind, YAML document markers, tags, anchors and flow brackets, Python
// string closers, HTML and Markdown, control and bidi characters, lone surrogates. The hash after
// '#' is a clean experiment, so the export accepts the link. Seeded: every run makes the same links.
import { encodeHash } from '../../src/state/url';
import { resolveSpec } from '../../src/shared/runSpec';

/** The link the issue reported: a line break writes a real key into config.yaml. */
export const ISSUE_LINK = 'http://x/\nextra_key: injected\n#s1=kd&s2=ammd';

/** Methods that export a recipe (the fuzz does not need every method, only every trainer kind). */
export const RECIPE_METHODS = [
  'sft',
  'seqkd',
  'kd',
  'rkl',
  'tvd',
  'gkd',
  'distillm',
  'minillm',
  'ammd',
  'xkd',
  'opd',
  'taid',
  'distillm2',
  'skd',
  'abkd',
] as const;

export const HOSTILE_PIECES = [
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u0085',
  '\v',
  '\f',
  '\t',
  '\0',
  '\x1b[31m',
  '\ufeff',
  '\u202e',
  '\ud800',
  '💥',
  'é',
  'extra_key: injected',
  'teacher: evil/model',
  'args: {learning_rate: 1000}',
  '---',
  '...',
  '%YAML 1.1',
  '!!python/object/apply:os.system ["id"]',
  '!!binary aGk=',
  '&anchor',
  '*anchor',
  '? ',
  '- item',
  '[',
  ']',
  '{',
  '}',
  '#',
  ': ',
  '"',
  "'",
  '\\',
  '\\"',
  '"""',
  "'''",
  '"""; import os; os.system("id"); """',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<!--',
  '-->',
  '<iframe src="javascript:alert(1)">',
  '&lt;b&gt;',
  '&#60;script&#62;',
  '`',
  '```',
  '[x](javascript:alert(1))',
  '![x](http://e.example/x.png)',
  '<http://e.example>',
  '**bold**',
  '_em_',
  '|',
  '# heading',
  '> quote',
  '%0A',
  '%',
  ' ',
];

/** mulberry32: a tiny seeded generator. */
export function seeded(seed: number) {
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

/** A clean hash of one to three students of random methods (with a non-default value or two). */
function cleanHash(g: ReturnType<typeof seeded>): string {
  const lanes = Array.from({ length: 1 + g.int(3) }, () => ({ method: g.pick(RECIPE_METHODS) }));
  const { spec } = resolveSpec({ settings: { lr: g.pick([0.001, 0.0005, 3e-7, 0.123456789]), seed: g.int(1000) }, lanes });
  return encodeHash(spec);
}

/** `count` links: hostile text before '#', then a clean experiment. */
export function hostileLinks(seed: number, count: number): string[] {
  const g = seeded(seed);
  return Array.from({ length: count }, () => {
    // A '#' would start the experiment: before it, a link can only hold one percent-encoded.
    const pieces = Array.from({ length: 2 + g.int(8) }, () => g.pick(HOSTILE_PIECES).replace(/#/g, '%23'));
    return `http://${g.pick(['localhost:4173', 'x', 'a.example'])}/${pieces.join(g.pick(['', '\n', ' ']))}${cleanHash(g)}`;
  });
}
