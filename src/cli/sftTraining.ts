// Supervised fine-tuning on the task's reference answers: the loop behind train-teacher and
// train-student. Adam (β₂ 0.98), warm-up then cosine decay, global gradient-norm clip 1; every
// evalEvery steps the held-out score goes to a callback that decides whether to stop.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../engine/rng';
import type { Task } from '../engine/tasks';
import type { Transformer } from '../engine/model/transformer';
import { encodeExamples } from '../engine/data';
import { clippedStep, warmupCosine } from '../engine/optim';
import { maskedMean, tokenNll } from '../engine/objectives/likelihood';
import { scoreModel, type ScoreResult } from '../engine/scoring';

export interface SftOptions {
  model: Transformer;
  task: Task;
  steps: number;
  batch: number;
  peakLr: number;
  warmup: number;
  evalEvery: number;
  /** Held-out examples per evaluation. */
  evalLimit: number;
  dataRng: Rng;
  evalRng: Rng;
  /** Called after each evaluation; return true to stop training. */
  onEvaluation(e: { step: number; result: ScoreResult; loss: number; minutes: number }): Promise<boolean>;
}

/** Train until `steps` or until onEvaluation says stop; returns the steps taken and the minutes. */
export async function trainBySft(o: SftOptions): Promise<{ steps: number; minutes: number }> {
  const optimizer = tf.train.adam(o.peakLr, 0.9, 0.98);
  const T = o.model.config.seqLen;
  const started = performance.now();
  const minutes = () => (performance.now() - started) / 60000;
  let runningLoss = 0;
  let step = 0;
  try {
    while (step < o.steps) {
      (optimizer as unknown as { learningRate: number }).learningRate = warmupCosine(step, o.steps, o.peakLr, o.warmup);
      const batch = encodeExamples(
        Array.from({ length: o.batch }, () => o.task.sampleTrain(o.dataRng)),
        T,
      );
      const x = tf.tensor2d(batch.tokens, [o.batch, T], 'int32');
      const y = tf.tensor2d(batch.targets, [o.batch, T], 'int32');
      const m = tf.tensor2d(batch.mask, [o.batch, T]);
      const { loss, gradNorm } = clippedStep(optimizer, o.model.variables(), () => maskedMean(tokenNll(o.model.forward(x), y), m), 1);
      const value = (await loss.data())[0];
      runningLoss = step === 0 ? value : 0.98 * runningLoss + 0.02 * value;
      tf.dispose([x, y, m, loss, gradNorm]);
      step++;
      if (step % o.evalEvery === 0 || step === o.steps) {
        const result = await scoreModel(o.model, o.task, o.evalRng, { limit: o.evalLimit });
        if (await o.onEvaluation({ step, result, loss: runningLoss, minutes: minutes() })) break;
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { steps: step, minutes: minutes() };
}
