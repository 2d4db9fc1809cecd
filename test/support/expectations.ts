// Assertions shared by the objective tests.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect } from 'vitest';

/** |actual − expected| ≤ abs + rel·|expected|, and actual is finite. */
export function expectClose(actual: number, expected: number, rel = 1e-4, abs = 1e-5): void {
  expect(Number.isFinite(actual)).toBe(true);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(abs + rel * Math.abs(expected));
}

/** Fail the file if it ends with more tensors than it started with. */
export function expectNoTensorLeak(): void {
  let tensorsBefore = 0;
  beforeAll(() => {
    tensorsBefore = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
}
