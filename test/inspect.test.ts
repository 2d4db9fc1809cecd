import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { inspectSamples } from '../src/engine/inspect';
import { Transformer } from '../src/engine/model/transformer';
import { Rng } from '../src/engine/rng';
import { BOS, EOS, VOCAB_SIZE, encode } from '../src/engine/tasks/vocab';

const config = (d: number) => ({ vocabSize: VOCAB_SIZE, seqLen: 8, dModel: d, nLayers: 1, nHeads: 2 });

describe('inspectSamples', () => {
  test('a model compared with itself: identical continuations and zero divergence', async () => {
    const m = Transformer.init(config(8), new Rng(3));
    const out = await inspectSamples(m, m, ['1+2=', '7+'], { temperature: 1, noiseState: new Rng(9).state() });
    expect(out).toHaveLength(2);
    for (const s of out) {
      expect(s.student.length).toBeGreaterThan(0);
      expect(s.student.filter((t) => t.id !== EOS).map((t) => t.id)).toEqual(s.teacherIds);
      for (const t of s.student) expect(t.divergence).toBeLessThan(1e-6);
    }
    m.dispose();
  });

  test('distributions are the softmax of each model’s logits at the position before the token; TVD matches', async () => {
    const teacher = Transformer.init(config(16), new Rng(1));
    const student = Transformer.init(config(8), new Rng(2));
    const before = tf.memory().numTensors;
    const [s] = await inspectSamples(teacher, student, ['ab'], { temperature: 0, noiseState: new Rng(5).state() });
    expect(tf.memory().numTensors).toBe(before);

    // Rebuild the student's sequence and compute both softmaxes in float64 from the raw logits.
    const T = 8;
    const ids = [BOS, ...encode('ab'), ...s.student.map((t) => t.id)];
    while (ids.length < T) ids.push(0);
    const tokens = tf.tensor2d([ids.slice(0, T)], [1, T], 'int32');
    const tl = teacher.forward(tokens);
    const sl = student.forward(tokens);
    const [tLog, sLog] = [(await tl.data()) as Float32Array, (await sl.data()) as Float32Array];
    tf.dispose([tokens, tl, sl]);
    const softmax = (row: Float32Array) => {
      const max = Math.max(...row);
      const e = Array.from(row, (x) => Math.exp(x - max));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / z);
    };
    s.student.forEach((tok, k) => {
      const at = 3 + k - 1; // BOS a b, then the continuation; logits at j − 1 predict token j
      const p = softmax(tLog.subarray(at * VOCAB_SIZE, (at + 1) * VOCAB_SIZE));
      const q = softmax(sLog.subarray(at * VOCAB_SIZE, (at + 1) * VOCAB_SIZE));
      for (let v = 0; v < VOCAB_SIZE; v++) {
        expect(tok.teacher[v]).toBeCloseTo(p[v], 5);
        expect(tok.student[v]).toBeCloseTo(q[v], 5);
      }
      const tvd = 0.5 * p.reduce((acc, pv, v) => acc + Math.abs(pv - q[v]), 0);
      expect(tok.divergence).toBeCloseTo(tvd, 5);
      // Greedy: the student's token is its own most likely one.
      expect(q.indexOf(Math.max(...q))).toBe(tok.id);
    });
    teacher.dispose();
    student.dispose();
  });

  test('SKD: with K = V its sequence is the student’s own; with K = 1 and greedy models, the teacher’s, marking what it replaced', async () => {
    const teacher = Transformer.init(config(16), new Rng(1));
    const student = Transformer.init(config(8), new Rng(2));
    const before = tf.memory().numTensors;
    const all = await inspectSamples(teacher, student, ['1+2=', 'ab'], { temperature: 1, noiseState: new Rng(4).state(), speculative: { topK: VOCAB_SIZE } });
    for (const s of all) {
      expect(s.interleaved!.map((t) => t.id)).toEqual(s.student.map((t) => t.id));
      expect(s.interleaved!.some((t) => t.replaced)).toBe(false);
    }
    const one = await inspectSamples(teacher, student, ['1+2=', 'ab'], { temperature: 0, noiseState: new Rng(4).state(), speculative: { topK: 1 } });
    expect(tf.memory().numTensors).toBe(before);
    for (const s of one) {
      expect(s.interleaved!.filter((t) => t.id !== EOS).map((t) => t.id)).toEqual(s.teacherIds);
      // Greedy: a token was replaced exactly when the student's own choice was not the teacher's.
      for (const t of s.interleaved!) expect(t.replaced).toBe(t.proposed !== t.id);
    }
    expect(one.some((s) => s.interleaved!.some((t) => t.replaced))).toBe(true); // these models disagree somewhere
    // Without the option there is no interleaved sequence.
    const plain = await inspectSamples(teacher, student, ['ab'], { temperature: 0, noiseState: new Rng(4).state() });
    expect(plain[0].interleaved).toBeUndefined();
    teacher.dispose();
    student.dispose();
  });
});
