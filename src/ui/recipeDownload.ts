// The keep panel's "TRL recipe" download: the run's recipes as one zip file.
import { buildRecipe } from '../recipes/build';
import { ZIP_ROOT, recipeZip } from '../recipes/zip';
import type { RunSpec } from '../shared/runSpec';

export function downloadRecipe(spec: RunSpec, link: string): void {
  const zip = recipeZip(buildRecipe(spec, { link }));
  const url = URL.createObjectURL(new Blob([zip as BlobPart], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${ZIP_ROOT}.zip`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
