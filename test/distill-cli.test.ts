// The distill command: usage errors exit with code 2 and say what is allowed; a short run on a
// tiny teacher written here writes one JSON line per evaluation with every METRIC_KEYS key.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_KEYS } from '../src/engine/metrics/record';
import { saveModelDir } from '../src/cli/nodeModel';
import { tinyTeacher } from './helpers/tinyRun';
import { TASKS } from '../src/engine/tasks';
import { SKILLS } from '../src/engine/tasks/instructions';
import { EVAL_PROMPTS } from '../src/engine/metrics/evaluate';

const ROOT = join(__dirname, '..');
let dir = '';

function distill(...args: string[]) {
  return distillIn(ROOT, ...args);
}

/** Run as `npm run` does: in the package root, with the user's directory in INIT_CWD. */
function distillIn(userDir: string, ...args: string[]) {
  // tsx directly: npx would set INIT_CWD to its own directory.
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, ['src/cli/distill.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, INIT_CWD: userDir } });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** A copy of the tiny teacher with its model.json or weights changed. */
function brokenTeacher(name: string, edit: (files: { json: string; weights: Float32Array }) => void): string {
  const to = join(dir, name);
  mkdirSync(to, { recursive: true });
  const json = readFileSync(join(dir, 'teacher', 'model.json'), 'utf8');
  const weights = new Float32Array(new Uint8Array(readFileSync(join(dir, 'teacher', 'weights.bin'))).buffer);
  const files = { json, weights };
  edit(files);
  writeFileSync(join(to, 'model.json'), files.json);
  writeFileSync(join(to, 'weights.bin'), new Uint8Array(files.weights.buffer));
  return to;
}

const QUICK = ['--task', 'addition', '--method', 'sft', '--steps', '2', '--backend', 'cpu', '--set', 'batchSize=4', '--set', 'studentWidth=8'];
/** The JSON records a run wrote, one per line. */
const readRecords = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
/** One line of error, no stack trace. */
const oneLine = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('usage:')).length === 1 && !/\n\s+at /.test(stderr);

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
    expect(r.stderr).toMatch(/Unknown task 'poetry'. Tasks: addition, reverse, grammar, instructions/);
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
    expect(range.stderr).toMatch(/1\.5 is above the maximum 1/);
    const fraction = distill('--task', 'addition', '--method', 'gkd', '--steps', '2', '--set', 'batchSize=4.5');
    expect(fraction.code).toBe(2);
    expect(fraction.stderr).toMatch(/Batch size: 4\.5 is not a multiple of 4/);
    const empty = distill('--task', 'addition', '--method', 'gkd', '--steps', '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--steps must be a whole number/);
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

  it('--backend auto says what it chose and why, and the run is the one that backend gives', () => {
    const args = [
      '--task',
      'addition',
      '--method',
      'gkd',
      '--steps',
      '2',
      '--seed',
      '3',
      '--teacher',
      join(dir, 'teacher'),
      '--set',
      'batchSize=4',
      '--set',
      'studentWidth=8',
    ];
    const auto = distill(...args, '--backend', 'auto');
    expect(auto.code).toBe(0);
    // Here WebGPU is only SwiftShader (passed over), so wasm is the one backend left; a machine
    // with a GPU prints the measured figures instead.
    const line = auto.stderr.split('\n').find((l) => l.startsWith('backend auto: '));
    expect(line).toMatch(/^backend auto: (wasm, the only backend that started here|.* ms\/step.* → (wasm|WebGPU))/);
    const chosen = /backend (wasm|webgpu|cpu)[ ,]/.exec(auto.stderr.split('\n').find((l) => l.startsWith('distill gkd'))!)![1];
    // The probe's steps are thrown away: the records are those of the same run on that backend
    // (all but the measured speed).
    const named = distill(...args, '--backend', chosen);
    expect(named.code).toBe(0);
    const records = (out: string) =>
      out
        .trim()
        .split('\n')
        .map((l) => ({ ...JSON.parse(l), stepsPerSec: null }));
    expect(records(auto.stdout)).toEqual(records(named.stdout));
    expect(records(auto.stdout).length).toBeGreaterThanOrEqual(3);
  });

  it('writes one JSON line per evaluation with every metric key', () => {
    const out = join(dir, 'run.jsonl');
    const args = [
      '--task',
      'addition',
      '--method',
      'gkd',
      '--steps',
      '3',
      '--seed',
      '2',
      '--eval-every',
      '2',
      '--backend',
      'cpu',
      '--teacher',
      join(dir, 'teacher'),
      '--set',
      'lambda=1',
      '--set',
      'batchSize=4',
      '--set',
      'studentWidth=8',
      '--out',
      out,
    ];
    const r = distill(...args);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const lines = readRecords(out);
    // Step 0, the early steps 1 and 2 (2 is also a multiple of evalEvery), and the last step 3.
    expect(lines.map((l) => l.step)).toEqual([0, 1, 2, 3]);
    // Width 8 has no shipped warm-start student: the run says so and starts from scratch.
    expect(r.stderr).toMatch(/No warm-start addition student ships for width 8/);
    expect(r.stderr).toMatch(/student from scratch/);
    for (const l of lines) for (const k of METRIC_KEYS) expect(l).toHaveProperty(k);
    expect(lines[0].loss).toBeNull();
    expect(typeof lines[3].loss).toBe('number');
    expect(lines[3].criticLoss).toBeNull();
  });

  it('on instructions, every record carries the score of each skill, and they add up to the score', async () => {
    const teacherDir = join(dir, 'instructions-teacher');
    const teacher = tinyTeacher('instructions', 5, 8);
    await saveModelDir(teacher, teacherDir);
    teacher.dispose();
    const out = join(dir, 'instructions.jsonl');
    const r = distill(
      ...['--task', 'instructions', '--method', 'gkd', '--steps', '2', '--seed', '1', '--eval-every', '2', '--backend', 'cpu', '--teacher', teacherDir],
      ...['--set', 'batchSize=4', '--set', 'studentWidth=8', '--set', 'studentInit=scratch', '--out', out],
    );
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const lines = readRecords(out);
    // The evaluation's prompts are the first EVAL_PROMPTS of the held-out set, which cycles
    // through the skills: count each skill's prompts there independently of the scorer.
    const prompts = TASKS.instructions.heldOut.slice(0, EVAL_PROMPTS);
    const n = Object.fromEntries(SKILLS.map((skill) => [skill, prompts.filter((e) => e.prompt.startsWith(skill + ' ')).length]));
    for (const l of lines) {
      let weighted = 0;
      for (const skill of SKILLS) {
        const v = l.extras[`score.${skill}`];
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        // A share of that skill's prompts: a whole number of them right.
        expect(Math.abs(v * n[skill] - Math.round(v * n[skill]))).toBeLessThan(1e-9);
        weighted += v * n[skill];
      }
      expect(weighted / EVAL_PROMPTS).toBeCloseTo(l.score, 9);
      expect(l.extras.skillsKept).toBe(SKILLS.filter((skill) => l.extras[`score.${skill}`] >= 0.5).length);
    }
  });

  it('checks the teacher and the output before loading anything, one line and a code each', () => {
    const missing = distill(...QUICK, '--teacher', join(dir, 'nowhere'));
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/cannot read the teacher in .*nowhere: model\.json or weights\.bin is missing/);
    expect(oneLine(missing.stderr)).toBe(true);

    const garbled = distill(
      ...QUICK,
      '--teacher',
      brokenTeacher('garbled', (f) => (f.json = '{"weightsManifest": [null]}')),
    );
    expect(garbled.code).toBe(4);
    expect(garbled.stderr).toMatch(/cannot be used: model\.json: weightsManifest group 1 has no list of weights/);
    expect(oneLine(garbled.stderr)).toBe(true);

    const nan = distill(
      ...QUICK,
      '--teacher',
      brokenTeacher('nan', (f) => (f.weights[3] = NaN)),
    );
    expect(nan.code).toBe(4);
    expect(nan.stderr).toMatch(/holds NaN \(at index 3/);

    // A teacher of another task's context length does not fit this task.
    const reverse = distill(...QUICK, '--task', 'reverse', '--teacher', join(dir, 'teacher'));
    expect(reverse.code).toBe(4);
    expect(reverse.stderr).toMatch(/does not fit task 'reverse': .*seqLen/);
    expect(oneLine(reverse.stderr)).toBe(true);

    const unwritable = distill(...QUICK, '--teacher', join(dir, 'teacher'), '--out', join(dir, 'no', 'such', 'dir', 'run.jsonl'));
    expect(unwritable.code).toBe(5);
    expect(unwritable.stderr).toMatch(/cannot write --out .*run\.jsonl/);
    expect(unwritable.stderr).not.toMatch(/distill sft on/); // before the engine started
    expect(oneLine(unwritable.stderr)).toBe(true);
  });

  it('every write failure of --out exits 5 in one line: a full device, no permission, a folder, a file on the path', () => {
    const teacher = ['--teacher', join(dir, 'teacher')];
    const full = distill(...QUICK, ...teacher, '--steps', '0', '--out', '/dev/full');
    expect(full.code).toBe(5);
    expect(full.stderr).toMatch(/distill: cannot write --out \/dev\/full: no space left on the device \(ENOSPC\)/);
    expect(full.stderr).not.toMatch(/\n\s+at /);
    for (const [out, reason] of [
      ['/sys/x', /\((EACCES|EPERM|EROFS)\)/],
      [dir, /it is a folder, not a file \(EISDIR\)/],
      ['/etc/hostname/run.jsonl', /part of the path is a file, not a folder \(ENOTDIR\)/],
    ] as const) {
      const r = distill(...QUICK, ...teacher, '--out', out);
      expect(r.code, out).toBe(5);
      expect(r.stderr).toMatch(reason);
      expect(oneLine(r.stderr)).toBe(true);
    }
    // Numbers are plain decimal text: padding or hex is a usage error.
    expect(distill(...QUICK, ...teacher, '--steps', ' 2').code).toBe(2);
    expect(distill(...QUICK, ...teacher, '--set', 'seed=0x10').code).toBe(2);
  });

  it('resolves relative paths from the directory the user ran it in', () => {
    const r = distillIn(dir, ...QUICK, '--teacher', 'teacher', '--out', 'relative.jsonl', '--steps', '0');
    expect(r.stderr).not.toMatch(/distill:/);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'relative.jsonl'))).toBe(true);
    expect(existsSync(join(ROOT, 'relative.jsonl'))).toBe(false);
  });

  it('stops with code 3 when a metric is not finite, even for a method that ignores the teacher', () => {
    // Finite but huge teacher weights: its logits overflow, so every divergence from it is NaN.
    const huge = brokenTeacher('huge', (f) => f.weights.fill(1e30));
    const out = join(dir, 'huge.jsonl');
    const r = distill(...QUICK, '--teacher', huge, '--out', out);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/halted at step 0: \w+ is (NaN|Infinity|-Infinity)/);
    expect(readFileSync(out, 'utf8')).toBe(''); // no record with nulls standing in for NaN
  });
});
