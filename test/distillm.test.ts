// DistiLLM's adaptive off-policy schedule and replay buffer, on hand-worked sequences.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AdaptiveOffPolicy, ReplayBuffer } from '../src/engine/objectives/distillm';
import { Rng } from '../src/engine/rng';

let tensorsBefore = 0;
beforeAll(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterAll(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

/** An rng whose int() returns scripted values (checked against the requested range). */
function scripted(values: number[]) {
  let i = 0;
  return {
    int(lo: number, hi: number): number {
      const v = values[i++];
      if (v === undefined || v < lo || v > hi) throw new Error(`scripted int ${v} outside [${lo}, ${hi}]`);
      return v;
    },
  };
}

describe('AdaptiveOffPolicy.observeValidationNll', () => {
  it('raises φ by 0.1 when the NLL climbs ε above its lowest value since the last rise', () => {
    const a = new AdaptiveOffPolicy(0.1);
    expect(a.phi).toBe(0);
    // nll, φ after it — worked by hand with "reference = lowest NLL since the last rise":
    const steps: [number, number][] = [
      [3.0, 0], // first evaluation: reference 3.0
      [2.5, 0], // fell: reference 2.5
      [2.55, 0], // +0.05 < ε
      [2.6, 0.1], // +0.1 over 2.5: rise, reference restarts at 2.6
      [2.65, 0.1], // +0.05 over 2.6
      [2.4, 0.1], // reference 2.4
      [2.3, 0.1], // reference 2.3
      [2.5, 0.2], // +0.2 over 2.3: rise, reference 2.5
      [2.7, 0.3], // +0.2 over 2.5: rise, reference 2.7
      [2.75, 0.3],
      [2.79, 0.3], // +0.09 over 2.7
      [NaN, 0.3], // a diverged evaluation is ignored
      [2.8, 0.4], // +0.1 over 2.7
    ];
    for (const [nll, phi] of steps) {
      a.observeValidationNll(nll);
      expect(a.phi).toBe(phi);
    }
    expect(a.rises).toBe(4);
  });

  it('never rises while the NLL keeps falling, and stops at exactly 1', () => {
    const falling = new AdaptiveOffPolicy();
    for (let i = 0; i < 20; i++) falling.observeValidationNll(5 - 0.2 * i);
    expect(falling.phi).toBe(0);

    const rising = new AdaptiveOffPolicy();
    for (let i = 0; i < 15; i++) rising.observeValidationNll(1 + i); // 14 rises
    expect(rising.phi).toBe(1);
    expect(rising.rises).toBe(14);
  });

  it('counts a rise of exactly ε despite binary rounding (0.3 − 0.2)', () => {
    const a = new AdaptiveOffPolicy(0.1);
    a.observeValidationNll(0.2);
    a.observeValidationNll(0.3);
    expect(a.phi).toBe(0.1);
    // and a larger ε is respected
    const b = new AdaptiveOffPolicy(0.5);
    b.observeValidationNll(1);
    b.observeValidationNll(1.4);
    expect(b.phi).toBe(0);
    b.observeValidationNll(1.5);
    expect(b.phi).toBe(0.1);
  });
});

describe('AdaptiveOffPolicy.choose', () => {
  function withPhi04() {
    const a = new AdaptiveOffPolicy();
    [1, 2, 3, 4, 5].forEach((n) => a.observeValidationNll(n)); // four rises
    expect(a.phi).toBe(0.4);
    return a;
  }

  it('follows s = φ(1 − step/steps) and the buffer rule', () => {
    const a = withPhi04();
    // step 50 of 100: s = 0.2
    expect(a.choose(0.1, 50, 100, true)).toBe('fresh'); // r < s
    expect(a.choose(0.1, 50, 100, false)).toBe('fresh');
    expect(a.choose(0.3, 50, 100, false)).toBe('fresh'); // s ≤ r < φ, buffer not full
    expect(a.choose(0.3, 50, 100, true)).toBe('buffer'); // s ≤ r < φ, buffer full
    expect(a.choose(0.4, 50, 100, false)).toBe('dataset'); // r ≥ φ
    expect(a.choose(0.9, 50, 100, true)).toBe('dataset');
    // step 0: s = φ, so every r < φ is fresh
    expect(a.choose(0.39, 0, 100, true)).toBe('fresh');
    // last step: s = 0, a full buffer serves every r < φ
    expect(a.choose(0.01, 100, 100, true)).toBe('buffer');
    // step 75: s = 0.1
    expect(a.choose(0.099, 75, 100, true)).toBe('fresh');
    expect(a.choose(0.101, 75, 100, true)).toBe('buffer');
  });

  it('at φ = 0 every batch comes from the dataset', () => {
    const a = new AdaptiveOffPolicy();
    for (const r of [0, 0.01, 0.5, 0.999]) {
      expect(a.choose(r, 0, 10, false)).toBe('dataset');
      expect(a.choose(r, 5, 10, true)).toBe('dataset');
    }
  });
});

describe('ReplayBuffer', () => {
  const seq = (a: number, b: number) => Int32Array.from([a, b]);

  it('is first in, first out', () => {
    const buf = new ReplayBuffer(3, 2);
    expect(buf.size).toBe(0);
    expect(buf.full).toBe(false);
    buf.push(Int32Array.from([1, 2, 3, 4]), Int32Array.from([1, 2])); // A=[1,2] B=[3,4]
    expect(buf.size).toBe(2);
    expect(buf.full).toBe(false);
    buf.push(Int32Array.from([5, 6, 7, 8]), Int32Array.from([3, 4])); // C, D: A is dropped
    expect(buf.size).toBe(3);
    expect(buf.full).toBe(true);
    expect(Array.from(buf.at(0).tokens)).toEqual([3, 4]);
    expect(buf.at(0).promptLen).toBe(2);
    expect(Array.from(buf.at(2).tokens)).toEqual([7, 8]);

    // Without replacement: order [B,C,D]; swap 0↔2 picks D, then index 1 picks C.
    const two = buf.sample(2, scripted([2, 1]));
    expect(Array.from(two.tokens)).toEqual([7, 8, 5, 6]);
    expect(Array.from(two.promptLens)).toEqual([4, 3]);

    // With replacement when more sequences are asked for than stored.
    const four = buf.sample(4, scripted([0, 0, 2, 1]));
    expect(Array.from(four.tokens)).toEqual([3, 4, 3, 4, 7, 8, 5, 6]);
    expect(Array.from(four.promptLens)).toEqual([2, 2, 4, 3]);
  });

  it('keeps only the newest `capacity` sequences of an oversized push', () => {
    const buf = new ReplayBuffer(2, 2);
    const tokens = new Int32Array(10);
    [seq(1, 1), seq(2, 2), seq(3, 3), seq(4, 4), seq(5, 5)].forEach((s, i) => tokens.set(s, 2 * i));
    buf.push(tokens, Int32Array.from([1, 2, 3, 4, 5]));
    expect(buf.size).toBe(2);
    expect(Array.from(buf.at(0).tokens)).toEqual([4, 4]);
    expect(Array.from(buf.at(1).tokens)).toEqual([5, 5]);
  });

  it('samples distinct sequences, each about equally often, with a seeded Rng', () => {
    const buf = new ReplayBuffer(4, 1);
    buf.push(Int32Array.from([10, 11, 12, 13]), Int32Array.from([1, 1, 1, 1]));
    const rng = new Rng(3);
    const counts = new Map<number, number>();
    for (let k = 0; k < 2000; k++) {
      const { tokens } = buf.sample(2, rng);
      expect(tokens[0]).not.toBe(tokens[1]);
      for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    for (const id of [10, 11, 12, 13]) expect(Math.abs((counts.get(id) ?? 0) - 1000)).toBeLessThan(120);
  });

  it('rejects a malformed push and sampling from an empty buffer', () => {
    const buf = new ReplayBuffer(2, 3);
    expect(() => buf.sample(1, new Rng(1))).toThrow(/empty/);
    expect(() => buf.push(new Int32Array(4), new Int32Array(1))).toThrow();
  });
});
