// One training step in slow motion, with the engine's real numbers. A scratch copy of a lane
// (same configuration, the live student's weights, a fresh optimiser and method state) takes
// one real step of its method on one held-out example: its batch is that example, repeated to
// the run's batch size. We read back the continuation the method trained on (sampled by the
// student, the teacher or taken from the dataset), the teacher's and the student's next-token
// distributions at each of its positions, the quantity the method pushes down at each position,
// the step's loss, and the student's distributions after the update. The live run is untouched.
import * as tf from '@tensorflow/tfjs';
import { Trainer } from './trainer';
import type { DataSource } from './methods/runtime';
import type { Example } from './tasks';
import { tokenDivergence, type DivergenceKind } from './objectives/divergences';
import { abDivergence } from './objectives/abkd';
import { readSettings } from './settings';
import { readValues, type ParamValues } from './params';
import { getMethod } from './methods/declarations';
import type { MethodId } from './methods/types';
import { PAD } from './tasks/vocab';

/** What the explainer shows per position: the quantity the method's loss pushes down. */
export interface StepQuantity {
  kind: DivergenceKind | 'nll' | 'bestCritic' | 'ab';
  /** e.g. "forward KL(p‖q)", "−log q(token)". */
  label: string;
  unit: string;
}

export interface ExplainedPosition {
  /** The token at this position of the continuation (predicted from the prefix before it). */
  token: number;
  /** p(· | prefix), q(· | prefix) before the step and after it, over the vocabulary. */
  teacher: number[];
  before: number[];
  after: number[];
  /** The quantity at this position, before and after the step. */
  valueBefore: number;
  valueAfter: number;
}

export interface ExplainedStep {
  method: string;
  source: DataSource;
  prompt: number[];
  positions: ExplainedPosition[];
  quantity: StepQuantity;
  /** The step's loss on this batch (as the method defines it) and the learning rate used. */
  loss: number | null;
  lr: number;
}

const DIVERGENCE_LABEL: Record<DivergenceKind, string> = {
  fkl: 'forward KL(p‖q)',
  rkl: 'reverse KL(q‖p)',
  tvd: 'total variation',
  jsd: 'generalized JSD',
  skl: 'skew KL',
  srkl: 'skew reverse KL',
};

/** The per-position quantity a method's loss pushes down, as its declaration says for these hyperparameters. */
export function stepQuantity(
  method: MethodId,
  hyper: ParamValues,
): { quantity: StepQuantity; opts: { temperature?: number; beta?: number; alpha?: number }; bound: number } {
  const declaration = getMethod(method);
  const spec = declaration.stepQuantity(readValues(declaration.params, hyper, method));
  if (spec.kind === 'nll') return { quantity: { kind: 'nll', label: '−log q(token)', unit: 'nats' }, opts: {}, bound: 1 };
  if (spec.kind === 'bestCritic')
    return { quantity: { kind: 'bestCritic', label: 'best critic’s gap 2R·TVD', unit: 'per token' }, opts: {}, bound: spec.bound };
  if (spec.kind === 'ab')
    return {
      quantity: { kind: 'ab', label: `α-β divergence (α ${spec.alpha}, β ${spec.beta})`, unit: 'per token' },
      opts: { alpha: spec.alpha, beta: spec.beta },
      bound: 1,
    };
  const { kind, ...opts } = spec;
  return { quantity: { kind, label: DIVERGENCE_LABEL[kind], unit: kind === 'tvd' ? '0–1' : 'nats' }, opts, bound: 1 };
}

/** [1, T] per-position values of the quantity for logits [1, T, V] (targets for −log q). */
function perPosition(q: StepQuantity, opts: object, teacher: tf.Tensor3D, student: tf.Tensor3D, targets: tf.Tensor2D, bound: number): tf.Tensor2D {
  if (q.kind === 'nll') return tf.logSoftmax(student).mul(tf.oneHot(targets, student.shape[2])).sum(-1).neg() as tf.Tensor2D;
  if (q.kind === 'bestCritic') return tokenDivergence('tvd', teacher, student).mul(2 * bound) as tf.Tensor2D;
  if (q.kind === 'ab') {
    const { alpha, beta } = opts as { alpha: number; beta: number };
    return abDivergence(teacher, student, alpha, beta);
  }
  return tokenDivergence(q.kind, teacher, student, opts);
}

/** Explain one step of `live`'s method on `example` (a held-out prompt and its answer). */
export async function explainStep(live: Trainer, example: Example): Promise<ExplainedStep> {
  const scratch = await Trainer.create(live.config, live.teacher, { evalPrompts: 8 });
  const kept: tf.Tensor[] = [];
  try {
    scratch.loadStudent(await live.exportStudent());
    const { quantity, opts, bound } = stepQuantity(live.config.method, live.config.hyper);
    const { batchSize: B, lr } = readSettings(live.config.settings);
    let row: { tokens: tf.Tensor2D; targets: tf.Tensor2D; mask: tf.Tensor2D } | null = null;
    let before: tf.Tensor3D | null = null;
    let source: DataSource = 'dataset';
    const outcome = await scratch.trainStep({
      evaluate: false,
      examples: Array.from({ length: B }, () => example),
      onPlan: (batch, src) => {
        source = src;
        if (!batch) return;
        const T = batch.tokens.shape[1];
        row = tf.tidy(() => ({
          tokens: batch.tokens.slice([0, 0], [1, T]),
          targets: batch.targets.slice([0, 0], [1, T]),
          mask: batch.mask.slice([0, 0], [1, T]),
        }));
        kept.push(row.tokens, row.targets, row.mask);
        before = tf.tidy(() => scratch.student.forward(row!.tokens));
        kept.push(before);
      },
    });
    if (outcome.halted) throw new Error(outcome.halted);
    if (!row || !before) throw new Error(`${live.config.method} did not say which batch its student learns from`);
    const r = row as { tokens: tf.Tensor2D; targets: tf.Tensor2D; mask: tf.Tensor2D };
    const b = before as tf.Tensor3D;
    const packed = tf.tidy(() => {
      const teacher = live.teacher.forward(r.tokens);
      const after = scratch.student.forward(r.tokens);
      return tf.concat([
        r.tokens.toFloat().reshape([-1]),
        r.targets.toFloat().reshape([-1]),
        r.mask.reshape([-1]),
        perPosition(quantity, opts, teacher, b, r.targets, bound).reshape([-1]),
        perPosition(quantity, opts, teacher, after, r.targets, bound).reshape([-1]),
        tf.softmax(teacher).reshape([-1]),
        tf.softmax(b).reshape([-1]),
        tf.softmax(after).reshape([-1]),
      ]);
    });
    const v = await packed.data();
    packed.dispose();
    const T = r.tokens.shape[1];
    const V = b.shape[2];
    const at = (block: number) => v.subarray(block * T, (block + 1) * T);
    const [tokens, targets, mask, valueBefore, valueAfter] = [0, 1, 2, 3, 4].map(at);
    const dist = (block: number, t: number) => Array.from(v.subarray(5 * T + block * T * V + t * V, 5 * T + block * T * V + (t + 1) * V));
    const positions: ExplainedPosition[] = [];
    let first = T;
    for (let t = 0; t < T; t++) {
      if (mask[t] < 0.5 || Math.round(targets[t]) === PAD) continue;
      first = Math.min(first, t);
      positions.push({
        token: Math.round(targets[t]),
        teacher: dist(0, t),
        before: dist(1, t),
        after: dist(2, t),
        valueBefore: valueBefore[t],
        valueAfter: valueAfter[t],
      });
    }
    const prompt = Array.from(tokens.subarray(0, Math.min(first + 1, T)), (x) => Math.round(x)).filter((id) => id !== PAD);
    return { method: live.config.method, source, prompt, positions, quantity, loss: scratch.lastStepLoss, lr };
  } finally {
    tf.dispose(kept);
    scratch.dispose();
  }
}
