// Speculative knowledge distillation (Xu et al., "Speculative Knowledge Distillation: Bridging
// the Teacher-Student Gap Through Interleaved Sampling", ICLR 2025, arXiv 2410.11325,
// Algorithm 1): the student proposes each token; a proposal outside the teacher's top K at that
// prefix is replaced by a token sampled from the teacher; the divergence is then taken on the
// interleaved sequence. See docs/methods.md, "SKD". This file is the interleaved sampler and its
// acceptance rule; the loss is a token divergence from ./divergences.
//
// The sampler follows model/sampling.ts: fixed shapes, a prefill of the shared prompt prefix,
// one cached step per position for each model, and the engine's own Gumbel noise, so a seed
// gives the same sequences on every backend. The student's noise is drawn first and laid out
// as sampleTensors lays it out, so with K = V (every proposal accepted) the sequence is exactly
// the student's own sample from the same stream.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { EOS, PAD } from '../tasks/vocab';
import type { Transformer } from '../model/transformer';
import { Decoder } from '../model/decoder';

/** What happened at a position whose next token was generated (the `status` tensor, as int32). */
export const SKD_STATUS = { none: 0, accepted: 1, replaced: 2 } as const;

/**
 * Whether each row's `token` is among the K largest of `teacherLogits` [B, V] → [B] bool: its
 * rank, the number of tokens with a strictly larger logit, is below K. Ties count in the
 * token's favour; K ≥ V accepts everything.
 */
export function inTeacherTopK(teacherLogits: tf.Tensor2D, token: tf.Tensor1D, topK: number): tf.Tensor1D {
  if (!(Number.isInteger(topK) && topK >= 1)) throw new Error(`inTeacherTopK: K must be a positive integer, got ${topK}`);
  return tf.tidy(() => {
    const V = teacherLogits.shape[1];
    const own = tf.oneHot(token.toInt(), V).toFloat().mul(teacherLogits).sum(-1, true); // [B, 1]
    const rank = tf.greater(teacherLogits, own).toFloat().sum(-1);
    return tf.less(rank, topK) as tf.Tensor1D;
  });
}

export interface SpeculativeOptions {
  /** Temperature of the student's proposals (0: greedy). */
  studentTemperature: number;
  /** Temperature of the teacher's replacement samples (0: greedy). */
  teacherTemperature: number;
  topK: number;
  rng: Rng;
  /** Also return the teacher's logits on the interleaved tokens (the loss needs them). */
  keepTeacherLogits?: boolean;
}

export interface SpeculativeSample {
  /** [B, T] int32: prompt, interleaved continuation, PAD after EOS. */
  tokens: tf.Tensor2D;
  /** [B, T] float: 1 where position t's target (token t + 1) was generated. */
  mask: tf.Tensor2D;
  /** [B, T] int32: SKD_STATUS of position t's target (none where the mask is 0). */
  status: tf.Tensor2D;
  /** [B, T] int32: the student's proposal for position t's target (PAD where nothing was proposed). */
  proposals: tf.Tensor2D;
  /** With keepTeacherLogits: [B, T, V], the teacher's logits on `tokens` (row T − 1 is 0). */
  teacherLogits?: tf.Tensor3D;
}

/** Interleaved continuations of `prompts` (tokens [B·T] and prompt lengths), no gradient. */
export function sampleSpeculative(
  student: Transformer,
  teacher: Transformer,
  prompts: { tokens: Int32Array; promptLens: Int32Array },
  opts: SpeculativeOptions,
): SpeculativeSample {
  const T = student.config.seqLen;
  const V = student.config.vocabSize;
  const B = prompts.promptLens.length;
  if (teacher.config.seqLen !== T || teacher.config.vocabSize !== V)
    throw new Error('sampleSpeculative: the teacher and the student must share context and vocabulary');
  const P = Math.max(1, Math.min(T, ...Array.from(prompts.promptLens)));
  // Drawn whole, student first, whatever is used: the stream advances the same for every prompt.
  const studentNoise = opts.studentTemperature > 0 ? opts.rng.gumbel(B * T * V) : null;
  const teacherNoise = opts.teacherTemperature > 0 ? opts.rng.gumbel(B * T * V) : null;

  const prefix = new Int32Array(B * P);
  for (let b = 0; b < B; b++) prefix.set(prompts.tokens.subarray(b * T, b * T + P), b * P);
  const prefixTokens = tf.tensor2d(prefix, [B, P], 'int32');
  const studentDecoder = new Decoder(student, B);
  const teacherDecoder = new Decoder(teacher, B);
  const studentPrefill = studentDecoder.prefill(prefixTokens);
  const teacherPrefill = teacherDecoder.prefill(prefixTokens);
  const lastOf = (x: tf.Tensor3D) => tf.tidy(() => x.slice([0, P - 1, 0], [B, 1, V]).reshape([B, V]) as tf.Tensor2D);
  const keptTeacher: tf.Tensor2D[] = [];

  let done = tf.zeros([B], 'bool') as tf.Tensor1D;
  let current: tf.Tensor1D | null = null;
  const columns: tf.Tensor1D[] = [];
  const validColumns: tf.Tensor1D[] = [];
  const statusColumns: tf.Tensor1D[] = [];
  const proposalColumns: tf.Tensor1D[] = [];
  const pad = tf.fill([B], PAD, 'int32') as tf.Tensor1D;

  for (let t = P - 1; t + 1 < T; t++) {
    const first = !current;
    const studentLogits = first ? lastOf(studentPrefill) : studentDecoder.step(current!, t);
    const teacherLogits = first ? lastOf(teacherPrefill) : teacherDecoder.step(current!, t);
    if (opts.keepTeacherLogits && !first) keptTeacher.push(teacherLogits);
    const stillPrompt = Array.from(prompts.promptLens, (len) => t + 1 < len);
    const anyPrompt = stillPrompt.some(Boolean);
    const gs = studentNoise ? tf.tensor2d(noiseColumn(studentNoise, B, T, V, t), [B, V]) : null;
    const gt = teacherNoise ? tf.tensor2d(noiseColumn(teacherNoise, B, T, V, t), [B, V]) : null;
    const fromPrompt = anyPrompt
      ? tf.tensor1d(
          stillPrompt.map((x) => (x ? 1 : 0)),
          'bool',
        )
      : null;
    const promptToken = anyPrompt
      ? tf.tensor1d(
          Array.from({ length: B }, (_, b) => prompts.tokens[b * T + t + 1]),
          'int32',
        )
      : null;
    const next = tf.tidy(() => {
      const proposal = draw(studentLogits, opts.studentTemperature, gs);
      const accepted = inTeacherTopK(teacherLogits, proposal, opts.topK);
      const choice = tf.where(accepted, proposal, draw(teacherLogits, opts.teacherTemperature, gt));
      const generated = tf.where(done, pad, choice);
      const token = (fromPrompt ? tf.where(fromPrompt, promptToken!, generated) : generated) as tf.Tensor1D;
      const notDone = tf.logicalNot(done);
      const valid = (fromPrompt ? tf.logicalAnd(tf.logicalNot(fromPrompt), notDone) : notDone) as tf.Tensor1D;
      const status = tf.where(
        valid,
        tf.where(accepted, tf.fill([B], SKD_STATUS.accepted, 'int32'), tf.fill([B], SKD_STATUS.replaced, 'int32')),
        tf.zerosLike(pad),
      );
      const shownProposal = tf.where(valid, proposal.toInt(), pad);
      const nowDone = tf.logicalOr(done, token.equal(EOS)) as tf.Tensor1D;
      return { token, valid, status: status as tf.Tensor1D, proposal: shownProposal as tf.Tensor1D, nowDone };
    });
    for (const x of [gs, gt, fromPrompt, promptToken]) x?.dispose();
    studentLogits.dispose();
    if (!opts.keepTeacherLogits || first) teacherLogits.dispose();
    done.dispose();
    done = next.nowDone;
    current = next.token;
    columns.push(current);
    validColumns.push(next.valid);
    statusColumns.push(next.status);
    proposalColumns.push(next.proposal);
  }

  const result = tf.tidy(() => {
    const stack = (cols: tf.Tensor1D[], dtype: 'int32' | 'float32') => (cols.length ? [tf.stack(cols, 1).cast(dtype)] : []);
    const tokens = tf.concat([prefixTokens, ...stack(columns, 'int32')], 1) as tf.Tensor2D;
    const mask = tf.concat([tf.zeros([B, P - 1]), ...stack(validColumns, 'float32'), tf.zeros([B, 1])], 1) as tf.Tensor2D;
    const intRow = (cols: tf.Tensor1D[], fill: number) =>
      tf.concat([tf.fill([B, P - 1], fill, 'int32'), ...stack(cols, 'int32'), tf.fill([B, 1], fill, 'int32')], 1) as tf.Tensor2D;
    const out: Record<string, tf.Tensor> = { tokens, mask, status: intRow(statusColumns, SKD_STATUS.none), proposals: intRow(proposalColumns, PAD) };
    if (opts.keepTeacherLogits) {
      out.teacherLogits = tf.concat(
        [teacherPrefill, ...(keptTeacher.length ? [tf.stack(keptTeacher, 1)] : []), ...(P < T ? [tf.zeros([B, 1, V])] : [])],
        1,
      ) as tf.Tensor3D;
    }
    return out;
  }) as unknown as SpeculativeSample;
  tf.dispose([...columns, ...validColumns, ...statusColumns, ...proposalColumns, ...keptTeacher, done, pad, prefixTokens, studentPrefill, teacherPrefill]);
  studentDecoder.dispose();
  teacherDecoder.dispose();
  return result;
}

/** argmax(logits/τ + g): a sample at temperature τ (Gumbel-max), greedy at τ = 0. */
function draw(logits: tf.Tensor2D, tau: number, g: tf.Tensor2D | null): tf.Tensor1D {
  if (tau <= 0 || !g) return logits.argMax(-1) as tf.Tensor1D;
  const scaled = tau === 1 ? logits : logits.div(tau);
  return scaled.add(g).argMax(-1) as tf.Tensor1D;
}

/** noise[:, t, :] of a [B, T, V] array, as [B·V] (the layout model/sampling.ts uses). */
function noiseColumn(noise: Float32Array, B: number, T: number, V: number, t: number): Float32Array {
  const out = new Float32Array(B * V);
  for (let b = 0; b < B; b++) out.set(noise.subarray((b * T + t) * V, (b * T + t + 1) * V), b * V);
  return out;
}
