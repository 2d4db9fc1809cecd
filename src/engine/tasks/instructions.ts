// Instructions: one prompt names one of six skills and its argument, as in the instruction-
// following sets the distillation papers score (Dolly, Self-Instruct, S-NI), scaled down to a
// character vocabulary: "rev abc>" → "cba", "sort dbca>" → "abcd", "copy abc>" → "abc",
// "next abz>" → "bca", "novowel banana>" → "bnn", "add 07+45>" → "052".
// (Counting a letter was tried first: the 64-wide three-layer teacher stayed near 0.6 on it after
// 8,000 steps while the other skills passed 0.95, so it gave way to shifting each letter.)
// A student too small for all six must give some up; the score per skill shows which.
import { Rng } from '../rng';
import { positionalAccuracy } from './partialCredit';
import { rougeL } from './rouge';
import { drawDistinct, trainSampler, type Example, type Task } from './task';

export const SKILLS = ['rev', 'sort', 'copy', 'next', 'novowel', 'add'] as const;
export type Skill = (typeof SKILLS)[number];

export const MIN_LEN = 3;
export const MAX_LEN = 8;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const VOWELS = 'aeiou';
const CONSONANTS = [...LETTERS].filter((c) => !VOWELS.includes(c)).join('');

const pick = (rng: Rng, chars: string) => chars[rng.int(0, chars.length - 1)];
const letters = (rng: Rng, n: number) => Array.from({ length: n }, () => pick(rng, LETTERS)).join('');
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The reference answer of a prompt, or null if the prompt is not one of the task's. */
export function answerOf(prompt: string): string | null {
  const m = /^([a-z]+) (.*)>$/.exec(prompt);
  if (!m) return null;
  const [, skill, arg] = m;
  switch (skill as Skill) {
    case 'rev':
      return [...arg].reverse().join('');
    case 'sort':
      return [...arg].sort().join('');
    case 'copy':
      return arg;
    case 'next':
      return /^[a-z]+$/.test(arg) ? [...arg].map((c) => LETTERS[(LETTERS.indexOf(c) + 1) % LETTERS.length]).join('') : null;
    case 'novowel':
      return [...arg].filter((c) => !VOWELS.includes(c)).join('');
    case 'add': {
      const a = /^(\d\d)\+(\d\d)$/.exec(arg);
      return a ? pad(Number(a[1]) + Number(a[2]), 3) : null;
    }
    default:
      return null;
  }
}

/** The skill a prompt asks for ('' if none). */
export function skillOf(prompt: string): string {
  const name = prompt.split(' ', 1)[0];
  return (SKILLS as readonly string[]).includes(name) ? name : '';
}

function argument(skill: Skill, rng: Rng): string {
  const n = rng.int(MIN_LEN, MAX_LEN);
  switch (skill) {
    case 'novowel': {
      // About half vowels (a uniform letter is a vowel 5 times in 26), and never all of them.
      const chars = Array.from({ length: n }, () => (rng.next() < 0.5 ? pick(rng, VOWELS) : pick(rng, CONSONANTS)));
      if (chars.every((c) => VOWELS.includes(c))) chars[rng.int(0, n - 1)] = pick(rng, CONSONANTS);
      return chars.join('');
    }
    case 'add':
      return `${pad(rng.int(0, 99), 2)}+${pad(rng.int(0, 99), 2)}`;
    default:
      return letters(rng, n);
  }
}

/** An example of one skill. */
export function skillExample(skill: Skill, rng: Rng): Example {
  const prompt = `${skill} ${argument(skill, rng)}>`;
  return { prompt, answer: answerOf(prompt)! };
}

/** Skills in equal shares. */
function draw(rng: Rng): Example {
  return skillExample(SKILLS[rng.int(0, SKILLS.length - 1)], rng);
}

// The held-out set cycles through the skills, so every prefix (the evaluations read the first
// 64 or 256) holds each skill in equal shares.
const heldOut = ((r: Rng) => {
  const perSkill = SKILLS.map((skill) => drawDistinct(86, () => skillExample(skill, r)));
  return Array.from({ length: 86 * SKILLS.length }, (_, i) => perSkill[i % SKILLS.length][Math.floor(i / SKILLS.length)]);
})(new Rng(3003));

export const instructions: Task = {
  id: 'instructions',
  title: 'Instructions',
  description: `Follow one of ${SKILLS.length} instructions (${SKILLS.join(', ')}) on a word of ${MIN_LEN}–${MAX_LEN} letters or two 2-digit numbers; scored by greedy exact match, ROUGE-L and per skill.`,
  // Longest: BOS + "novowel " (8) + 8 letters + '>' + 8 letters + EOS = 27.
  seqLen: 28,
  scoring: 'greedy-exact-match',
  skills: SKILLS,
  skillOf,
  sampleTrain: trainSampler(heldOut, draw),
  heldOut,
  score(prompt, output) {
    return output === answerOf(prompt) ? 1 : 0;
  },
  partialCredit(prompt, output) {
    const ref = answerOf(prompt);
    return ref === null ? 0 : positionalAccuracy(output, ref);
  },
  extraScores(prompt, output) {
    const ref = answerOf(prompt);
    return { rougeL: ref === null ? 0 : rougeL(output, ref) };
  },
};
