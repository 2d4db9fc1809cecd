// What the samples panel shows: on fixed held-out prompts, the teacher's and the student's
// continuations, the divergence between their next-token distributions at every position of the
// student's continuation, and both distributions there; for SKD also the sequence its sampler
// makes on the same prompts, with the tokens the teacher replaced. Tensors in, plain arrays
// out, with one GPU→CPU read. Noise is replayed from a fixed state, so successive inspections
// differ only through the student.
import * as tf from '@tensorflow/tfjs';
import { Rng } from './rng';
import { encodePrompts } from './data';
import { sampleTensors } from './model/sampling';
import { SKD_STATUS, sampleSpeculative } from './objectives/skd';
import type { Transformer } from './model/transformer';
import { EOS, PAD } from './tasks/vocab';

export interface InspectedToken {
  id: number;
  /** Total variation ½Σ|p − q| between teacher p and student q predicting this token. */
  divergence: number;
  /** p(· | prefix) and q(· | prefix) over the vocabulary, at the position predicting this token. */
  teacher: number[];
  student: number[];
}

/** A token of SKD's interleaved continuation: kept from the student, or the teacher's replacement. */
export interface InterleavedToken {
  id: number;
  replaced: boolean;
  /** The student's proposal at this position (the token itself when it was kept). */
  proposed: number;
}

export interface InspectedSample {
  prompt: string;
  teacherIds: number[];
  student: InspectedToken[];
  /** With `speculative`: SKD's interleaved continuation of the prompt. */
  interleaved?: InterleavedToken[];
}

/**
 * Continue `prompts` with both models (greedy when temperature is 0) and compare them on the
 * student's continuation. `noiseState` is an Rng state: the same state gives the same noise.
 */
export async function inspectSamples(
  teacher: Transformer,
  student: Transformer,
  prompts: readonly string[],
  opts: { temperature: number; noiseState: readonly number[]; speculative?: { topK: number } },
): Promise<InspectedSample[]> {
  const T = student.config.seqLen;
  const V = student.config.vocabSize;
  const B = prompts.length;
  const encoded = encodePrompts(prompts, T);
  const fromTeacher = sampleTensors(teacher, encoded, { temperature: opts.temperature, rng: Rng.fromState(opts.noiseState) });
  const fromStudent = sampleTensors(student, encoded, { temperature: opts.temperature, rng: Rng.fromState(opts.noiseState) });
  // Both models at the panel's temperature: the student proposes as it samples above.
  const interleaved = opts.speculative
    ? sampleSpeculative(student, teacher, encoded, {
        studentTemperature: opts.temperature,
        teacherTemperature: opts.temperature,
        topK: opts.speculative.topK,
        rng: Rng.fromState(opts.noiseState),
      })
    : null;
  const packed = tf.tidy(() => {
    const p = tf.softmax(teacher.forward(fromStudent.tokens)); // [B, T, V]
    const q = tf.softmax(student.forward(fromStudent.tokens));
    const tvd = p.sub(q).abs().sum(-1).mul(0.5); // [B, T]
    return tf.concat([
      fromTeacher.tokens.toFloat().reshape([-1]),
      fromStudent.tokens.toFloat().reshape([-1]),
      tvd.reshape([-1]),
      p.reshape([-1]),
      q.reshape([-1]),
      ...(interleaved ? [interleaved.tokens, interleaved.status, interleaved.proposals].map((x) => x.toFloat().reshape([-1])) : []),
    ]);
  });
  tf.dispose([fromTeacher.tokens, fromTeacher.mask, fromStudent.tokens, fromStudent.mask]);
  if (interleaved) tf.dispose([interleaved.tokens, interleaved.mask, interleaved.status, interleaved.proposals]);
  const values = await packed.data();
  packed.dispose();

  const BT = B * T;
  const teacherTokens = values.subarray(0, BT);
  const studentTokens = values.subarray(BT, 2 * BT);
  const tvd = values.subarray(2 * BT, 3 * BT);
  const pAll = values.subarray(3 * BT, 3 * BT + BT * V);
  const qAll = values.subarray(3 * BT + BT * V, 3 * BT + 2 * BT * V);
  const skd = interleaved ? values.subarray(3 * BT + 2 * BT * V) : null;
  return prompts.map((prompt, b) => {
    const start = encoded.promptLens[b];
    const teacherIds: number[] = [];
    for (let j = start; j < T; j++) {
      const id = Math.round(teacherTokens[b * T + j]);
      if (id === PAD || id === EOS) break;
      teacherIds.push(id);
    }
    const tokens: InspectedToken[] = [];
    for (let j = start; j < T; j++) {
      const id = Math.round(studentTokens[b * T + j]);
      if (id === PAD) break;
      const at = b * T + j - 1; // logits at j − 1 predict token j
      tokens.push({
        id,
        divergence: tvd[at],
        teacher: Array.from(pAll.subarray(at * V, (at + 1) * V)),
        student: Array.from(qAll.subarray(at * V, (at + 1) * V)),
      });
      if (id === EOS) break;
    }
    return skd ? { prompt, teacherIds, student: tokens, interleaved: interleavedRow(skd, b, T, start) } : { prompt, teacherIds, student: tokens };
  });
}

/** Row b of SKD's [tokens, status, proposals] blocks ([B·T] each), from the continuation's start to EOS. */
function interleavedRow(blocks: ArrayLike<number>, b: number, T: number, start: number): InterleavedToken[] {
  const BT = blocks.length / 3;
  const out: InterleavedToken[] = [];
  for (let j = start; j < T; j++) {
    const id = Math.round(blocks[b * T + j]);
    if (id === PAD) break;
    const at = b * T + j - 1; // the status of position j − 1 is that of token j
    const replaced = Math.round(blocks[BT + at]) === SKD_STATUS.replaced;
    out.push({ id, replaced, proposed: replaced ? Math.round(blocks[2 * BT + at]) : id });
    if (id === EOS) break;
  }
  return out;
}
