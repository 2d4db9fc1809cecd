// Addition: "045+123=" → "0168". Operands are zero-padded to three digits and the sum to
// four, so every digit has a fixed position; the sum is written most significant digit first.
import { Rng } from '../rng';
import { positionalAccuracy } from './partialCredit';
import { drawDistinct, trainSampler, type Example, type Task } from './task';

export const DIGITS = 3;
const MAX = 10 ** DIGITS - 1;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function additionExample(a: number, b: number): Example {
  return { prompt: `${pad(a, DIGITS)}+${pad(b, DIGITS)}=`, answer: pad(a + b, DIGITS + 1) };
}

function draw(rng: Rng): Example {
  return additionExample(rng.int(0, MAX), rng.int(0, MAX));
}

const heldOut = drawDistinct(
  512,
  (
    (r) => () =>
      draw(r)
  )(new Rng(1001)),
);

export const addition: Task = {
  id: 'addition',
  title: 'Addition',
  description: `Add two numbers of up to ${DIGITS} digits (zero-padded); scored by greedy exact match.`,
  // BOS + "ddd+ddd=" (8) + "dddd" (4) + EOS = 14
  seqLen: 16,
  scoring: 'greedy-exact-match',
  sampleTrain: trainSampler(heldOut, draw),
  heldOut,
  score(prompt, output) {
    const m = /^(\d+)\+(\d+)=$/.exec(prompt);
    if (!m) return 0;
    return output === pad(Number(m[1]) + Number(m[2]), DIGITS + 1) ? 1 : 0;
  },
  partialCredit(prompt, output) {
    const m = /^(\d+)\+(\d+)=$/.exec(prompt);
    return m ? positionalAccuracy(output, pad(Number(m[1]) + Number(m[2]), DIGITS + 1)) : 0;
  },
};
