// The engine's losses on one small seeded batch, as plain numbers: the fixture that the Python
// trainers in recipes/alembic_trl are checked against (their losses must equal these within
// 1e-5). Inputs are float32 values, as the engine holds them. Inputs (logits, masks, targets, critic outputs, reward-head outputs) are written out
// beside the values, so the Python side recomputes from exactly the same numbers.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../engine/rng';
import { tokenDivergence, type DivergenceKind, type DivergenceOptions } from '../../engine/objectives/divergences';
import { maskedMean, tokenNll } from '../../engine/objectives/likelihood';
import { minillmLoss } from '../../engine/objectives/minillm';
import { criticLoss, exactDistance, studentLoss, type AmmdBatch } from '../../engine/objectives/ammd';
import type { ActionValues } from '../../engine/objectives/critic';
import { xkdLoss } from '../../engine/objectives/xkd';
import { engineLosses2025 } from './engineLosses2025';

const B = 3;
const T = 6;
const V = 7;

type Grid = number[][];
type Cube = number[][][];

interface Batch {
  tokens: Grid;
  targets: Grid;
  mask: Grid;
  teacher_logits: Cube;
  student_logits: Cube;
}

function randomBatch(rng: Rng, scale: number): Batch {
  const tokens = Array.from({ length: B }, () => Array.from({ length: T }, () => rng.int(0, V - 1)));
  // Targets are the next tokens; the last column predicts a token outside the window.
  const targets = tokens.map((row) => row.map((_, t) => (t + 1 < T ? row[t + 1] : rng.int(0, V - 1))));
  // Ragged continuations: row b is valid on [1, T − 1 − b % 2), the prompt column 0 is masked.
  const mask = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t >= 1 && t < T - 1 - (b % 2) ? 1 : 0)));
  const logits = () => Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: V }, () => Math.fround(scale * rng.normal()))));
  return { tokens, targets, mask, teacher_logits: logits(), student_logits: logits() };
}

function cube(rng: Rng, map: (x: number) => number): Cube {
  return Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: V }, () => Math.fround(map(rng.normal())))));
}

async function read(t: tf.Tensor): Promise<number | number[] | number[][]> {
  const out = (await t.array()) as number | number[] | number[][];
  t.dispose();
  return out;
}

/** A critic whose outputs are fixed tensors: the losses see exactly the fixture's f. */
function fixedCritic(fOn: Cube, fOff: Cube): ActionValues {
  const on = () => tf.tensor3d(fOn);
  const off = () => tf.tensor3d(fOff);
  return {
    R: 1,
    valuesFor: () => ({ on: on(), off: off() }),
    valueFor: (_batch, head) => (head === 'on' ? on() : off()),
  };
}

function tensors(b: Batch): AmmdBatch & { targets: tf.Tensor2D } {
  return {
    tokens: tf.tensor2d(b.tokens, [B, T], 'int32'),
    targets: tf.tensor2d(b.targets, [B, T], 'int32'),
    mask: tf.tensor2d(b.mask),
    teacherLogits: tf.tensor3d(b.teacher_logits),
    studentLogits: tf.tensor3d(b.student_logits),
  };
}

function disposeAll(b: AmmdBatch): void {
  tf.dispose([b.tokens, b.mask, b.teacherLogits, b.studentLogits, ...(b.targets ? [b.targets] : [])]);
}

export interface DivergenceCase {
  kind: DivergenceKind;
  beta?: number;
  alpha?: number;
  temperature?: number;
  /** [B, T] per-position divergence. */
  per_position: number[][];
  /** Mean over the valid positions (the training loss). */
  loss: number;
}

/** Every loss of the engine on a seeded batch (seed 20261130), ready for JSON. */
export async function engineLosses(): Promise<Record<string, unknown>> {
  const rng = new Rng(20261130);
  const on = randomBatch(rng, 2); // student-sampled continuations (or any batch)
  const off = randomBatch(rng, 2); // teacher-sampled continuations (AMMD's off-policy batch)
  const R = 1;
  const f_on = cube(rng, (x) => R * Math.tanh(x));
  const f_off = cube(rng, (x) => R * Math.tanh(x));
  const mu = cube(rng, (x) => 0.5 * x);
  const log_sigma = cube(rng, (x) => 0.3 * x);

  const tOn = tensors(on);
  const tOff = tensors(off);
  const out: Record<string, unknown> = { B, T, V, seed: 20261130, on, off, f_on, f_off, mu, log_sigma };

  // Token divergences and their masked means.
  const divCases: Array<{ kind: DivergenceKind } & DivergenceOptions> = [
    { kind: 'fkl' },
    { kind: 'rkl' },
    { kind: 'tvd' },
    { kind: 'fkl', temperature: 2 },
    ...[0, 0.1, 0.5, 0.9, 1].map((beta) => ({ kind: 'jsd' as const, beta })),
    { kind: 'jsd', beta: 0.5, temperature: 0.5 },
    ...[0.1, 0.5].flatMap((alpha) => [
      { kind: 'skl' as const, alpha },
      { kind: 'srkl' as const, alpha },
    ]),
  ];
  const divergences: DivergenceCase[] = [];
  for (const c of divCases) {
    const opts: DivergenceOptions = { beta: c.beta, alpha: c.alpha, temperature: c.temperature };
    const per = tokenDivergence(c.kind, tOn.teacherLogits, tOn.studentLogits, opts);
    const loss = maskedMean(per, tOn.mask);
    divergences.push({ ...c, loss: (await read(loss)) as number, per_position: (await read(per)) as number[][] });
  }
  out.divergences = divergences;

  // SFT / SeqKD: the NLL of the targets.
  const nll = tokenNll(tOn.studentLogits, tOn.targets);
  out.nll = (await read(maskedMean(nll, tOn.mask))) as number;
  nll.dispose();

  // MiniLLM: the whole loss and its two terms.
  const minillm = [];
  for (const c of [
    { mixAlpha: 0.2, gamma: 0.95, lengthNorm: true, clip: null },
    { mixAlpha: 0.2, gamma: 0.95, lengthNorm: false, clip: null },
    { mixAlpha: 0.5, gamma: 1, lengthNorm: true, clip: 0.2 },
  ]) {
    const r = minillmLoss({ ...c, studentLogits: tOn.studentLogits, teacherLogits: tOn.teacherLogits, targets: tOn.targets, mask: tOn.mask });
    minillm.push({
      mix_alpha: c.mixAlpha,
      gamma: c.gamma,
      length_norm: c.lengthNorm,
      clip: c.clip,
      loss: await read(r.loss),
      pg_loss: await read(r.pgLoss),
      single_step_loss: await read(r.singleStepLoss),
    });
  }
  out.minillm = minillm;

  // AMMD: the critics' loss (with the game values) and the student's loss.
  const critic = fixedCritic(f_on, f_off);
  const ammd = [];
  for (const c of [
    { beta: 0.5, penalty: 1, policyGradient: false },
    { beta: 0.5, penalty: 1, policyGradient: true },
    { beta: 0.3, penalty: 0.25, policyGradient: true },
    { beta: 1, penalty: 0, policyGradient: false },
    { beta: 0, penalty: 2, policyGradient: false },
  ]) {
    const cl = criticLoss({ critic, on: tOn, off: tOff, beta: c.beta, penalty: c.penalty });
    const sl = studentLoss({ critic, on: tOn, off: tOff, beta: c.beta, policyGradient: c.policyGradient });
    ammd.push({
      beta: c.beta,
      penalty: c.penalty,
      policy_gradient: c.policyGradient,
      critic_loss: await read(cl.loss),
      l_on: await read(cl.lOn),
      l_off: await read(cl.lOff),
      student_loss: await read(sl),
    });
  }
  out.ammd = ammd;
  out.ammd_exact = {
    bound: 1,
    mm_on_exact: await read(exactDistance(tOn.teacherLogits, tOn.studentLogits, tOn.mask, 1)),
    mm_off_exact: await read(exactDistance(tOff.teacherLogits, tOff.studentLogits, tOff.mask, 1)),
  };

  // X-KD on the off-policy (teacher-sampled) batch.
  const muT = tf.tensor3d(mu);
  const lsT = tf.tensor3d(log_sigma);
  const xkd = [];
  for (const c of [
    { base: 'seq' as const, lambda: 1, gamma: 1 },
    { base: 'divergence' as const, divergence: 'fkl' as const, lambda: 0.5, gamma: 0.9 },
  ]) {
    const r = xkdLoss({
      ...c,
      studentLogits: tOff.studentLogits,
      teacherLogits: tOff.teacherLogits,
      mu: muT,
      logSigma: lsT,
      targets: tOff.targets,
      mask: tOff.mask,
    });
    xkd.push({ ...c, loss: await read(r.loss), reward_loss: await read(r.rewardLoss) });
  }
  out.xkd = xkd;
  tf.dispose([muT, lsT]);

  disposeAll(tOn);
  disposeAll(tOff);
  // The methods of 2025 on the same two batches.
  Object.assign(out, await engineLosses2025(on, off));
  return out;
}
