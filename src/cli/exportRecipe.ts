// npm run export-recipe -- [LINK] [--method M[,M…]] [--set name=value …] [--out DIR]
// Writes Hugging Face TRL recipes for a playground experiment: LINK is a playground link (or its
// #hash); without one, --method (default the playground's default method; a comma list gives one
// student per method) and --set build the experiment. --set also applies on top of a link, to the
// shared settings or to every student with that parameter. Bad input exits with code 2 and says why.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { commandLine, type Fail } from './args';
import { METHOD_IDS, isMethodId } from '../engine/methods/declarations';
import { coerce } from '../engine/params';
import { laneParam } from '../state/config';
import { resolveSpec, type RunSpec } from '../shared/runSpec';
import { decodeHash } from '../state/url';
import { buildRecipe } from '../recipes/build';

const USAGE = 'usage: npm run export-recipe -- [LINK] [--method M[,M…]] [--set name=value …] [--out DIR]';

const cli = commandLine(USAGE, {
  options: { method: { type: 'string' }, set: { type: 'string', multiple: true, default: [] }, out: { type: 'string', default: 'recipe' } },
  allowPositionals: true,
});
const { values, positionals } = cli;
const fail: Fail = cli.fail;
if (positionals.length > 1) fail(`Expected at most one link, got ${positionals.length}`);

let spec: RunSpec;
const link = positionals[0];
if (link !== undefined) {
  if (values.method) fail('Give either a link or --method, not both');
  const hash = link.includes('#') ? link.slice(link.indexOf('#')) : link;
  const decoded = decodeHash(hash);
  if (decoded.empty) fail(`The link holds no experiment (nothing after '#'): ${link}`);
  if (decoded.problems.length) fail(`The link has problems:\n- ${decoded.problems.join('\n- ')}`);
  spec = decoded.spec;
} else {
  const methods = (values.method ?? 'ammd').split(',').filter(Boolean);
  const unknown = methods.filter((m) => !isMethodId(m));
  if (unknown.length) fail(`Unknown method ${unknown.map((m) => `'${m}'`).join(', ')}. Methods: ${METHOD_IDS.join(', ')}`);
  // One student per method; the race's four-student limit is the page's, not the export's.
  spec = { settings: resolveSpec({}).spec.settings, lanes: methods.map((method) => resolveSpec({ lanes: [{ method }] }).spec.lanes[0]) };
}

for (const item of values.set ?? []) {
  const eq = item.indexOf('=');
  if (eq <= 0) fail(`--set expects name=value, got '${item}'`);
  const id = item.slice(0, eq);
  const raw = item.slice(eq + 1);
  let used = false;
  const shared = laneParam('', id);
  if (shared) {
    const { value, problem } = coerce(shared, raw);
    if (problem) fail(`--set ${item}: ${problem}`);
    spec.settings[id] = value;
    used = true;
  }
  for (const lane of spec.lanes) {
    const p = shared ? undefined : laneParam(lane.method, id);
    if (!p) continue;
    const { value, problem } = coerce(p, raw);
    if (problem) fail(`--set ${item}: ${problem}`);
    lane.hyper[id] = value;
    used = true;
  }
  if (!used) fail(`--set ${item}: no setting '${id}' in the shared settings or any student's method`);
}

const out = resolve(values.out!);
const files = buildRecipe(spec, { link });
for (const f of files) {
  const path = join(out, f.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, f.content);
}
console.log(`wrote ${files.length} files for ${spec.lanes.length} student${spec.lanes.length > 1 ? 's' : ''} to ${out}`);
for (const f of files.filter((x) => x.path.endsWith('/train.py'))) console.log(`  ${f.path}`);
