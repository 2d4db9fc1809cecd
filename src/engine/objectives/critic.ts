// AMMD's action-value critics f(s, a) (spec "AMMD"; Jia, NeurIPS 2024, arXiv 2406.02959).
// Our parametrisation, not the paper's: one small transformer trunk read at every position,
// two dense heads (on-policy and off-policy) squashed to f = R·tanh(h), so |f| ≤ R.
// The heads start at exactly zero: f = 0 everywhere, no push on the student before the critic
// has seen a difference (the trunk still starts random, so the heads' gradient is non-zero).
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { Transformer, dense, type ModelConfig } from '../model/transformer';

export type CriticHead = 'on' | 'off';

export class Critic {
  readonly trunk: Transformer;
  private readonly heads: Record<CriticHead, { w: tf.Variable; b: tf.Variable }>;
  private bound: number;

  private constructor(trunk: Transformer, heads: Record<CriticHead, { w: tf.Variable; b: tf.Variable }>, R: number) {
    this.trunk = trunk;
    this.heads = heads;
    this.bound = R;
  }

  /** A critic over sequences of `config` (vocabulary = action set), bounded by R. */
  static init(config: ModelConfig, rng: Rng, R: number): Critic {
    checkBound(R);
    const trunk = Transformer.init(config, rng);
    const zeroVariable = (shape: number[], name: string) => {
      const zeros = tf.zeros(shape);
      const v = tf.variable(zeros, true, uniqueName(name));
      zeros.dispose();
      return v;
    };
    const zeroHead = (name: string) => ({
      w: zeroVariable([config.dModel, config.vocabSize], `critic.${name}.w`),
      b: zeroVariable([config.vocabSize], `critic.${name}.b`),
    });
    return new Critic(trunk, { on: zeroHead('on'), off: zeroHead('off') }, R);
  }

  get R(): number {
    return this.bound;
  }

  /** Change the bound R (applies from the next call; f = R·tanh(h) rescales at once). */
  setBound(R: number): void {
    checkBound(R);
    this.bound = R;
  }

  /** f_on and f_off at every position of `tokens` [B, T]: [B, T, V] each. */
  values(tokens: tf.Tensor2D): { on: tf.Tensor3D; off: tf.Tensor3D } {
    return tf.tidy(() => {
      const h = this.trunk.hidden(tokens);
      return { on: this.headValues(h, 'on'), off: this.headValues(h, 'off') };
    });
  }

  /**
   * f_on on `onTokens` and f_off on `offTokens` ([B_on, T] and [B_off, T]) with one trunk pass
   * over both batches stacked (half the kernel launches of two passes).
   */
  valuesOnOff(onTokens: tf.Tensor2D, offTokens: tf.Tensor2D): { on: tf.Tensor3D; off: tf.Tensor3D } {
    return tf.tidy(() => {
      const nOn = onTokens.shape[0];
      const h = this.trunk.hidden(tf.concat([onTokens.toInt(), offTokens.toInt()], 0) as tf.Tensor2D);
      const [T, d] = [h.shape[1], h.shape[2]];
      const hOn = h.slice([0, 0, 0], [nOn, T, d]) as tf.Tensor3D;
      const hOff = h.slice([nOn, 0, 0], [offTokens.shape[0], T, d]) as tf.Tensor3D;
      return { on: this.headValues(hOn, 'on'), off: this.headValues(hOff, 'off') };
    });
  }

  /** One head's values f(s_t, ·) at every position of `tokens`: [B, T, V]. */
  value(tokens: tf.Tensor2D, head: CriticHead): tf.Tensor3D {
    return tf.tidy(() => this.headValues(this.trunk.hidden(tokens), head));
  }

  /** The trainable variables: the trunk without its (unused) language-model head, and both heads. */
  variables(): tf.Variable[] {
    const trunk = [...this.trunk.params.entries()].filter(([name]) => !name.startsWith('head.')).map(([, v]) => v);
    return [...trunk, this.heads.on.w, this.heads.on.b, this.heads.off.w, this.heads.off.b];
  }

  dispose(): void {
    this.trunk.dispose();
    for (const h of Object.values(this.heads)) {
      h.w.dispose();
      h.b.dispose();
    }
  }

  private headValues(h: tf.Tensor3D, head: CriticHead): tf.Tensor3D {
    const { w, b } = this.heads[head];
    return tf.tanh(dense(h, w, b)).mul(this.bound) as tf.Tensor3D;
  }
}

function checkBound(R: number): void {
  if (!(R > 0) || !Number.isFinite(R)) throw new Error(`Critic: the bound R must be a positive number, got ${R}`);
}

let nameCounter = 0;
function uniqueName(name: string): string {
  return `${name}#${nameCounter++}`;
}
