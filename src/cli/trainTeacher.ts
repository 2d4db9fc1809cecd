// npm run train-teacher -- --task T [--steps N] [--batch B] [--lr X] [--seed S] [--backend wasm|cpu|webgpu]
// Trains a teacher on the task's reference answers with the same engine the playground uses,
// and writes it to public/teachers/T/. Stops early once the held-out score stays at the target.
// --resume continues from the teacher already in public/teachers/T/ (a fresh optimiser and
// schedule: use it for a low-learning-rate finishing phase).
import { commandLine, type Fail } from './args';
import { chooseBackend } from '../engine/backend';
import { Rng } from '../engine/rng';
import { TASK_IDS, getTask } from '../engine/tasks';
import { Transformer } from '../engine/model/transformer';
import { modelConfig, TEACHER_SIZES } from '../engine/model/sizes';
import { trainBySft } from './sftTraining';
import { loadModelDir, saveModelDir, teacherDir } from './nodeModel';

const USAGE = `usage: npm run train-teacher -- --task ${TASK_IDS.join('|')} [--steps N] [--batch B] [--lr X] [--seed S] [--backend wasm|cpu|webgpu] [--resume]`;
const cli = commandLine(USAGE, {
  options: {
    task: { type: 'string' },
    steps: { type: 'string', default: '6000' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.002' },
    seed: { type: 'string', default: '7' },
    backend: { type: 'string', default: 'wasm' },
    'eval-every': { type: 'string', default: '250' },
    target: { type: 'string', default: '0.995' },
    warmup: { type: 'string', default: '200' },
    resume: { type: 'boolean', default: false },
  },
});
const values = cli.values;
const fail: Fail = cli.fail;
if (!values.task) fail('--task is required');
// Every value is checked before TensorFlow.js loads: a typo is a usage error, never NaN steps.
const task = getTask(cli.oneOf('task', values.task, TASK_IDS));
const steps = cli.whole('steps', values.steps);
const B = cli.whole('batch', values.batch);
const peakLr = cli.number('lr', values.lr, { above: 0 });
const evalEvery = cli.whole('eval-every', values['eval-every']);
const target = cli.number('target', values.target, { above: 0, max: 1 });
const warmup = cli.whole('warmup', values.warmup, 0);
const seed = cli.whole('seed', values.seed, 0);
const backend = await chooseBackend([cli.oneOf('backend', values.backend, ['wasm', 'cpu', 'webgpu'] as const)]);
const config = modelConfig(task.id, TEACHER_SIZES[task.id]);
const rng = new Rng(seed);
const initRng = rng.fork();
const resumed = values.resume ? loadModelDir(teacherDir(task.id), config) : null;
const model = resumed ? resumed.model : Transformer.init(config, initRng);
const stepsBefore = resumed ? Number(resumed.meta.steps ?? 0) : 0;
const minutesBefore = resumed ? Number(resumed.meta.trainMinutes ?? 0) : 0;
const dataRng = rng.fork();
const evalRng = rng.fork();
console.error(`training ${task.id} teacher: ${JSON.stringify(config)}, ${model.parameterCount()} parameters, backend ${backend.name}`);

let best = resumed ? Number(resumed.meta.heldOutScore256 ?? -1) : -1;
let hits = 0;
const done = await trainBySft({
  model,
  task,
  steps,
  batch: B,
  peakLr,
  warmup,
  evalEvery,
  evalLimit: 256,
  dataRng,
  evalRng,
  async onEvaluation({ step, result, loss, minutes }) {
    console.error(`step ${step} loss ${loss.toFixed(4)} held-out score ${result.score.toFixed(4)} ${JSON.stringify(result.extras)} ${minutes.toFixed(1)} min`);
    if (result.score >= best) {
      best = result.score;
      await saveModelDir(model, teacherDir(task.id), {
        role: 'teacher',
        task: task.id,
        steps: stepsBefore + step,
        batch: B,
        lr: resumed ? `${resumed.meta.lr} then ${peakLr} (resumed at step ${stepsBefore})` : peakLr,
        seed,
        backend: backend.name,
        trainMinutes: Number((minutesBefore + minutes).toFixed(1)),
        heldOutScore256: result.score,
        // ROUGE-L, and the score per skill for a task of several (the page draws the teacher's).
        extras256: result.extras,
      });
    }
    hits = result.score >= target ? hits + 1 : 0;
    return hits >= 2;
  },
});
console.error(`done: best held-out score ${best}, ${done.minutes.toFixed(1)} min`);
