// One training step in slow motion, with the engine's real numbers. A scratch copy of a lane
// takes the step the run would take next, on one held-out example: the live student's weights,
// the run's step count (so the learning-rate warm-up is where the run's is), its optimiser's
// moments, its method's learned state (AMMD's critics) and its sampling streams; its batch is
// that example, repeated to the run's batch size. We read back the continuation the method
// trained on (sampled by the student, the teacher or taken from the dataset), the teacher's and
// the student's next-token distributions at each of its positions, the quantity the method
// pushes down at each position, the step's loss, how far the weights moved, and the student's
// distributions after the update; for AMMD also what the run's critics find on the step's two
// continuations beside what a critic could find. The live run is untouched.
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
import { exactDistance } from './objectives/ammd';
import type { DeviceBatch } from './deviceBatch';

/** What the explainer shows per position: the quantity the method's loss pushes down. */
export interface StepQuantity {
  kind: DivergenceKind | 'nll' | 'bestCritic' | 'ab';
  /** e.g. "forward KL(p‖q)", "−log q(token)". */
  label: string;
  /** The value's unit ('nats', '0–1'), '' for a pure number; every value is per token, a total a sum over tokens. */
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
  /** Where the rate comes from: the run's step count, its warm-up length and the rate it rises to. */
  rate: { lr: number; step: number; warmup: number; base: number };
  /** ‖Δθ‖: how far the step moved the student's weights (all of them, as one vector). */
  updateNorm: number;
  /** AMMD: what the run's critics found on this step's two continuations, beside what critics could find. */
  critics?: ExplainedCritics;
}

/**
 * Moment gaps of one continuation, each summed over its `tokens` positions (a sequence
 * quantity, as the moment-matching chart's): the run's critic's (found), the best critic of
 * the penalised objective's (couldFind, the critic's target), and the best bounded critic's
 * 2R·Σ tvd (best, no penalty).
 */
export interface CriticGaps {
  found: number;
  couldFind: number;
  best: number;
  tokens: number;
}

/** A position of the off-policy (teacher-sampled) continuation, before the step. */
export interface CriticPosition {
  token: number;
  teacher: number[];
  before: number[];
}

export interface ExplainedCritics {
  /** 'learned', 'oracle' or 'penalised' (AMMD's critic setting). */
  kind: string;
  /** c of the critics' penalty and their bound R. */
  penalty: number;
  bound: number;
  /** On the student's continuation (the one shown) and on the teacher's continuation of the same prompt. */
  on: CriticGaps;
  off: CriticGaps;
  offPositions: CriticPosition[];
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
  if (spec.kind === 'bestCritic') return { quantity: { kind: 'bestCritic', label: 'best critic’s gap 2R·TVD', unit: '' }, opts: {}, bound: spec.bound };
  if (spec.kind === 'ab')
    return {
      quantity: { kind: 'ab', label: `α-β divergence (α ${spec.alpha}, β ${spec.beta})`, unit: '' },
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

/** One sampled row of a step's batch: [1, T] tokens, targets and mask. */
interface Row {
  tokens: tf.Tensor2D;
  targets: tf.Tensor2D;
  mask: tf.Tensor2D;
}

function firstRow(batch: DeviceBatch): Row {
  const T = batch.tokens.shape[1];
  return tf.tidy(() => ({
    tokens: batch.tokens.slice([0, 0], [1, T]),
    targets: batch.targets.slice([0, 0], [1, T]),
    mask: batch.mask.slice([0, 0], [1, T]),
  }));
}

/** The flat vector of a student's weights (a copy). */
function flatWeights(student: Trainer['student']): tf.Tensor1D {
  return tf.tidy(() => tf.concat([...student.params.values()].map((v) => v.reshape([-1]))) as tf.Tensor1D);
}

/** Explain one step of `live`'s method on `example` (a held-out prompt and its answer). */
export async function explainStep(live: Trainer, example: Example): Promise<ExplainedStep> {
  const scratch = await Trainer.create(live.config, live.teacher, { evalPrompts: 8 });
  const kept: tf.Tensor[] = [];
  const keep = <X extends tf.Tensor>(t: X): X => (kept.push(t), t);
  try {
    scratch.loadStudent(await live.exportStudent());
    // The run's step count, optimiser moments, critics, method schedules and sampling streams: the step below is
    // the one the run would take next on this batch, at the rate its schedule gives now.
    scratch.adoptStateOf(live);
    const rate = scratch.nextLearningRate;
    const { quantity, opts, bound } = stepQuantity(live.config.method, live.config.hyper);
    const { batchSize: B } = readSettings(live.config.settings);
    const weightsBefore = keep(flatWeights(scratch.student));
    let row: Row | null = null;
    let offRow: Row | null = null;
    let before: tf.Tensor3D | null = null;
    let offBefore: tf.Tensor3D | null = null;
    let source: DataSource = 'dataset';
    const outcome = await scratch.trainStep({
      evaluate: false,
      examples: Array.from({ length: B }, () => example),
      onPlan: (batch, src, offPolicy) => {
        source = src;
        if (!batch) return;
        const r = firstRow(batch);
        kept.push(r.tokens, r.targets, r.mask);
        row = r;
        before = keep(tf.tidy(() => scratch.student.forward(r.tokens)));
        if (offPolicy) {
          const o = firstRow(offPolicy);
          kept.push(o.tokens, o.targets, o.mask);
          offRow = o;
          offBefore = keep(tf.tidy(() => scratch.student.forward(o.tokens)));
        }
      },
    });
    if (outcome.halted) throw new Error(outcome.halted);
    if (!row || !before) throw new Error(`${live.config.method} did not say which batch its student learns from`);
    const r = row as Row;
    const b = before as tf.Tensor3D;
    const critics = live.critics;
    const o = critics ? (offRow as Row | null) : null;
    const ob = offBefore as tf.Tensor3D | null;
    const packed = tf.tidy(() => {
      const teacher = live.teacher.forward(r.tokens);
      const after = scratch.student.forward(r.tokens);
      const parts = [
        flatWeights(scratch.student).sub(weightsBefore).square().sum().sqrt().reshape([1]),
        r.tokens.toFloat().reshape([-1]),
        r.targets.toFloat().reshape([-1]),
        r.mask.reshape([-1]),
        perPosition(quantity, opts, teacher, b, r.targets, bound).reshape([-1]),
        perPosition(quantity, opts, teacher, after, r.targets, bound).reshape([-1]),
        tf.softmax(teacher).reshape([-1]),
        tf.softmax(b).reshape([-1]),
        tf.softmax(after).reshape([-1]),
      ];
      if (critics && o && ob) {
        // The run's critics as they are (before this step's critic steps), on this step's two
        // continuations, as an evaluation computes them: each a sum over the continuation.
        const teacherOff = live.teacher.forward(o.tokens);
        const onProbe = { tokens: r.tokens, mask: r.mask, teacherLogits: teacher, studentLogits: b };
        const offProbe = { tokens: o.tokens, mask: o.mask, teacherLogits: teacherOff, studentLogits: ob };
        const est = critics.estimates(onProbe, offProbe);
        parts.push(
          tf.stack([
            est.on,
            est.onPenalised,
            exactDistance(teacher, b, r.mask, critics.bound),
            est.off,
            est.offPenalised,
            exactDistance(teacherOff, ob, o.mask, critics.bound),
          ]),
          o.tokens.toFloat().reshape([-1]),
          o.targets.toFloat().reshape([-1]),
          o.mask.reshape([-1]),
          tf.softmax(teacherOff).reshape([-1]),
          tf.softmax(ob).reshape([-1]),
        );
      }
      return tf.concat(parts);
    });
    const v = await packed.data();
    packed.dispose();
    const T = r.tokens.shape[1];
    const V = b.shape[2];
    const updateNorm = v[0];
    const at = (block: number) => v.subarray(1 + block * T, 1 + (block + 1) * T);
    const [tokens, targets, mask, valueBefore, valueAfter] = [0, 1, 2, 3, 4].map(at);
    const dists = 1 + 5 * T;
    const dist = (base: number, block: number, t: number) => Array.from(v.subarray(base + block * T * V + t * V, base + block * T * V + (t + 1) * V));
    const positions: ExplainedPosition[] = [];
    let first = T;
    for (let t = 0; t < T; t++) {
      if (mask[t] < 0.5 || Math.round(targets[t]) === PAD) continue;
      first = Math.min(first, t);
      positions.push({
        token: Math.round(targets[t]),
        teacher: dist(dists, 0, t),
        before: dist(dists, 1, t),
        after: dist(dists, 2, t),
        valueBefore: valueBefore[t],
        valueAfter: valueAfter[t],
      });
    }
    const prompt = Array.from(tokens.subarray(0, Math.min(first + 1, T)), (x) => Math.round(x)).filter((id) => id !== PAD);
    const explained: ExplainedStep = {
      method: live.config.method,
      source,
      prompt,
      positions,
      quantity,
      loss: scratch.lastStepLoss,
      lr: rate.lr,
      rate,
      updateNorm,
    };
    if (critics && o) {
      const c = dists + 3 * T * V;
      const gaps = (k: number, n: number): CriticGaps => ({ found: v[c + k], couldFind: v[c + k + 1], best: v[c + k + 2], tokens: n });
      const offAt = (block: number) => v.subarray(c + 6 + block * T, c + 6 + (block + 1) * T);
      const [, offTargets, offMask] = [0, 1, 2].map(offAt);
      const offPositions: CriticPosition[] = [];
      for (let t = 0; t < T; t++) {
        if (offMask[t] < 0.5 || Math.round(offTargets[t]) === PAD) continue;
        offPositions.push({ token: Math.round(offTargets[t]), teacher: dist(c + 6 + 3 * T, 0, t), before: dist(c + 6 + 3 * T, 1, t) });
      }
      const hyper = readValues(getMethod(live.config.method).params, live.config.hyper, live.config.method);
      explained.critics = {
        kind: String(hyper.critic ?? 'learned'),
        penalty: Number(hyper.penalty ?? 0),
        bound: critics.bound,
        on: gaps(0, positions.length),
        off: gaps(3, offPositions.length),
        offPositions,
      };
    }
    return explained;
  } finally {
    tf.dispose(kept);
    scratch.dispose();
  }
}
