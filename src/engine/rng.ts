// Seeded random numbers. Every random draw in the engine goes through an Rng, so a seed
// means the same run on every backend (tf.multinomial reseeds itself and differs per backend).
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

type Generator = ReturnType<typeof xoroshiro128plus>;

export class Rng {
  private gen: Generator;

  constructor(seed: number | Generator) {
    this.gen = typeof seed === 'number' ? xoroshiro128plus(seed | 0) : seed;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return uniformInt(this.gen, lo, hi);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log is finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Pick an index with probability proportional to weights. */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** n draws of standard Gumbel noise, -log(-log u), for Gumbel-max sampling. */
  gumbel(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = this.next();
      out[i] = -Math.log(-Math.log(u + 1e-20) + 1e-20);
    }
    return out;
  }

  /** n draws of N(0, std²). */
  normals(n: number, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }

  /** An independent stream (2^64 draws away), leaving this one unchanged. */
  fork(): Rng {
    const g = this.gen.clone() as Generator;
    g.jump();
    this.gen.jump();
    this.gen.jump();
    return new Rng(g);
  }

  /** A serialisable snapshot, for reset-to-the-same-run and checkpoints. */
  state(): number[] {
    return [...this.gen.getState()];
  }

  static fromState(state: readonly number[]): Rng {
    return new Rng(xoroshiro128plusFromState(state));
  }
}
