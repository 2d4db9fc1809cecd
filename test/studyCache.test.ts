// The study runner's cache: a run is reused only while the arm still resolves to the same whole
// configuration, so a changed default or a study's changed shared settings run it again.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runArm, type RunResult } from '../src/cli/studies/runner';
import type { Arm } from '../src/cli/studies/study';
import { tinyTeacher } from './helpers/tinyRun';

const dir = mkdtempSync(join(tmpdir(), 'alembic-study-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const arm: Arm = { id: 'kd', label: 'KD', task: 'addition', method: 'kd' };
const study = (lr: number) => ({ name: 'cache-test', common: { studentWidth: 8, studentHeads: 2, batchSize: 4, lr } });

describe('study run cache', () => {
  it('reuses a run with the same configuration and runs again when the shared settings change', async () => {
    const teacher = tinyTeacher('addition', 5, 8);
    const run = (lr: number) => runArm(study(lr), arm, 1, 2, 2, teacher, 'cpu', null, dir, { evalPrompts: 4 }, 'scratch');
    try {
      const first = await run(0.01);
      expect(first.config?.settings.lr).toBe(0.01);
      // The same request reads the cached file: the very same wall time comes back.
      const again = await run(0.01);
      expect(again.wallMs).toBe(first.wallMs);
      expect(readdirSync(dir)).toHaveLength(1);

      // `common` is not part of the file name, so the same file is found; its configuration
      // differs, so the run is made again and the file replaced.
      const changed = await run(0.02);
      expect(changed.config?.settings.lr).toBe(0.02);
      expect(changed.wallMs).not.toBe(first.wallMs);
      const [file] = readdirSync(dir);
      expect((JSON.parse(readFileSync(join(dir, file), 'utf8')) as RunResult).config?.settings.lr).toBe(0.02);

      // A run cached before configurations were recorded is trusted as it is.
      const legacy = { ...changed, config: undefined, wallMs: 123 };
      writeFileSync(join(dir, file), JSON.stringify(legacy));
      expect((await run(0.03)).wallMs).toBe(123);
    } finally {
      teacher.dispose();
    }
  });
});
