// npm run export-recipe -- [LINK] [--method M[,M…]] [--set name=value …] [--out DIR]
// Writes Hugging Face TRL recipes for a playground experiment: LINK is a playground link (or its
// #hash); without one, --method (default the playground's default method; a comma list gives one
// student per method) and --set build the experiment. --set also applies on top of a link, to the
// shared settings or to every student with that parameter. Bad input exits with code 2 and says
// why; a DIR that cannot be written exits with code 5 (src/cli/outputFiles.ts).
import { resolve } from 'node:path';
import { commandLine, type Fail } from './args';
import { writeFiles } from './outputFiles';
import { applySettings, specFromLink, specFromMethods } from '../recipes/exportSpec';
import { buildRecipe } from '../recipes/build';

const USAGE = 'usage: npm run export-recipe -- [LINK] [--method M[,M…]] [--set name=value …] [--out DIR]';

const cli = commandLine(USAGE, {
  options: { method: { type: 'string' }, set: { type: 'string', multiple: true, default: [] }, out: { type: 'string', default: 'recipe' } },
  allowPositionals: true,
});
const { values, positionals } = cli;
const fail: Fail = cli.fail;
if (positionals.length > 1) fail(`Expected at most one link, got ${positionals.length}`);

const link = positionals[0];
if (link !== undefined && values.method) fail('Give either a link or --method, not both');
const chosen = link !== undefined ? specFromLink(link) : specFromMethods((values.method ?? 'ammd').split(',').filter(Boolean));
if (chosen.problem !== undefined) fail(chosen.problem);
const spec = chosen.spec!;
const problem = applySettings(spec, values.set ?? []);
if (problem) fail(problem);

if (values.out!.trim() === '') fail('--out needs a folder name');
const out = resolve(values.out!);
const files = buildRecipe(spec, { link });
await writeFiles(out, files);
console.log(`wrote ${files.length} files for ${spec.lanes.length} student${spec.lanes.length > 1 ? 's' : ''} to ${out}`);
for (const f of files.filter((x) => x.path.endsWith('/train.py'))) console.log(`  ${f.path}`);
