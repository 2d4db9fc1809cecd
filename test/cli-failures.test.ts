// The commands other than distill (test/distill-cli.test.ts) end every failure the same way:
// one line, no stack trace; 2 for a usage error (numbers are plain decimal text), 5 for an
// output that cannot be written, and never a hang on a special file system.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ISSUE_LINK } from './support/hostileLinks';

const ROOT = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'alembic-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(script: string, ...args: string[]) {
  const t0 = performance.now();
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [`src/cli/${script}.ts`, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('usage:'));
  return { code: r.status, stderr: r.stderr, lines, ms: performance.now() - t0 };
}

describe('command failures', () => {
  it('export-recipe: a file, /proc or /sys as the folder exits 5 in one line, at once', () => {
    for (const [out, message] of [
      ['/etc/hostname', /^export-recipe: cannot write \/etc\/hostname\/student-1-kd: \/etc\/hostname is a file, not a folder$/],
      ['/proc/x', /^export-recipe: cannot write \/proc\/x: a folder on the path does not exist \(or was removed\) \(ENOENT\)$/],
      ['/sys/x', /^export-recipe: cannot write \/sys\/x: .*\((EPERM|EACCES|EROFS)\)$/],
    ] as const) {
      const r = run('exportRecipe', '--method', 'kd', '--out', out);
      expect(r.code, out).toBe(5);
      expect(r.lines, out).toHaveLength(1);
      expect(r.lines[0]).toMatch(message);
      expect(r.ms).toBeLessThan(30_000);
    }
  });

  it('export-recipe writes the issue’s link as data, and refuses a hex batch size', () => {
    const out = join(dir, 'recipe');
    const r = run('exportRecipe', ISSUE_LINK, '--out', out);
    expect(r.code).toBe(0);
    const config = readFileSync(join(out, 'student-1-kd', 'config.yaml'), 'utf8');
    expect(config).toContain('playground_link: "http://x/\\nextra_key: injected\\n#s1=kd&s2=ammd"');
    expect(config).not.toMatch(/^extra_key/m);
    const hex = run('exportRecipe', '--method', 'kd', '--set', 'batchSize=0x10', '--out', out);
    expect(hex.code).toBe(2);
    expect(hex.lines).toEqual(["--set batchSize=0x10: Batch size: '0x10' is not a plain decimal number"]);
  });

  it('train-teacher --steps abc is a usage error before anything trains', () => {
    const r = run('trainTeacher', '--task', 'addition', '--steps', 'abc');
    expect(r.code).toBe(2);
    expect(r.lines).toEqual(["--steps must be a whole number ≥ 1, got 'abc'"]);
  });
});
