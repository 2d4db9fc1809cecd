// The 2025 methods' losses on the parity fixture's batches (see engineLosses.ts): on-policy
// distillation, TAID (its divergence and its schedule), DistiLLM-2, SKD's acceptance rule and
// ABKD. Where a loss's point is a stop-gradient or a surrogate (its value is not what it
// differentiates), the gradient with respect to the student's logits is written too, so the
// Python trainers are checked on what they optimise, not only on what they print.
import * as tf from '@tensorflow/tfjs';
import { opdDenseLoss, opdSampledLoss } from '../../engine/objectives/opd';
import { TaidSchedule, taidDivergence, type TaidScheduleOptions } from '../../engine/objectives/taid';
import { distillm2Loss, stoppedSkewReverseKl } from '../../engine/objectives/distillm2';
import { inTeacherTopK } from '../../engine/objectives/skd';
import { abDivergence } from '../../engine/objectives/abkd';
import { maskedMean } from '../../engine/objectives/likelihood';

type Cube = number[][][];

export interface FixtureBatch {
  targets: number[][];
  mask: number[][];
  teacher_logits: Cube;
  student_logits: Cube;
}

async function read<T>(t: tf.Tensor): Promise<T> {
  const out = (await t.array()) as T;
  t.dispose();
  return out;
}

/** The value of `loss(studentLogits)` and its gradient with respect to the student's logits. */
async function valueAndGrad(student: tf.Tensor3D, loss: (z: tf.Tensor3D) => tf.Scalar): Promise<{ loss: number; grad: Cube }> {
  const value = tf.tidy(() => loss(student));
  const g = tf.grad((z: tf.Tensor) => loss(z as tf.Tensor3D))(student);
  return { loss: await read<number>(value), grad: await read<Cube>(g) };
}

interface Tensors {
  teacher: tf.Tensor3D;
  student: tf.Tensor3D;
  targets: tf.Tensor2D;
  mask: tf.Tensor2D;
}

function tensors(b: FixtureBatch): Tensors {
  return {
    teacher: tf.tensor3d(b.teacher_logits),
    student: tf.tensor3d(b.student_logits),
    targets: tf.tensor2d(b.targets, undefined, 'int32'),
    mask: tf.tensor2d(b.mask),
  };
}

/** TAID's schedule fed a fixed sequence of losses (with a rise and a diverged step): t and m after each. */
function taidScheduleCases(): Array<Record<string, unknown>> {
  const losses = [2, 1.8, 1.5, 1.6, Number.NaN, 1.2, 0.9, 0.95, 0.6, 0.5, 0.45, 0.4];
  const total = 8; // shorter than the sequence: the linear schedule reaches t_end and stays
  const cases: Array<{ tStart: number; opts: Omit<TaidScheduleOptions, 'tStart'> }> = [
    { tStart: 0.4, opts: { tEnd: 1, alpha: 0.05, beta: 0.9, adaptive: true } },
    { tStart: 0.2, opts: { tEnd: 0.9, alpha: 0.5, beta: 0.5, adaptive: true } },
    { tStart: 0.4, opts: { tEnd: 1, alpha: 0.05, beta: 0.9, adaptive: false } },
  ];
  return cases.map(({ tStart, opts }) => {
    const schedule = new TaidSchedule(tStart);
    const t: number[] = [];
    const momentum: number[] = [];
    losses.forEach((loss, step) => {
      schedule.update(loss, step, total, { tStart, ...opts });
      t.push(schedule.t);
      momentum.push(schedule.momentum);
    });
    return {
      t_start: tStart,
      t_end: opts.tEnd,
      alpha: opts.alpha,
      beta: opts.beta,
      adaptive: opts.adaptive,
      total_steps: total,
      losses: losses.map((x) => (Number.isNaN(x) ? 'nan' : x)),
      t,
      momentum,
    };
  });
}

/** Every 2025 loss of the engine on the fixture's batches `on` (student samples) and `off` (teacher samples). */
export async function engineLosses2025(on: FixtureBatch, off: FixtureBatch): Promise<Record<string, unknown>> {
  const tOn = tensors(on);
  const tOff = tensors(off);
  const out: Record<string, unknown> = {};

  // On-policy distillation on the student's samples: dense (reverse KL) and the sampled-token policy gradient.
  const opdArgs = (z: tf.Tensor3D) => ({ studentLogits: z, teacherLogits: tOn.teacher, targets: tOn.targets, mask: tOn.mask });
  out.opd = [
    { variant: 'dense', ...(await valueAndGrad(tOn.student, (z) => opdDenseLoss(opdArgs(z)))) },
    ...(await Promise.all(
      [0, 0.5, 1].map(async (gamma) => ({ variant: 'sampled', gamma, ...(await valueAndGrad(tOn.student, (z) => opdSampledLoss({ ...opdArgs(z), gamma }))) })),
    )),
  ];

  // TAID on dataset prefixes (the `off` batch stands for them), at several t; then its schedule.
  const taid = [];
  for (const t of [0, 0.4, 0.75, 1]) {
    const per = taidDivergence(tOff.teacher, tOff.student, t);
    const { loss, grad } = await valueAndGrad(tOff.student, (z) => maskedMean(taidDivergence(tOff.teacher, z, t), tOff.mask));
    taid.push({ t, per_position: await read<number[][]>(per), loss, grad });
  }
  out.taid = taid;
  out.taid_schedule = taidScheduleCases();

  // DistiLLM-2: `off` holds the teacher's responses, `on` the student's, row b the same prompt.
  const distillm2 = [];
  for (const c of [
    { alpha1: 0.1, alpha2: 0.1, beta: 1 },
    { alpha1: 0, alpha2: 0, beta: 1.5 },
    { alpha1: 0.5, alpha2: 0.3, beta: 0.2 },
  ]) {
    const run = (zTeacherSide: tf.Tensor3D, zStudentSide: tf.Tensor3D) =>
      distillm2Loss(
        { teacherLogits: tOff.teacher, studentLogits: zTeacherSide, mask: tOff.mask },
        { teacherLogits: tOn.teacher, studentLogits: zStudentSide, mask: tOn.mask },
        c,
      );
    const terms = run(tOff.student, tOn.student);
    const [gTeacherSide, gStudentSide] = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const r = run(a as tf.Tensor3D, b as tf.Tensor3D);
      tf.dispose([r.skl, r.srkl]);
      return r.loss;
    })([tOff.student, tOn.student]);
    distillm2.push({
      alpha1: c.alpha1,
      alpha2: c.alpha2,
      beta: c.beta,
      loss: await read<number>(terms.loss),
      skl: await read<number>(terms.skl),
      srkl: await read<number>(terms.srkl),
      grad_teacher_responses: await read<Cube>(gTeacherSide),
      grad_student_responses: await read<Cube>(gStudentSide),
    });
  }
  out.distillm2 = distillm2;
  const stopped = stoppedSkewReverseKl(tOn.teacher, tOn.student, 0.1);
  out.stopped_srkl = { alpha: 0.1, per_position: await read<number[][]>(stopped) };

  // SKD's acceptance rule: the `on` batch's targets as proposals, against teacher logits rounded
  // to halves (so ties occur) and as they are.
  const V = on.teacher_logits[0][0].length;
  const tied = on.teacher_logits.map((row) => row.map((logits) => logits.map((x) => Math.round(2 * x) / 2)));
  const skd = [];
  for (const [name, logits] of [
    ['raw', on.teacher_logits],
    ['tied', tied],
  ] as const) {
    for (const k of [1, 2, 3, V]) {
      const flat = tf.tensor2d(logits.flat(), [on.targets.length * on.targets[0].length, V]);
      const tokens = tf.tensor1d(on.targets.flat(), 'int32');
      const accepted = inTeacherTopK(flat, tokens, k);
      const asNumbers = accepted.toInt();
      skd.push({ logits: name, top_k: k, accepted: await read<number[]>(asNumbers) });
      tf.dispose([flat, tokens, accepted]);
    }
  }
  out.skd = { tied_teacher_logits: tied, cases: skd };

  // ABKD on dataset prefixes (`off`): the general case, the limits, and α + β = 0.
  const abkd = [];
  for (const [alpha, beta] of [
    [0.2, 0.7],
    [1, 0],
    [0, 1],
    [0, 0],
    [0.5, 0.5],
    [1.5, 0.3],
    [0, 0.5],
    [0.7, 0],
    [0.5, -0.5],
  ]) {
    const per = abDivergence(tOff.teacher, tOff.student, alpha, beta);
    const { loss, grad } = await valueAndGrad(tOff.student, (z) => maskedMean(abDivergence(tOff.teacher, z, alpha, beta), tOff.mask));
    abkd.push({ alpha, beta, per_position: await read<number[][]>(per), loss, grad });
  }
  out.abkd = abkd;

  tf.dispose([tOn.teacher, tOn.student, tOn.targets, tOn.mask, tOff.teacher, tOff.student, tOff.targets, tOff.mask]);
  return out;
}
