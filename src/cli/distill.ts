// npm run distill -- --task T --method M --steps N --seed S [--backend cpu|wasm|webgpu]
//                    [--eval-every K] [--out FILE] [--set name=value ...] [--teacher DIR]
// Runs one distillation headlessly with the same engine as the playground and writes one JSON
// object per evaluation (JSON lines) to FILE or stdout. Usage errors exit with code 2, a run
// halted by a non-finite loss with code 3.
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BackendName } from '../engine/backend';
import { TASK_IDS, type TaskId } from '../engine/tasks';
import { METHOD_IDS, isMethodId } from '../engine/methods/declarations';
import { findParam, paramIds, resolveConfig } from '../engine/runConfig';
import { SHARED_PARAMS } from '../engine/settings';
import { coerce, type ParamSpec } from '../engine/params';

const USAGE =
  'usage: npm run distill -- --task T --method M --steps N --seed S [--backend cpu|wasm|webgpu] [--eval-every K] [--out FILE] [--set name=value ...] [--teacher DIR]';
const BACKENDS: BackendName[] = ['cpu', 'wasm', 'webgpu'];

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function describeSpec(spec: ParamSpec): string {
  if (spec.kind === 'number') return `${spec.id} (${spec.min}–${spec.max}${spec.step === 1 ? ', integer' : ''})`;
  if (spec.kind === 'choice') return `${spec.id} (${spec.choices.map((c) => c.value).join('|')})`;
  return `${spec.id} (true|false)`;
}

let args;
try {
  args = parseArgs({
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
    strict: true,
    allowPositionals: false,
  }).values;
} catch (e) {
  fail((e as Error).message);
}

if (!args.task) fail(`--task is required. Tasks: ${TASK_IDS.join(', ')}`);
if (!(TASK_IDS as readonly string[]).includes(args.task)) fail(`Unknown task '${args.task}'. Tasks: ${TASK_IDS.join(', ')}`);
if (!args.method) fail(`--method is required. Methods: ${METHOD_IDS.join(', ')}`);
if (!isMethodId(args.method)) fail(`Unknown method '${args.method}'. Methods: ${METHOD_IDS.join(', ')}`);
const method = args.method;
if (!BACKENDS.includes(args.backend as BackendName)) fail(`Unknown backend '${args.backend}'. Backends: ${BACKENDS.join(', ')}`);
const backendName = args.backend as BackendName;

const steps = args.steps === undefined ? 200 : Number(args.steps);
if (!Number.isInteger(steps) || steps < 0) fail(`--steps must be a whole number ≥ 0, got '${args.steps}'`);

// Every value goes through its spec; anything it would have to change is an error here.
const settings: Record<string, unknown> = { task: args.task };
const hyper: Record<string, unknown> = {};
function put(id: string, raw: string, from: string) {
  const found = findParam(method, id);
  if (!found) {
    const allowed = paramIds(method).filter((p) => p !== 'task').map((p) => describeSpec(findParam(method, p)!.spec));
    fail(`Unknown setting '${id}' for ${method} (${from}). Allowed: ${allowed.join(', ')}`);
  }
  const { problem } = coerce(found.spec, raw);
  if (problem) fail(`${from}: ${problem.replace(/; using .*$/, '')}. Allowed: ${describeSpec(found.spec)}`);
  (found.where === 'settings' ? settings : hyper)[id] = raw;
}
if (args.seed !== undefined) put('seed', args.seed, '--seed');
if (args['eval-every'] !== undefined) put('evalEvery', args['eval-every'], '--eval-every');
for (const item of args.set ?? []) {
  const eq = item.indexOf('=');
  if (eq <= 0) fail(`--set expects name=value, got '${item}'`);
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

// TensorFlow.js loads only once the arguments are known to be good: usage errors answer fast.
const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const dir = args.teacher ?? join(REPO_ROOT, 'public', 'teachers', args.task);
if (!existsSync(join(dir, 'model.json'))) {
  console.error(`No teacher for '${args.task}' at ${dir} (model.json is missing): train one with npm run train-teacher -- --task ${args.task}`);
  process.exit(1);
}

const cleanupGpu = backendName === 'webgpu' ? await (await import('./nodeWebGpu')).setupNodeWebGpu() : () => {};
const { chooseBackend } = await import('../engine/backend');
const backend = await chooseBackend([backendName]);
const { Trainer } = await import('../engine/trainer');
const { loadModelDir } = await import('./nodeModel');
const { model: teacher } = loadModelDir(dir);
const trainer = await Trainer.create(config, teacher, { backendName: backend.name });
const taskId = args.task as TaskId;
console.error(`distill ${method} on ${taskId}: ${steps} steps, seed ${config.settings.seed}, backend ${backend.name}${backend.adapter ? ` (${backend.adapter.description})` : ''}`);

const out = args.out ? openSync(args.out, 'w') : 1;
const write = (record: object) => writeSync(out, JSON.stringify(record) + '\n');
let exitCode = 0;
try {
  const every = config.settings.evalEvery as number;
  write(await trainer.evaluate());
  for (let i = 0; i < steps; i++) {
    const o = await trainer.trainStep();
    if (o.halted) {
      console.error(o.halted);
      exitCode = 3;
      break;
    }
    if (o.record) {
      write(o.record);
      console.error(`step ${o.step}: loss ${o.record.loss?.toFixed(4)} rklStudent ${o.record.rklStudent?.toFixed(4)} score ${o.record.score?.toFixed(3)}`);
    }
  }
  if (exitCode === 0 && trainer.step % every !== 0) write(await trainer.evaluate());
  console.error(`evaluation took ${(100 * trainer.evalFraction).toFixed(1)}% of the time`);
} finally {
  if (out !== 1) closeSync(out);
  trainer.dispose();
  teacher.dispose();
  cleanupGpu();
}
process.exit(exitCode);
