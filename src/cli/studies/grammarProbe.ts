// Mode-seeking measurements on the grammar task, where the true distribution is known exactly
// (tasks/grammar.ts): of N temperature-1 samples of a model, the grammatical rate and the number
// of distinct sentences; and the sequence-level KL(p_grammar ‖ q) estimated over M sentences
// drawn from the grammar as mean(log p(y) − log q(y)). log p(y) is exact; log q(y) is the sum of
// the model's per-position log-probabilities (answer and EOS) from one teacher-forced forward pass.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../engine/rng';
import { continuationIds, encodeExamples, encodePrompts, finished, fromTokens } from '../../engine/data';
import { decode } from '../../engine/tasks/vocab';
import { sampleTensors } from '../../engine/model/sampling';
import type { Transformer } from '../../engine/model/transformer';
import { tokenNll } from '../../engine/objectives/likelihood';
import { sampleSentence, sentenceProbability, isGrammatical } from '../../engine/tasks/grammar';

export interface GrammarProbe {
  /** Share of the N samples that are sentences of the grammar. */
  grammaticalRate: number;
  /** Distinct strings among the N samples. */
  distinct: number;
  /** Distinct grammatical sentences among the N samples. */
  distinctGrammatical: number;
  /** Sequence-level KL(p_grammar ‖ q) in nats, mean over M grammar sentences. */
  seqKlGrammar: number;
}

/** Count grammatical and distinct strings (plain helper, unit-tested). */
export function sampleStats(texts: readonly string[], grammatical: (s: string) => boolean): { rate: number; distinct: number; distinctGrammatical: number } {
  const all = new Set(texts);
  const good = texts.filter(grammatical);
  return { rate: texts.length ? good.length / texts.length : NaN, distinct: all.size, distinctGrammatical: new Set(good).size };
}

/** mean(log p − log q) over paired sentence log-probabilities (plain helper, unit-tested). */
export function klEstimate(logP: readonly number[], logQ: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < logP.length; i++) s += logP[i] - logQ[i];
  return s / logP.length;
}

/** Fixed material of a probe: the same sampling noise and grammar sentences at every call. */
export class GrammarProbeSet {
  private readonly noise: number[];
  readonly sentences: string[];

  constructor(
    seed: number,
    readonly samples = 256,
    sentences = 256,
  ) {
    const rng = new Rng(seed);
    this.noise = rng.fork().state();
    const draw = rng.fork();
    this.sentences = Array.from({ length: sentences }, () => sampleSentence(draw));
  }

  async measure(model: Transformer): Promise<GrammarProbe> {
    const T = model.config.seqLen;
    const prompts = encodePrompts(new Array<string>(this.samples).fill(''), T);
    const sampled = sampleTensors(model, prompts, { temperature: 1, rng: Rng.fromState(this.noise) });
    const ref = encodeExamples(
      this.sentences.map((answer) => ({ prompt: '', answer })),
      T,
    );
    const packed = tf.tidy(() => {
      const tokens = tf.tensor2d(ref.tokens, [ref.batch, T], 'int32');
      const targets = tf.tensor2d(ref.targets, [ref.batch, T], 'int32');
      const mask = tf.tensor2d(ref.mask, [ref.batch, T]);
      const logQ = tokenNll(model.forward(tokens), targets).mul(mask).sum(-1).neg();
      return tf.concat([logQ, sampled.tokens.reshape([-1]).toFloat()]);
    });
    tf.dispose([sampled.tokens, sampled.mask]);
    const values = await packed.data();
    packed.dispose();
    const logQ = Array.from(values.subarray(0, ref.batch));
    const logP = this.sentences.map((s) => Math.log(sentenceProbability(s)));
    const ids = Int32Array.from(values.subarray(ref.batch), (x) => Math.round(x));
    const out = fromTokens(ids, prompts.promptLens, T);
    const texts = Array.from({ length: this.samples }, (_, b) => {
      const text = decode(continuationIds(out, b));
      return finished(out, b) ? text : text + '…'; // unfinished is never grammatical
    });
    const stats = sampleStats(texts, isGrammatical);
    return { grammaticalRate: stats.rate, distinct: stats.distinct, distinctGrammatical: stats.distinctGrammatical, seqKlGrammar: klEstimate(logP, logQ) };
  }
}
