// npm run train-student -- --task T [--size WxLxH] [--steps N] [--seed S] [--target X]
//                          [--lr X] [--batch B] [--backend wasm|cpu|webgpu]
// Trains a warm-start student by supervised fine-tuning on the task's reference answers (the
// papers distil into an SFT checkpoint, not random weights) and writes it to
// public/students/T/<size>/ ('default' for the default student size). Training stops at the
// first evaluation whose held-out score reaches --target, so the student is partly trained:
// good enough to show the task's format, with room to improve under distillation.
import { commandLine, type Fail } from './args';
import { chooseBackend } from '../engine/backend';
import { Rng } from '../engine/rng';
import { TASK_IDS, getTask, type TaskId } from '../engine/tasks';
import { Transformer } from '../engine/model/transformer';
import { DEFAULT_STUDENT, modelConfig, type ModelSize } from '../engine/model/sizes';
import { parseStudentSize, studentCheckpointName } from '../engine/model/shippedStudents';
import { scoreModel } from '../engine/scoring';
import { saveModelDir, studentDir, writeStudentIndex } from './nodeModel';
import { trainBySft } from './sftTraining';

/** Where each task's student stops (held-out score on 256 prompts); see the README for why. */
export const STUDENT_TARGETS: Record<TaskId, number> = { addition: 0.3, reverse: 0.3, grammar: 0.6, instructions: 0.3 };

const USAGE = `usage: npm run train-student -- --task ${TASK_IDS.join('|')} [--size WxLxH, default ${DEFAULT_STUDENT.dModel}x${DEFAULT_STUDENT.nLayers}x${DEFAULT_STUDENT.nHeads}] [--steps N] [--seed S] [--target X] [--lr X] [--batch B] [--backend wasm|cpu|webgpu]`;

function parseSize(text: string | undefined): ModelSize {
  const size = parseStudentSize(text);
  if (typeof size === 'string') fail(size);
  return size;
}

const cli = commandLine(USAGE, {
  options: {
    task: { type: 'string' },
    size: { type: 'string' },
    steps: { type: 'string', default: '4000' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.003' },
    warmup: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    target: { type: 'string' },
    'eval-every': { type: 'string', default: '25' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const values = cli.values;
const fail: Fail = cli.fail;
if (!values.task) fail('--task is required');
if (!(TASK_IDS as string[]).includes(values.task)) fail(`Unknown task '${values.task}'. Known tasks: ${TASK_IDS.join(', ')}`);
const task = getTask(values.task);
const size = parseSize(values.size);
// Every value is checked before TensorFlow.js loads: a typo is a usage error, never NaN.
const numbers = {
  steps: cli.whole('steps', values.steps),
  batch: cli.whole('batch', values.batch),
  lr: cli.number('lr', values.lr, { above: 0 }),
  warmup: cli.whole('warmup', values.warmup, 0),
  seed: cli.whole('seed', values.seed, 0),
  evalEvery: cli.whole('eval-every', values['eval-every']),
};
const target = values.target === undefined ? STUDENT_TARGETS[task.id] : cli.number('target', values.target, { above: 0, max: 1 });
const backendName = cli.oneOf('backend', values.backend, ['wasm', 'cpu', 'webgpu'] as const);

const backend = await chooseBackend([backendName]);
const config = modelConfig(task.id, size);
const rng = new Rng(numbers.seed);
const model = Transformer.init(config, rng.fork());
const dataRng = rng.fork();
const evalRng = rng.fork();
const dir = studentDir(task.id, size);
console.error(
  `training ${task.id} student ${studentCheckpointName(size)}: ${JSON.stringify(config)}, ${model.parameterCount()} parameters, backend ${backend.name}, target ${target}`,
);

let reached = false;
const done = await trainBySft({
  model,
  task,
  steps: numbers.steps,
  batch: numbers.batch,
  peakLr: numbers.lr,
  warmup: numbers.warmup,
  evalEvery: numbers.evalEvery,
  evalLimit: 256,
  dataRng,
  evalRng,
  async onEvaluation({ step, result, loss, minutes }) {
    console.error(
      `step ${step} loss ${loss.toFixed(4)} held-out score ${result.score.toFixed(4)} partial credit ${result.partialCredit.toFixed(4)} ${minutes.toFixed(2)} min`,
    );
    reached = result.score >= target;
    return reached;
  },
});

// The recorded scores: the whole held-out set (as eval-teacher scores teachers), and the first
// 64 prompts, which the playground's evaluation uses (its step-0 score of this student).
const full = await scoreModel(model, task, new Rng(1234));
const first64 = await scoreModel(model, task, new Rng(1234), { limit: 64 });
const meta = {
  role: 'student',
  task: task.id,
  size: studentCheckpointName(size),
  steps: done.steps,
  batch: numbers.batch,
  lr: numbers.lr,
  warmup: numbers.warmup,
  schedule: `warm-up ${numbers.warmup} steps, cosine decay planned over ${numbers.steps}`,
  seed: numbers.seed,
  backend: backend.name,
  target,
  stoppedBy: reached ? 'target' : 'steps',
  heldOutScore: full.score,
  partialCredit: full.partialCredit,
  extras: full.extras,
  heldOut: full.count,
  score64: first64.score,
  partialCredit64: first64.partialCredit,
  trainSeconds: Number((done.minutes * 60).toFixed(1)),
  command: `npm run train-student -- ${process.argv.slice(2).join(' ')}`.trim(),
};
await saveModelDir(model, dir, meta);
writeStudentIndex();
console.error(`saved ${dir}: ${JSON.stringify(meta)}`);
model.dispose();
