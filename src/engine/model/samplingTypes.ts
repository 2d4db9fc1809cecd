// What sampling takes and returns (both sampling paths share them: sampling.ts, fusedSampling.ts).
import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import type { Transformer } from './transformer';

export interface SampleOptions {
  /** Softmax temperature; 0 means greedy decoding. */
  temperature: number;
  rng: Rng;
  /** Sample from (1 − weight)·π_model + weight·π_mix instead (MiniLLM's teacher-mixed policy). */
  mix?: { model: Transformer; weight: number };
  /**
   * Also return the logits the sampling computed ([B, T, V], raw, before the temperature), so a
   * caller need not run the model again on its own samples. Position T − 1 (whose target lies
   * beyond the context, always masked) is 0.
   */
  keepLogits?: boolean;
}

export interface SampledTensors {
  /** [B, T] int32: prompt, sampled continuation, PAD after EOS. */
  tokens: tf.Tensor2D;
  /** [B, T] float: 1 where position t's target (token t + 1) was sampled. */
  mask: tf.Tensor2D;
  /** With keepLogits: the model's logits on `tokens`, as forward() would give them up to float rounding. */
  logits?: tf.Tensor3D;
  /** With keepLogits and mix: the mix model's logits on `tokens`. */
  mixLogits?: tf.Tensor3D;
}
