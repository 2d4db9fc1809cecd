// sampleTensors on webgpu: the same draws (the same Gumbel noise from the same stream, the same
// prefill and cached decoding) with each position's choice in one dispatch (../webgpu/sampler.ts)
// instead of about ten, and the decoder reading each next token straight from the sampler's state.
import * as tf from '@tensorflow/tfjs';
import { EOS, PAD } from '../tasks/vocab';
import type { Transformer } from './transformer';
import { Decoder } from './decoder';
import { initialState, sampleStep, stateTensors } from '../webgpu/sampler';
import type { SampleOptions, SampledTensors } from './samplingTypes';

export function sampleTensorsFused(model: Transformer, prompts: { tokens: Int32Array; promptLens: Int32Array }, opts: SampleOptions): SampledTensors {
  const T = model.config.seqLen;
  const V = model.config.vocabSize;
  const B = prompts.promptLens.length;
  const P = Math.max(1, Math.min(T, ...Array.from(prompts.promptLens)));
  const greedy = opts.temperature <= 0;
  // Drawn whole, as [B, T, V], exactly as sampleTensors draws it.
  const noise = greedy ? null : tf.tensor3d(opts.rng.gumbel(B * T * V), [B, T, V]);

  const prefix = new Int32Array(B * P);
  for (let b = 0; b < B; b++) prefix.set(prompts.tokens.subarray(b * T, b * T + P), b * P);
  const prefixTokens = tf.tensor2d(prefix, [B, P], 'int32');
  const decoder = new Decoder(model, B);
  const mixDecoder = opts.mix ? new Decoder(opts.mix.model, B) : null;
  const prefillLogits = decoder.prefill(prefixTokens);
  const mixPrefillLogits = mixDecoder ? mixDecoder.prefill(prefixTokens) : null;
  const lastOf = (x: tf.Tensor3D) => tf.tidy(() => x.slice([0, P - 1, 0], [B, 1, V]).reshape([B, V]) as tf.Tensor2D);
  const kept: tf.Tensor2D[] = [];
  const mixKept: tf.Tensor2D[] = [];
  let state = initialState(prompts, T, P);

  for (let t = P - 1; t + 1 < T; t++) {
    const first = t === P - 1;
    const logits = first ? lastOf(prefillLogits) : decoder.step(state, t);
    const mixLogits = mixDecoder ? (first ? lastOf(mixPrefillLogits!) : mixDecoder.step(state, t)) : null;
    const next = sampleStep(
      state,
      logits,
      mixLogits,
      noise,
      { B, T, V },
      { t, temperature: opts.temperature, mixWeight: opts.mix?.weight, pad: PAD, eos: EOS },
    );
    state.dispose();
    state = next;
    if (opts.keepLogits && !first) {
      kept.push(logits);
      if (mixLogits) mixKept.push(mixLogits);
    } else {
      logits.dispose();
      mixLogits?.dispose();
    }
  }

  const result: SampledTensors = tf.tidy(() => {
    const out: SampledTensors = stateTensors(state, T);
    if (opts.keepLogits) {
      const assemble = (prefill: tf.Tensor3D, steps: tf.Tensor2D[]) =>
        tf.concat([prefill, ...(steps.length ? [tf.stack(steps, 1)] : []), ...(P < T ? [tf.zeros([B, 1, V])] : [])], 1) as tf.Tensor3D;
      out.logits = assemble(prefillLogits, kept);
      if (mixPrefillLogits) out.mixLogits = assemble(mixPrefillLogits, mixKept);
    }
    return out as unknown as tf.TensorContainer;
  }) as unknown as SampledTensors;
  tf.dispose([...kept, ...mixKept, state, prefixTokens, prefillLogits]);
  if (noise) noise.dispose();
  if (mixPrefillLogits) mixPrefillLogits.dispose();
  decoder.dispose();
  mixDecoder?.dispose();
  return result;
}
