// npm run export-recipe -- [LINK] [--method M[,M…]] [--set name=value …] [--out DIR] [--zip FILE]
// Writes Hugging Face TRL recipes for a playground experiment: LINK is a playground link (or its
// #hash); without one, --method (default the playground's default method; a comma list gives one
// student per method) and --set build the experiment. --set also applies on top of a link, to the
// shared settings or to every student with that parameter. --zip writes the page's download (the
// same files under one alembic-recipe/ folder) instead of, or with --out as well as, the folder.
// Bad input exits with code 2 and says why; a DIR or FILE that cannot be written exits with code 5
// (src/cli/outputFiles.ts).
import { resolve } from 'node:path';
import { commandLine, type Fail } from './args';
import { OutputFile, writeFiles } from './outputFiles';
import { applySettings, specFromLink, specFromMethods } from '../recipes/exportSpec';
import { buildRecipe } from '../recipes/build';
import { recipeZip } from '../recipes/zip';

const USAGE = 'usage: npm run export-recipe -- [LINK] [--method M[,M…]] [--set name=value …] [--out DIR] [--zip FILE]';

const cli = commandLine(USAGE, {
  options: { method: { type: 'string' }, set: { type: 'string', multiple: true, default: [] }, out: { type: 'string' }, zip: { type: 'string' } },
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

if (values.out !== undefined && values.out.trim() === '') fail('--out needs a folder name');
if (values.zip !== undefined && values.zip.trim() === '') fail('--zip needs a file name');
const files = buildRecipe(spec, { link });
const students = `${spec.lanes.length} student${spec.lanes.length > 1 ? 's' : ''}`;
if (values.zip !== undefined) {
  const zipPath = resolve(values.zip);
  const zip = await OutputFile.open(zipPath);
  try {
    await zip.write(recipeZip(files));
  } catch (e) {
    zip.abandon();
    throw e;
  }
  await zip.close();
  console.log(`wrote the zip of ${files.length} files for ${students} to ${zipPath}`);
}
if (values.out !== undefined || values.zip === undefined) {
  const out = resolve(values.out ?? 'recipe');
  await writeFiles(out, files);
  console.log(`wrote ${files.length} files for ${students} to ${out}`);
}
for (const f of files.filter((x) => x.path.endsWith('/train.py'))) console.log(`  ${f.path}`);
