// npm run distill -- --task T --method M --steps N --seed S [--backend cpu|wasm|webgpu|auto]
//                    [--eval-every K] [--out FILE] [--set name=value ...] [--teacher DIR]
// Runs one distillation headlessly with the same engine as the playground and writes one JSON
// object per evaluation (JSON lines) to FILE or stdout. Everything the user gave (flags, values,
// paths, the teacher's files) is checked before TensorFlow.js loads; every failure is one line
// on stderr and a distinct exit code (EXIT below, listed in the README).
import { readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLine, type Fail } from './args';
import { OutputError, OutputFile, outputError } from './outputFiles';
import type { BackendName } from '../engine/backend';
import { TASK_IDS, getTask, type TaskId } from '../engine/tasks';
import { VOCAB_SIZE } from '../engine/tasks/vocab';
import { METHOD_IDS, isMethodId } from '../engine/methods/declarations';
import { findParam, paramIds, resolveConfig } from '../engine/runConfig';
import { SHARED_PARAMS } from '../engine/settings';
import { coerce, quote, type ParamSpec } from '../engine/params';
import { checkFinite, parseModelJson } from '../engine/model/weightCheck';
import { validateConfig, type ModelConfig } from '../engine/model/config';

/** Exit codes: each failure the user can act on has its own. */
// An error nobody caught ends in one line too (commandLine sees to it): 5 for the output, else 1.
export const EXIT = { ok: 0, internal: 1, usage: 2, nonFinite: 3, teacher: 4, output: 5, backend: 6 } as const;

const USAGE =
  'usage: npm run distill -- --task T --method M --steps N --seed S [--backend cpu|wasm|webgpu|auto] [--eval-every K] [--out FILE] [--set name=value ...] [--teacher DIR]';
const BACKENDS: Array<BackendName | 'auto'> = ['cpu', 'wasm', 'webgpu', 'auto'];

/** One readable line and the exit code for it; the stack only when ALEMBIC_DEBUG is set. */
function stop(code: number, message: string, error?: unknown): never {
  console.error(`distill: ${message}`);
  if (error && process.env.ALEMBIC_DEBUG) console.error(error);
  process.exit(code);
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function describeSpec(spec: ParamSpec): string {
  if (spec.kind === 'number') return `${spec.id} (${spec.min}–${spec.max}${spec.step === 1 ? ', integer' : ''})`;
  if (spec.kind === 'choice') return `${spec.id} (${spec.choices.map((c) => c.value).join('|')})`;
  return `${spec.id} (true|false)`;
}

const cli = commandLine(USAGE, {
  options: {
    task: { type: 'string' },
    method: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    'eval-every': { type: 'string' },
    out: { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
    teacher: { type: 'string' },
  },
});
const args = cli.values;
const fail: Fail = (message) => cli.fail(message, EXIT.usage);

if (!args.task) fail(`--task is required. Tasks: ${TASK_IDS.join(', ')}`);
if (!(TASK_IDS as readonly string[]).includes(args.task)) fail(`Unknown task '${args.task}'. Tasks: ${TASK_IDS.join(', ')}`);
if (!args.method) fail(`--method is required. Methods: ${METHOD_IDS.join(', ')}`);
if (!isMethodId(args.method)) fail(`Unknown method '${args.method}'. Methods: ${METHOD_IDS.join(', ')}`);
const method = args.method;
if (!BACKENDS.includes(args.backend as BackendName)) fail(`Unknown backend '${args.backend}'. Backends: ${BACKENDS.join(', ')}`);
const backendName = args.backend as BackendName | 'auto';

if (args.steps !== undefined && !/^\d{1,9}$/.test(args.steps)) fail(`--steps must be a whole number from 0 to 999999999, got '${quote(args.steps)}'`);
const steps = args.steps === undefined ? 200 : Number(args.steps);

// Every value goes through its spec; anything it would have to change is an error here.
const settings: Record<string, unknown> = { task: args.task };
const hyper: Record<string, unknown> = {};
function put(id: string, raw: string, from: string) {
  const found = findParam(method, id);
  if (!found) {
    const allowed = paramIds(method)
      .filter((p) => p !== 'task')
      .map((p) => describeSpec(findParam(method, p)!.spec));
    fail(`Unknown setting '${quote(id)}' for ${method} (${quote(from, 80)}). Allowed: ${allowed.join(', ')}`);
  }
  const { problem } = coerce(found.spec, raw);
  if (problem) fail(`${quote(from, 80)}: ${problem.replace(/; using .*$/, '')}. Allowed: ${describeSpec(found.spec)}`);
  (found.where === 'settings' ? settings : hyper)[id] = raw;
}
if (args.seed !== undefined) put('seed', args.seed, '--seed');
if (args['eval-every'] !== undefined) put('evalEvery', args['eval-every'], '--eval-every');
for (const item of args.set ?? []) {
  const eq = item.indexOf('=');
  if (eq <= 0) fail(`--set expects name=value, got '${quote(item)}'`);
  const id = item.slice(0, eq);
  if (id === 'task') fail('Use --task to choose the task');
  put(id, item.slice(eq + 1), `--set ${item}`);
}
// The planned length drives schedules (DistiLLM); the slider's range does not bound the CLI.
if (!('steps' in settings)) {
  const spec = SHARED_PARAMS.find((p) => p.id === 'steps')!;
  settings.steps = coerce(spec, Math.max(steps, 1)).value;
}
const { config, problems } = resolveConfig({ method, settings, hyper });
if (problems.length) fail(problems.join('\n'));

// Paths are the user's: relative to where they ran the command (npm sets INIT_CWD to it; npm run
// itself runs in the package root).
const userDir = process.env.INIT_CWD ?? process.cwd();
const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const dir = args.teacher !== undefined ? resolve(userDir, args.teacher) : join(REPO_ROOT, 'public', 'teachers', args.task);
const taskId = args.task as TaskId;

// The teacher's files, read and checked without TensorFlow.js: a bad one answers at once.
let teacherFiles: { json: string; weights: ArrayBuffer };
try {
  const bin = readFileSync(join(dir, 'weights.bin'));
  teacherFiles = { json: readFileSync(join(dir, 'model.json'), 'utf8'), weights: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) };
} catch (e) {
  const hint = args.teacher === undefined ? `; train one with npm run train-teacher -- --task ${taskId}` : '';
  stop(
    EXIT.teacher,
    `cannot read the teacher in ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'model.json or weights.bin is missing' : errorText(e)}${hint}`,
  );
}
try {
  const { entries } = parseModelJson(teacherFiles.json);
  const needed = entries.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (needed !== teacherFiles.weights.byteLength) throw new Error(`weights.bin has ${teacherFiles.weights.byteLength} bytes, model.json needs ${needed}`);
  checkFinite(teacherFiles.weights, entries);
} catch (e) {
  stop(EXIT.teacher, `the teacher in ${dir} cannot be used: ${errorText(e)}`);
}

// The output is opened (created or emptied) before any model loads: an unwritable path fails
// fast. Writes are asynchronous and bounded (./outputFiles), so a special file cannot hang the run.
let out: OutputFile | null = null;
if (args.out !== undefined) {
  if (args.out.trim() === '') fail('--out needs a file name');
  const path = resolve(userDir, args.out);
  try {
    out = await OutputFile.open(path);
  } catch (e) {
    stop(EXIT.output, `cannot write --out ${path}: ${outputError(path, e).reason}`);
  }
}

/** The teacher's configuration from its model.json (checked: a bad one is the teacher's fault, code 4). */
function teacherModelConfig(json: string): ModelConfig {
  try {
    const config = (parseModelJson(json).modelTopology as { config?: ModelConfig } | null)?.config;
    if (!config) throw new Error('model.json has no model configuration');
    validateConfig(config);
    return config;
  } catch (e) {
    stop(EXIT.teacher, `the teacher in ${dir} cannot be used: ${errorText(e)}`);
  }
}

/** The first metric of a record that is NaN or infinite (null means the method has none), or null. */
function nonFinite(record: Record<string, unknown>): string | null {
  for (const [k, v] of Object.entries(record)) if (typeof v === 'number' && !Number.isFinite(v)) return `${k} is ${v}`;
  return null;
}

let cleanupGpu = backendName === 'webgpu' ? await (await import('./nodeWebGpu')).setupNodeWebGpu() : () => {};
let backend;
try {
  if (backendName === 'auto') {
    // Measured on this run's own steps, against a teacher of the shipped one's size.
    const { autoBackend } = await import('./autoBackend');
    const auto = await autoBackend([config], teacherModelConfig(teacherFiles.json));
    console.error(auto.summary);
    backend = auto.report;
    cleanupGpu = auto.cleanup;
  } else {
    const { chooseBackend } = await import('../engine/backend');
    backend = await chooseBackend([backendName]);
  }
} catch (e) {
  stop(EXIT.backend, `the ${backendName} backend could not start: ${errorText(e)}`, e);
}
const { Trainer } = await import('../engine/trainer');
const { loadFromFiles } = await import('../engine/model/checkpoint');
let teacher;
try {
  teacher = loadFromFiles(teacherFiles.json, teacherFiles.weights, { vocabSize: VOCAB_SIZE, seqLen: getTask(taskId).seqLen }).model;
} catch (e) {
  stop(EXIT.teacher, `the teacher in ${dir} does not fit task '${taskId}': ${errorText(e)}`, e);
}
const { loadStudentStart } = await import('./nodeModel');
const start = loadStudentStart(config);
if (start.notice) console.error(start.notice);
const trainer = await Trainer.create(config, teacher, { backendName: backend.name, initialStudent: start.model });
start.model?.dispose();
console.error(
  `distill ${method} on ${taskId}: ${steps} steps, seed ${config.settings.seed}, backend ${backend.name}${backend.adapter ? ` (${backend.adapter.description})` : ''}, student from ${trainer.studentStart === 'sft' ? 'the shipped SFT checkpoint' : 'scratch'}`,
);

/** One JSON line to --out or stdout; a failed write is an OutputError (exit 5). */
async function write(record: object): Promise<void> {
  const line = JSON.stringify(record) + '\n';
  if (out) return out.write(line);
  try {
    writeSync(1, line);
  } catch (e) {
    throw outputError('standard output', e);
  }
}
let exitCode: number = EXIT.ok;
/** Write an evaluation, or stop the run with code 3 if any of its numbers is not finite. */
async function emit(record: Record<string, unknown>): Promise<boolean> {
  const bad = nonFinite(record);
  if (bad) {
    console.error(
      `distill: halted at step ${String(record.step)}: ${bad}. The teacher or the settings give non-finite values; lower the learning rate or check the teacher.`,
    );
    exitCode = EXIT.nonFinite;
    return false;
  }
  await write(record);
  return true;
}
try {
  const every = config.settings.evalEvery as number;
  let going = await emit(await trainer.evaluate());
  for (let i = 0; going && i < steps; i++) {
    const o = await trainer.trainStep();
    if (o.halted) {
      console.error(`distill: ${o.halted}`);
      exitCode = EXIT.nonFinite;
      going = false;
    } else if (o.record) {
      going = await emit(o.record);
      if (going)
        console.error(`step ${o.step}: loss ${o.record.loss?.toFixed(4)} rklStudent ${o.record.rklStudent?.toFixed(4)} score ${o.record.score?.toFixed(3)}`);
    }
  }
  if (going && trainer.step % every !== 0) await emit(await trainer.evaluate());
  console.error(`evaluation took ${(100 * trainer.evalFraction).toFixed(1)}% of the time`);
  await out?.close();
} catch (e) {
  if (e instanceof OutputError) {
    console.error(`distill: cannot write ${out ? `--out ${e.path}` : e.path}: ${e.reason}`);
    exitCode = EXIT.output;
    out?.abandon();
  } else {
    console.error(`distill: the run failed: ${errorText(e)}`);
    if (process.env.ALEMBIC_DEBUG) console.error(e);
    exitCode = EXIT.internal;
  }
} finally {
  trainer.dispose();
  teacher.dispose();
  cleanupGpu();
}
process.exit(exitCode);
