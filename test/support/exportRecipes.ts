// tsx test/support/exportRecipes.ts LINKS.json OUT
// For recipes/tests/test_recipe_links.py: each link of the JSON list is read as export-recipe
// reads it (specFromLink) and its recipe written as export-recipe writes it (writeFiles) to
// OUT/<i>/, and as the page's zip to OUT/<i>.zip; OUT/manifest.json lists, per link, what the
// mapping produced for each student (its config arguments), for the Python side to compare with
// what PyYAML reads back.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRecipe, folderName, maxNewTokens, PLACEHOLDERS } from '../../src/recipes/build';
import { mapStudent } from '../../src/recipes/mapping';
import { specFromLink } from '../../src/recipes/exportSpec';
import { recipeZip } from '../../src/recipes/zip';
import { writeFiles } from '../../src/cli/outputFiles';

const [linksFile, out] = process.argv.slice(2);
const links = JSON.parse(readFileSync(linksFile, 'utf8')) as string[];
const manifest = [];
for (const [i, link] of links.entries()) {
  const { spec, problem } = specFromLink(link);
  if (!spec) throw new Error(`link ${i}: ${problem}`);
  const files = buildRecipe(spec, { link });
  await writeFiles(join(out, String(i)), files);
  writeFileSync(join(out, `${i}.zip`), recipeZip(files));
  const ctx = { settings: spec.settings, maxNewTokens: maxNewTokens(String(spec.settings.task)) };
  const students = spec.lanes.map((lane, j) => {
    const dir = folderName(j, lane.method);
    return { dir, method: lane.method, args: { ...mapStudent(lane.method, lane.hyper, ctx).args, output_dir: `out/${dir}` } };
  });
  manifest.push({ link, students });
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ placeholders: PLACEHOLDERS, recipes: manifest }));
