// The recipe files as one zip (the page's download), under a single top folder.
import { strToU8, zipSync } from 'fflate';
import type { RecipeFile } from './build';

export const ZIP_ROOT = 'alembic-recipe';

export function recipeZip(files: readonly RecipeFile[]): Uint8Array {
  return zipSync(Object.fromEntries(files.map((f) => [`${ZIP_ROOT}/${f.path}`, strToU8(f.content)])), { level: 6 });
}
