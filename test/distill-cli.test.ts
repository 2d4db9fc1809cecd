// The distill command: usage errors exit with code 2 and say what is allowed; a short run on a
// tiny teacher written here writes one JSON line per evaluation with every METRIC_KEYS key.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_KEYS } from '../src/engine/metrics/record';
import { saveModelDir } from '../src/cli/nodeModel';
import { tinyTeacher } from './helpers/tinyRun';

const ROOT = join(__dirname, '..');
let dir = '';

function distill(...args: string[]) {
  const r = spawnSync('npx', ['tsx', 'src/cli/distill.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alembic-distill-'));
  const teacher = tinyTeacher('addition', 4, 8);
  await saveModelDir(teacher, join(dir, 'teacher'));
  teacher.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run distill', () => {
  it('rejects an unknown task, listing the tasks', () => {
    const r = distill('--task', 'poetry', '--method', 'sft', '--steps', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown task 'poetry'. Tasks: addition, reverse, grammar/);
  });

  it('rejects an unknown method, listing the methods', () => {
    const r = distill('--task', 'addition', '--method', 'magic', '--steps', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown method 'magic'. Methods: sft, seqkd, kd, rkl, tvd, gkd, distillm, minillm, ammd, xkd/);
  });

  it('rejects an unknown setting, listing the settings and the method’s parameters', () => {
    const r = distill('--task', 'addition', '--method', 'gkd', '--steps', '2', '--set', 'temperature=2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown setting 'temperature' for gkd/);
    expect(r.stderr).toMatch(/lambda \(0–1\)/);
    expect(r.stderr).toMatch(/batchSize \(4–128\)/);
  });

  it('rejects out-of-range and malformed values', () => {
    const range = distill('--task', 'addition', '--method', 'gkd', '--steps', '2', '--set', 'lambda=1.5');
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/1.5 is outside 0–1/);
    const choice = distill('--task', 'addition', '--method', 'gkd', '--steps', '2', '--set', 'divergence=hellinger');
    expect(choice.code).toBe(2);
    expect(choice.stderr).toMatch(/jsd\|fkl\|rkl\|tvd/);
    const shape = distill('--task', 'addition', '--method', 'gkd', '--steps', '2', '--set', 'lambda');
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/name=value/);
    const backend = distill('--task', 'addition', '--method', 'gkd', '--steps', '2', '--backend', 'tpu');
    expect(backend.code).toBe(2);
    expect(backend.stderr).toMatch(/Backends: cpu, wasm, webgpu/);
    const flag = distill('--task', 'addition', '--method', 'gkd', '--bogus', '1');
    expect(flag.code).toBe(2);
  });

  it('writes one JSON line per evaluation with every metric key', () => {
    const out = join(dir, 'run.jsonl');
    const args = ['--task', 'addition', '--method', 'gkd', '--steps', '3', '--seed', '2', '--eval-every', '2', '--backend', 'cpu', '--teacher', join(dir, 'teacher'), '--set', 'lambda=1', '--set', 'batchSize=4', '--set', 'studentWidth=8', '--out', out];
    const r = distill(...args);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([0, 2, 3]);
    for (const l of lines) for (const k of METRIC_KEYS) expect(l).toHaveProperty(k);
    expect(lines[0].loss).toBeNull();
    expect(typeof lines[2].loss).toBe('number');
    expect(lines[2].criticLoss).toBeNull();
  });
});
