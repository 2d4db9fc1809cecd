// AMMD's action-value critics f(s, a) (docs/methods.md, "AMMD"; Jia, NeurIPS 2024,
// arXiv 2406.02959).
// Our parametrisation, not the paper's: two dense heads (on-policy and off-policy) squashed to
// f = R·tanh(h), so |f| ≤ R, read at every position of a continuation from one of three
// feature sets:
//   own      a small transformer trunk of the critic's own (the student's shape), trained with it;
//   teacher  the frozen teacher's last hidden state (only the heads train);
//   both     the teacher's and the student's last hidden states side by side, the student's
//            detached (the critic never moves the student);
//   probs    the same two hidden states plus the teacher's and the student's next-token
//            distributions p and q, all detached: the best penalised critic clip((p − q)/(2c))
//            is then within reach of a linear head (tanh aside), where from hidden states alone
//            the heads found under half of it from a warm-started student (docs/findings/ammd-critic.md).
// The heads start at exactly zero: f = 0 everywhere, no push on the student before the critic
// has seen a difference (with `own` the trunk still starts random, so the heads' gradient is
// non-zero; with frozen features it is non-zero from the first gap).
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { Transformer } from '../model/transformer';
import { dense } from '../model/layers';
import type { ModelConfig } from '../model/config';
import { stopGradient } from './stopGradient';
import { uniqueVariableName } from '../model/variableName';

export type CriticHead = 'on' | 'off';
export type CriticFeatures = 'own' | 'teacher' | 'both' | 'probs';

/** What a critic may read at the states of a batch of continuations. */
export interface CriticInput {
  /** [B, T] int32. */
  tokens: tf.Tensor2D;
  teacherLogits: tf.Tensor3D;
  studentLogits: tf.Tensor3D;
  /** The teacher's / student's last hidden states [B, T, d] when already computed. */
  teacherHidden?: tf.Tensor3D;
  studentHidden?: tf.Tensor3D;
}

/** Anything that gives f_on and f_off at the states of two batches (learned or exact). */
export interface ActionValues {
  readonly R: number;
  /** f_on at `on`'s states and f_off at `off`'s: [B, T, V] each. */
  valuesFor(on: CriticInput, off: CriticInput): { on: tf.Tensor3D; off: tf.Tensor3D };
  /** One head's values at `batch`'s states. */
  valueFor(batch: CriticInput, head: CriticHead): tf.Tensor3D;
}

/** The frozen models a critic on `teacher` or `both` features reads when no hidden states are given. */
export interface FeatureModels {
  teacher: Transformer;
  student: Transformer;
}

type Head = { w: tf.Variable; b: tf.Variable };

export class Critic implements ActionValues {
  /** The critic's own trunk (`own` features only). */
  readonly trunk: Transformer | null;
  readonly features: CriticFeatures;
  private readonly heads: Record<CriticHead, Head>;
  private readonly models: FeatureModels | null;
  private bound: number;

  private constructor(features: CriticFeatures, trunk: Transformer | null, heads: Record<CriticHead, Head>, models: FeatureModels | null, R: number) {
    this.features = features;
    this.trunk = trunk;
    this.heads = heads;
    this.models = models;
    this.bound = R;
  }

  /**
   * A critic over sequences of `config` (vocabulary = action set), bounded by R. `own` builds a
   * trunk of `config`'s shape; `teacher` and `both` read `models` (required for them).
   */
  static init(config: ModelConfig, rng: Rng, R: number, features: CriticFeatures = 'own', models: FeatureModels | null = null): Critic {
    checkBound(R);
    if (features !== 'own' && !models) throw new Error(`Critic: features '${features}' need the teacher and the student`);
    const width =
      features === 'own'
        ? config.dModel
        : features === 'teacher'
          ? models!.teacher.config.dModel
          : models!.teacher.config.dModel + models!.student.config.dModel + (features === 'probs' ? 2 * config.vocabSize : 0);
    const trunk = features === 'own' ? Transformer.init(config, rng) : null;
    const zeroVariable = (shape: number[], name: string) => {
      const zeros = tf.zeros(shape);
      const v = tf.variable(zeros, true, uniqueVariableName(name));
      zeros.dispose();
      return v;
    };
    const zeroHead = (name: string) => ({
      w: zeroVariable([width, config.vocabSize], `critic.${name}.w`),
      b: zeroVariable([config.vocabSize], `critic.${name}.b`),
    });
    return new Critic(features, trunk, { on: zeroHead('on'), off: zeroHead('off') }, models, R);
  }

  get R(): number {
    return this.bound;
  }

  /** Change the bound R (applies from the next call; f = R·tanh(h) rescales at once). */
  setBound(R: number): void {
    checkBound(R);
    this.bound = R;
  }

  /** f_on and f_off at every position of `tokens` [B, T]: [B, T, V] each (own trunk only). */
  values(tokens: tf.Tensor2D): { on: tf.Tensor3D; off: tf.Tensor3D } {
    return tf.tidy(() => {
      const h = this.ownTrunk().hidden(tokens);
      return { on: this.headValues(h, 'on'), off: this.headValues(h, 'off') };
    });
  }

  /**
   * f_on on `onTokens` and f_off on `offTokens` ([B_on, T] and [B_off, T]) with one trunk pass
   * over both batches stacked (half the kernel launches of two passes). Own trunk only.
   */
  valuesOnOff(onTokens: tf.Tensor2D, offTokens: tf.Tensor2D): { on: tf.Tensor3D; off: tf.Tensor3D } {
    return tf.tidy(() => {
      const nOn = onTokens.shape[0];
      const h = this.ownTrunk().hidden(tf.concat([onTokens.toInt(), offTokens.toInt()], 0) as tf.Tensor2D);
      const [T, d] = [h.shape[1], h.shape[2]];
      const hOn = h.slice([0, 0, 0], [nOn, T, d]) as tf.Tensor3D;
      const hOff = h.slice([nOn, 0, 0], [offTokens.shape[0], T, d]) as tf.Tensor3D;
      return { on: this.headValues(hOn, 'on'), off: this.headValues(hOff, 'off') };
    });
  }

  /** One head's values f(s_t, ·) at every position of `tokens`: [B, T, V] (own trunk only). */
  value(tokens: tf.Tensor2D, head: CriticHead): tf.Tensor3D {
    return tf.tidy(() => this.headValues(this.ownTrunk().hidden(tokens), head));
  }

  valuesFor(on: CriticInput, off: CriticInput): { on: tf.Tensor3D; off: tf.Tensor3D } {
    if (this.features === 'own') return this.valuesOnOff(on.tokens, off.tokens);
    return tf.tidy(() => ({ on: this.headValues(this.featuresOf(on), 'on'), off: this.headValues(this.featuresOf(off), 'off') }));
  }

  valueFor(batch: CriticInput, head: CriticHead): tf.Tensor3D {
    if (this.features === 'own') return this.value(batch.tokens, head);
    return tf.tidy(() => this.headValues(this.featuresOf(batch), head));
  }

  /** The trainable variables: the own trunk without its (unused) language-model head, and both heads. */
  variables(): tf.Variable[] {
    const trunk = this.trunk ? [...this.trunk.params.entries()].filter(([name]) => !name.startsWith('head.')).map(([, v]) => v) : [];
    return [...trunk, this.heads.on.w, this.heads.on.b, this.heads.off.w, this.heads.off.b];
  }

  dispose(): void {
    this.trunk?.dispose();
    for (const h of Object.values(this.heads)) {
      h.w.dispose();
      h.b.dispose();
    }
  }

  /** The frozen features at a batch's states, constants for the critic's gradient. */
  private featuresOf(batch: CriticInput): tf.Tensor3D {
    const models = this.models!;
    const teacher = stopGradient(batch.teacherHidden ?? models.teacher.hidden(batch.tokens));
    if (this.features === 'teacher') return teacher as tf.Tensor3D;
    const student = stopGradient(batch.studentHidden ?? models.student.hidden(batch.tokens));
    if (this.features === 'both') return tf.concat([teacher, student], -1) as tf.Tensor3D;
    const p = tf.softmax(stopGradient(batch.teacherLogits));
    const q = tf.softmax(stopGradient(batch.studentLogits));
    return tf.concat([teacher, student, p, q], -1) as tf.Tensor3D;
  }

  private ownTrunk(): Transformer {
    if (!this.trunk) throw new Error(`Critic: features '${this.features}' have no trunk of their own`);
    return this.trunk;
  }

  private headValues(h: tf.Tensor3D, head: CriticHead): tf.Tensor3D {
    const { w, b } = this.heads[head];
    return tf.tanh(dense(h, w, b)).mul(this.bound) as tf.Tensor3D;
  }
}

function checkBound(R: number): void {
  if (!(R > 0) || !Number.isFinite(R)) throw new Error(`Critic: the bound R must be a positive number, got ${R}`);
}
