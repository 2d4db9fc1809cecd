// Partial credit: how much of an answer is right, so progress shows before whole answers are.
// Plain data (no TensorFlow.js). The grammar's own partial credit lives in grammar.ts.

/**
 * Per-position accuracy of `output` against `reference`: the number of positions i at which
 * both strings have a character and output[i] === reference[i], divided by the longer length.
 * A missing or extra character is a wrong position, so only the exact answer scores 1.
 * Two empty strings score 1.
 */
export function positionalAccuracy(output: string, reference: string): number {
  const n = Math.max(output.length, reference.length);
  if (n === 0) return 1;
  let right = 0;
  for (let i = 0; i < Math.min(output.length, reference.length); i++) if (output[i] === reference[i]) right++;
  return right / n;
}
