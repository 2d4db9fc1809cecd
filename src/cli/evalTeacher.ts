// npm run eval-teacher -- --task T [--backend wasm|cpu|webgpu] [--seed S] [--batch B]
// npm run eval-student -- --task T [--size WxLxH] [...]   (eval-teacher with --student)
// Scores the shipped teacher in public/teachers/T/ (or, with --student, the shipped warm-start
// student in public/students/T/<size>/) on the task's WHOLE held-out set with the
// same scorer the playground uses (greedy exact match for addition and reverse, grammatical
// rate of temperature-1 samples for grammar) and prints ONE JSON line on stdout. Everything
// else (the tfjs banners, errors) goes to stderr, so the output can be piped into jq.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, type Fail } from './args';
import { chooseBackend } from '../engine/backend';
import { Rng } from '../engine/rng';
import { TASK_IDS, getTask } from '../engine/tasks';
import { VOCAB_SIZE } from '../engine/tasks/vocab';
import { scoreModel } from '../engine/scoring';
import { loadModelDir, studentDir, teacherDir } from './nodeModel';
import { parseStudentSize } from '../engine/model/shippedStudents';

const USAGE = `usage: npm run eval-teacher -- --task ${TASK_IDS.join('|')} [--student [--size WxLxH]] [--backend wasm|cpu|webgpu] [--seed S] [--batch B]`;

const cli = commandLine(USAGE, {
  options: {
    task: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    // Fixed, so the sampled grammar score is the same number on every run.
    seed: { type: 'string', default: '1234' },
    batch: { type: 'string', default: '64' },
    student: { type: 'boolean', default: false },
    size: { type: 'string' },
  },
});
const values = cli.values;
const fail: Fail = cli.fail;
/** A failure that is not the command line's: its message alone, no usage. */
function stop(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}
if (!values.task) fail('--task is required');
if (!(TASK_IDS as string[]).includes(values.task)) fail(`Unknown task '${values.task}'. Known tasks: ${TASK_IDS.join(', ')}`);
const backendName = cli.oneOf('backend', values.backend, ['wasm', 'cpu', 'webgpu'] as const);
const seed = cli.whole('seed', values.seed, Number.MIN_SAFE_INTEGER);
const batchSize = cli.whole('batch', values.batch);

const task = getTask(values.task);
if (values.size !== undefined && !values.student) fail('--size applies to --student only');
const size = parseStudentSize(values.size);
if (typeof size === 'string') fail(size);
const role = values.student ? 'student' : 'teacher';
const dir = values.student ? studentDir(task.id, size) : teacherDir(task.id);
if (!existsSync(join(dir, 'model.json'))) {
  const train = values.student
    ? `npm run train-student -- --task ${task.id}${values.size ? ` --size ${values.size}` : ''}`
    : `npm run train-teacher -- --task ${task.id}`;
  stop(`No ${role} for '${task.id}': ${join(dir, 'model.json')} does not exist. Train one with: ${train}`, 2);
}

// WebGPU in Node needs navigator.gpu (Dawn) before the backend is imported.
const cleanupGpu = backendName === 'webgpu' ? await (await import('./nodeWebGpu')).setupNodeWebGpu() : () => {};
const backend = await chooseBackend([backendName]);
let loaded: ReturnType<typeof loadModelDir>;
try {
  loaded = loadModelDir(dir, { vocabSize: VOCAB_SIZE, seqLen: task.seqLen });
} catch (e) {
  stop(`Could not load the '${task.id}' ${role} from ${dir}: ${(e as Error).message}`, 1);
}
const { model, meta } = loaded;

const started = performance.now();
const result = await scoreModel(model, task, new Rng(seed), { batchSize });
const seconds = (performance.now() - started) / 1000;

console.log(
  JSON.stringify({
    task: task.id,
    role,
    score: result.score,
    partialCredit: result.partialCredit,
    params: model.parameterCount(),
    heldOut: result.count,
    backend: backend.name,
    scoring: task.scoring,
    extras: result.extras,
    seconds: Number(seconds.toFixed(2)),
    seed,
    config: model.config,
    // How the model was trained (from model.json), kept apart so its own `task` and
    // `backend` fields do not shadow the evaluation's.
    training: meta,
  }),
);
model.dispose();
cleanupGpu();
