// The seeded generator: reproducible streams, independent forks, and distributions whose
// moments match the textbook values (Gumbel: mean γ, variance π²/6; normal: 0 and 1).
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/rng';

const draws = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next());

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, variance: v / xs.length };
}

describe('Rng streams', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = draws(new Rng(42), 200);
    const b = draws(new Rng(42), 200);
    const c = draws(new Rng(43), 200);
    expect(a).toEqual(b);
    expect(a.filter((x, i) => x === c[i]).length).toBe(0);
  });

  it('draws uniforms in [0, 1)', () => {
    const xs = draws(new Rng(1), 10_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  it('forks a stream that is reproducible, differs from its parent, and leaves the parent unaffected by its draws', () => {
    const parent1 = new Rng(5);
    const child1 = parent1.fork();
    const childDraws1 = draws(child1, 1000); // many draws from the child...
    const parentAfter1 = draws(parent1, 100);

    const parent2 = new Rng(5);
    const child2 = parent2.fork();
    const parentAfter2 = draws(parent2, 100); // ...or none: the parent's stream is the same
    const childDraws2 = draws(child2, 1000);

    expect(parentAfter1).toEqual(parentAfter2);
    expect(childDraws1).toEqual(childDraws2);
    // Two forks of one parent differ from each other and from the parent.
    const p = new Rng(5);
    const f1 = draws(p.fork(), 100);
    const f2 = draws(p.fork(), 100);
    const own = draws(p, 100);
    expect(f1.filter((x, i) => x === f2[i]).length).toBe(0);
    expect(f1.filter((x, i) => x === own[i]).length).toBe(0);
    // And a fork is not merely the parent's stream shifted by a few draws.
    const unforked = new Set(draws(new Rng(5), 5000));
    expect(f1.filter((x) => unforked.has(x)).length).toBe(0);
  });

  it('restores a stream from its state', () => {
    const rng = new Rng(9);
    draws(rng, 17);
    const saved = rng.state();
    const ahead = draws(rng, 50);
    expect(draws(Rng.fromState(saved), 50)).toEqual(ahead);
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved); // plain numbers, serialisable
  });
});

describe('Rng distributions', () => {
  it('int(lo, hi) stays in range, includes both ends, and is roughly uniform', () => {
    const rng = new Rng(3);
    const counts = new Map<number, number>();
    const N = 60_000;
    let nonIntegers = 0;
    for (let i = 0; i < N; i++) {
      const k = rng.int(-2, 3);
      if (!Number.isInteger(k)) nonIntegers++;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(nonIntegers).toBe(0);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    // Each count is Binomial(N, 1/6): sd = sqrt(N·(1/6)·(5/6)) ≈ 91; allow 5 sd.
    const sd = Math.sqrt((N * 5) / 36);
    for (const c of counts.values()) expect(Math.abs(c - N / 6)).toBeLessThan(5 * sd);
    // Degenerate range.
    expect(new Rng(1).int(7, 7)).toBe(7);
  });

  it('categorical draws indices in proportion to the weights', () => {
    const rng = new Rng(11);
    const weights = [1, 0, 2, 7]; // probabilities 0.1, 0, 0.2, 0.7
    const N = 50_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[rng.categorical(weights)]++;
    expect(counts[1]).toBe(0);
    for (const [k, p] of [
      [0, 0.1],
      [2, 0.2],
      [3, 0.7],
    ] as const) {
      const sd = Math.sqrt(N * p * (1 - p));
      expect(Math.abs(counts[k] - N * p)).toBeLessThan(5 * sd);
    }
  });

  it('gumbel(n) has mean γ ≈ 0.5772 and variance π²/6 ≈ 1.6449', () => {
    const N = 200_000;
    const { mean, variance } = moments(new Rng(21).gumbel(N));
    // Standard error of the mean: sqrt(π²/6 / N) ≈ 0.0029; allow 5 of them.
    expect(Math.abs(mean - 0.5772156649)).toBeLessThan(5 * Math.sqrt(1.6449 / N));
    // Standard error of the sample variance: σ²·sqrt((κ − 1)/N) with the Gumbel kurtosis
    // κ = 3 + 12/5 = 5.4, ≈ 0.0077; allow 5 of them.
    expect(Math.abs(variance - Math.PI ** 2 / 6)).toBeLessThan(5 * 1.6449 * Math.sqrt(4.4 / N));
    // P(G ≤ 0) = exp(−e⁰) = 1/e.
    const below = new Rng(22).gumbel(N).filter((g) => g <= 0).length / N;
    expect(Math.abs(below - 1 / Math.E)).toBeLessThan(5 * Math.sqrt((0.368 * 0.632) / N));
  });

  it('normal() and normals(n, std) have the right mean and variance', () => {
    const N = 200_000;
    const rng = new Rng(31);
    const one = moments(Array.from({ length: N }, () => rng.normal()));
    // SE of the mean 1/sqrt(N) ≈ 0.0022, of the variance sqrt(2/N) ≈ 0.0032; allow 5 of each.
    expect(Math.abs(one.mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(one.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));

    const scaled = moments(new Rng(32).normals(N, 0.02));
    expect(Math.abs(scaled.mean)).toBeLessThan((5 * 0.02) / Math.sqrt(N));
    expect(Math.abs(scaled.variance - 0.0004)).toBeLessThan(5 * 0.0004 * Math.sqrt(2 / N));
    // About 68.27 % of draws within one standard deviation.
    const inside = new Rng(33).normals(N, 1).filter((x) => Math.abs(x) < 1).length / N;
    expect(Math.abs(inside - 0.6827)).toBeLessThan(5 * Math.sqrt((0.6827 * 0.3173) / N));
  });
});
