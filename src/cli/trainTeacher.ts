// npm run train-teacher -- --task T [--steps N] [--batch B] [--lr X] [--seed S] [--backend wasm|cpu|webgpu]
// Trains a teacher on the task's reference answers with the same engine the playground uses,
// and writes it to public/teachers/T/. Stops early once the held-out score stays at the target.
// --resume continues from the teacher already in public/teachers/T/ (a fresh optimiser and
// schedule: use it for a low-learning-rate finishing phase).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, type BackendName } from '../engine/backend';
import { Rng } from '../engine/rng';
import { getTask } from '../engine/tasks';
import { Transformer } from '../engine/model/transformer';
import { modelConfig, TEACHER_SIZES } from '../engine/model/sizes';
import { encodeExamples } from '../engine/data';
import { clippedStep, setLearningRate, warmupCosine } from '../engine/optim';
import { maskedMean, tokenNll } from '../engine/objectives/likelihood';
import { scoreModel } from '../engine/scoring';
import { loadModelDir, saveModelDir, teacherDir } from './nodeModel';

const { values } = parseArgs({
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
if (!values.task) {
  console.error('usage: npm run train-teacher -- --task addition|reverse|grammar [--steps N]');
  process.exit(2);
}
const task = getTask(values.task);
const steps = Number(values.steps);
const B = Number(values.batch);
const peakLr = Number(values.lr);
const evalEvery = Number(values['eval-every']);
const target = Number(values.target);
const backend = await chooseBackend([values.backend as BackendName]);
const config = modelConfig(task.id, TEACHER_SIZES[task.id]);
const rng = new Rng(Number(values.seed));
const initRng = rng.fork();
const resumed = values.resume ? loadModelDir(teacherDir(task.id), config) : null;
const model = resumed ? resumed.model : Transformer.init(config, initRng);
const stepsBefore = resumed ? Number(resumed.meta.steps ?? 0) : 0;
const minutesBefore = resumed ? Number(resumed.meta.trainMinutes ?? 0) : 0;
const dataRng = rng.fork();
const evalRng = rng.fork();
const optimizer = tf.train.adam(peakLr, 0.9, 0.98);
const T = config.seqLen;
console.error(`training ${task.id} teacher: ${JSON.stringify(config)}, ${model.parameterCount()} parameters, backend ${backend.name}`);

const started = performance.now();
let best = resumed ? Number(resumed.meta.heldOutScore256 ?? -1) : -1;
let hits = 0;
let runningLoss = 0;
for (let step = 0; step < steps; step++) {
  setLearningRate(optimizer, warmupCosine(step, steps, peakLr, Number(values.warmup)));
  const batch = encodeExamples(Array.from({ length: B }, () => task.sampleTrain(dataRng)), T);
  const x = tf.tensor2d(batch.tokens, [B, T], 'int32');
  const y = tf.tensor2d(batch.targets, [B, T], 'int32');
  const m = tf.tensor2d(batch.mask, [B, T]);
  const { loss, gradNorm } = clippedStep(optimizer, model.variables(), () => maskedMean(tokenNll(model.forward(x), y), m), 1);
  runningLoss = 0.98 * runningLoss + 0.02 * (await loss.data())[0];
  tf.dispose([x, y, m, loss, gradNorm]);

  if ((step + 1) % evalEvery === 0 || step + 1 === steps) {
    const result = await scoreModel(model, task, evalRng, { limit: 256 });
    const minutes = (performance.now() - started) / 60000;
    console.error(`step ${step + 1} loss ${runningLoss.toFixed(4)} held-out score ${result.score.toFixed(4)} ${JSON.stringify(result.extras)} ${minutes.toFixed(1)} min`);
    if (result.score >= best) {
      best = result.score;
      await saveModelDir(model, teacherDir(task.id), {
        role: 'teacher',
        task: task.id,
        steps: stepsBefore + step + 1,
        batch: B,
        lr: resumed ? `${resumed.meta.lr} then ${peakLr} (resumed at step ${stepsBefore})` : peakLr,
        seed: Number(values.seed),
        backend: backend.name,
        trainMinutes: Number((minutesBefore + minutes).toFixed(1)),
        heldOutScore256: result.score,
      });
    }
    hits = result.score >= target ? hits + 1 : 0;
    if (hits >= 2) break;
  }
}
console.error(`done: best held-out score ${best}, ${((performance.now() - started) / 60000).toFixed(1)} min`);
