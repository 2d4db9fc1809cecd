// npm run recipe-package
// Copies the alembic_trl package (recipes/alembic_trl/*.py) into src/recipes/alembicTrlFiles.ts,
// so every exported recipe, the page's zip included, carries the package in its own folder and
// needs nothing but PyPI. Run it after changing a file of recipes/alembic_trl/; a Vitest test
// fails while the copy is out of date.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { commandLine } from './args';
import { OutputFile } from './outputFiles';

const PACKAGE_DIR = 'recipes/alembic_trl';
const MODULE_PATH = 'src/recipes/alembicTrlFiles.ts';

/** The package's Python files, name → text, in name order. */
function packageFiles(dir = PACKAGE_DIR): Record<string, string> {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.py'))
    .sort();
  return Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}

function moduleText(files: Record<string, string>): string {
  const entries = Object.entries(files).map(([name, text]) => `  ${JSON.stringify(name)}: ${JSON.stringify(text)},`);
  return [
    '// The alembic_trl package as every exported recipe carries it (in its alembic_trl/ folder), copied',
    '// from recipes/alembic_trl/ by `npm run recipe-package`: edit the Python files there and rerun it.',
    'export const ALEMBIC_TRL_FILES: Readonly<Record<string, string>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

commandLine('usage: npm run recipe-package', { options: {} });
const files = packageFiles();
const text = await format(moduleText(files), { ...(await resolveConfig(MODULE_PATH)), filepath: MODULE_PATH });
const out = await OutputFile.open(MODULE_PATH);
await out.write(text);
await out.close();
console.log(`wrote ${MODULE_PATH} (${Object.keys(files).length} files of ${PACKAGE_DIR})`);
