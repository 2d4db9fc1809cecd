// DistiLLM's adaptive off-policy schedule and its replay buffer (Ko et al., "DistiLLM: Towards
// Streamlined Distillation for Large Language Models", ICML 2024, arXiv 2402.03898, §3.2).
// Plain TypeScript, no tensors: the trainer asks `choose` where each batch comes from.
// The loss itself is tokenDivergence('skl' | 'srkl') in ./divergences.
import type { Rng } from '../rng';

export type BatchSource = 'fresh' | 'buffer' | 'dataset';

/**
 * The threshold φ deciding how often a batch is student-generated.
 *
 * φ starts at 0. At each evaluation the trainer reports the student's validation NLL on the
 * dataset; when it has risen by at least ε since the last rise, φ ← min(φ + 0.1, 1).
 *
 * Our reading of "since the last rise" (the paper leaves it open): the rise is measured from
 * the LOWEST validation NLL observed since φ last rose (before any rise: since the first
 * evaluation). The reference restarts at the NLL that triggered a rise. So a student whose
 * NLL keeps falling never raises φ, and φ rises each time the NLL climbs ε above its best
 * value of the current period, which is the over-fitting signal the schedule is meant to
 * catch. A tolerance of 1e-9 absorbs decimal rounding (0.3 − 0.2 < 0.1 in binary).
 */
export class AdaptiveOffPolicy {
  phi = 0;
  /** Rises of φ so far (for display and tests). */
  rises = 0;
  readonly epsilon: number;
  private reference: number | null = null;

  constructor(epsilon = 0.1) {
    if (!(epsilon >= 0)) throw new Error(`AdaptiveOffPolicy: epsilon must be ≥ 0, got ${epsilon}`);
    this.epsilon = epsilon;
  }

  /** Take over another schedule's state (a copy of a run steps as the run would). */
  copyFrom(other: AdaptiveOffPolicy): void {
    this.phi = other.phi;
    this.rises = other.rises;
    this.reference = other.reference;
  }

  observeValidationNll(nll: number): void {
    if (!Number.isFinite(nll)) return; // a diverged evaluation says nothing about over-fitting
    if (this.reference === null) {
      this.reference = nll;
      return;
    }
    if (nll - this.reference >= this.epsilon - 1e-9) {
      this.phi = Math.min(1, Math.round((this.phi + 0.1) * 1e9) / 1e9);
      this.rises++;
      this.reference = nll;
    } else {
      this.reference = Math.min(this.reference, nll);
    }
  }

  /**
   * Where the next batch comes from, for a uniform draw r ∈ [0, 1) at `step` of `totalSteps`:
   * s = φ·(1 − step/steps); r < s, or r < φ with the buffer not yet full → fresh student
   * samples (the caller pushes them into the buffer); else r < φ → the buffer; else the dataset.
   */
  choose(r: number, step: number, totalSteps: number, bufferFull: boolean): BatchSource {
    const progress = totalSteps > 0 ? Math.min(1, Math.max(0, step / totalSteps)) : 1;
    const s = this.phi * (1 - progress);
    if (r < s || (r < this.phi && !bufferFull)) return 'fresh';
    if (r < this.phi) return 'buffer';
    return 'dataset';
  }
}

/**
 * First-in-first-out store of student-generated sequences, each `seqLen` tokens with its
 * prompt length. When full, a push overwrites the oldest sequences.
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly seqLen: number;
  private readonly tokens: Int32Array;
  private readonly promptLens: Int32Array;
  /** Slot of the oldest sequence. */
  private start = 0;
  private count = 0;

  constructor(capacity: number, seqLen: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ReplayBuffer: capacity must be a positive integer, got ${capacity}`);
    if (!Number.isInteger(seqLen) || seqLen < 1) throw new Error(`ReplayBuffer: seqLen must be a positive integer, got ${seqLen}`);
    this.capacity = capacity;
    this.seqLen = seqLen;
    this.tokens = new Int32Array(capacity * seqLen);
    this.promptLens = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Take over another buffer's contents (same capacity and length). */
  copyFrom(other: ReplayBuffer): void {
    if (other.capacity !== this.capacity || other.seqLen !== this.seqLen)
      throw new Error(`ReplayBuffer.copyFrom: ${other.capacity}×${other.seqLen} into ${this.capacity}×${this.seqLen}`);
    this.tokens.set(other.tokens);
    this.promptLens.set(other.promptLens);
    this.start = other.start;
    this.count = other.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Append n sequences: tokens [n·T] row-major, promptLens [n]. */
  push(tokens: Int32Array, promptLens: Int32Array): void {
    const n = promptLens.length;
    const T = this.seqLen;
    if (tokens.length !== n * T) throw new Error(`ReplayBuffer.push: expected ${n}×${T} tokens, got ${tokens.length}`);
    for (let i = 0; i < n; i++) {
      const slot = (this.start + this.count) % this.capacity;
      this.tokens.set(tokens.subarray(i * T, (i + 1) * T), slot * T);
      this.promptLens[slot] = promptLens[i];
      if (this.count < this.capacity) this.count++;
      else this.start = (this.start + 1) % this.capacity; // overwrote the oldest
    }
  }

  /** The i-th stored sequence, oldest first (0 ≤ i < size). */
  at(i: number): { tokens: Int32Array; promptLen: number } {
    if (!(i >= 0 && i < this.count)) throw new Error(`ReplayBuffer.at: index ${i} outside [0, ${this.count})`);
    const slot = (this.start + i) % this.capacity;
    return { tokens: this.tokens.slice(slot * this.seqLen, (slot + 1) * this.seqLen), promptLen: this.promptLens[slot] };
  }

  /**
   * n stored sequences drawn uniformly: without replacement when n ≤ size (a partial
   * Fisher–Yates shuffle of the indices, oldest-first order), with replacement otherwise.
   * Draws go through `rng.int` only.
   */
  sample(n: number, rng: Pick<Rng, 'int'>): { tokens: Int32Array; promptLens: Int32Array } {
    if (this.count === 0) throw new Error('ReplayBuffer.sample: the buffer is empty');
    const T = this.seqLen;
    const picks: number[] = [];
    if (n <= this.count) {
      const order = Array.from({ length: this.count }, (_, i) => i);
      for (let i = 0; i < n; i++) {
        const j = rng.int(i, this.count - 1);
        [order[i], order[j]] = [order[j], order[i]];
        picks.push(order[i]);
      }
    } else {
      for (let i = 0; i < n; i++) picks.push(rng.int(0, this.count - 1));
    }
    const tokens = new Int32Array(n * T);
    const promptLens = new Int32Array(n);
    picks.forEach((logical, i) => {
      const slot = (this.start + logical) % this.capacity;
      tokens.set(this.tokens.subarray(slot * T, (slot + 1) * T), i * T);
      promptLens[i] = this.promptLens[slot];
    });
    return { tokens, promptLens };
  }
}
