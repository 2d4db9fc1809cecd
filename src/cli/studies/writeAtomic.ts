// Several study processes (--shard) rewrite the same pages after every run: write to a temporary
// file and rename it over the old one, so a reader never sees a half-written file.
import { renameSync, writeFileSync } from 'node:fs';

export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
