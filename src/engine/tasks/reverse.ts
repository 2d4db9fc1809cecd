// Reverse: "abcd>" → "dcba", a translation-like transduction where each output token is
// aligned to a different input position depending on the length.
import { Rng } from '../rng';
import { positionalAccuracy } from './partialCredit';
import { rougeL } from './rouge';
import { drawDistinct, trainSampler, type Example, type Task } from './task';

export const MIN_LEN = 3;
export const MAX_LEN = 10;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function draw(rng: Rng): Example {
  const n = rng.int(MIN_LEN, MAX_LEN);
  let s = '';
  for (let i = 0; i < n; i++) s += LETTERS[rng.int(0, LETTERS.length - 1)];
  return { prompt: `${s}>`, answer: [...s].reverse().join('') };
}

const heldOut = drawDistinct(
  512,
  (
    (r) => () =>
      draw(r)
  )(new Rng(2002)),
);

const referenceOf = (prompt: string) => [...prompt.replace(/>$/, '')].reverse().join('');

export const reverse: Task = {
  id: 'reverse',
  title: 'Reverse',
  description: `Write a string of ${MIN_LEN}–${MAX_LEN} letters backwards; scored by greedy exact match and ROUGE-L.`,
  // BOS + 10 letters + '>' + 10 letters + EOS = 23
  seqLen: 24,
  scoring: 'greedy-exact-match',
  sampleTrain: trainSampler(heldOut, draw),
  heldOut,
  score(prompt, output) {
    return output === referenceOf(prompt) ? 1 : 0;
  },
  partialCredit(prompt, output) {
    return positionalAccuracy(output, referenceOf(prompt));
  },
  extraScores(prompt, output) {
    return { rougeL: rougeL(output, referenceOf(prompt)) };
  },
};
