// The four tasks: scorers on hand-made cases, fixed and disjoint held-out sets, and
// examples that fit each task's context length.
import { describe, expect, it, vi } from 'vitest';
import { Rng } from '../src/engine/rng';
import { TASKS, TASK_IDS, getTask, type Task } from '../src/engine/tasks';
import { additionExample } from '../src/engine/tasks/addition';
import { lcsLength, rougeL } from '../src/engine/tasks/rouge';
import { LANGUAGE } from '../src/engine/tasks/grammar';
import { SKILLS, answerOf, skillExample, skillOf } from '../src/engine/tasks/instructions';
import { skillScores } from '../src/engine/tasks/skillScores';
import { encodeExamples } from '../src/engine/data';

describe('addition', () => {
  const task = TASKS.addition;
  it('formats examples with zero-padded operands and a four-digit sum', () => {
    expect(additionExample(45, 123)).toEqual({ prompt: '045+123=', answer: '0168' });
    expect(additionExample(999, 999)).toEqual({ prompt: '999+999=', answer: '1998' });
    expect(additionExample(0, 7)).toEqual({ prompt: '000+007=', answer: '0007' });
  });
  it('scores exact answers 1 and anything else 0', () => {
    expect(task.score('045+123=', '0168')).toBe(1);
    expect(task.score('999+001=', '1000')).toBe(1);
    expect(task.score('045+123=', '0169')).toBe(0); // wrong digit
    expect(task.score('045+123=', '168')).toBe(0); // short (unpadded)
    expect(task.score('045+123=', '016')).toBe(0); // truncated
    expect(task.score('045+123=', '01680')).toBe(0); // too long
    expect(task.score('045+123=', '')).toBe(0);
    expect(task.score('045+123=', '0168…')).toBe(0); // unfinished generation marker
  });
  it('draws training sums that are right', () => {
    const rng = new Rng(4);
    for (let i = 0; i < 200; i++) {
      const { prompt, answer } = task.sampleTrain(rng);
      const m = /^(\d{3})\+(\d{3})=$/.exec(prompt)!;
      expect(m).not.toBeNull();
      expect(Number(answer)).toBe(Number(m[1]) + Number(m[2]));
      expect(answer).toHaveLength(4);
    }
  });
});

describe('reverse', () => {
  const task = TASKS.reverse;
  it('scores exact reversal 1 and anything else 0', () => {
    expect(task.score('abcd>', 'dcba')).toBe(1);
    expect(task.score('xyz>', 'zyx')).toBe(1);
    expect(task.score('abcd>', 'abcd')).toBe(0);
    expect(task.score('abcd>', 'dcb')).toBe(0);
    expect(task.score('abcd>', 'dcbaa')).toBe(0);
    expect(task.score('abcd>', '')).toBe(0);
  });
  it('computes the longest common subsequence', () => {
    expect(lcsLength('abd', 'abcd')).toBe(3);
    expect(lcsLength('AGGTAB', 'GXTXAYB')).toBe(4); // GTAB
    expect(lcsLength('abc', 'xyz')).toBe(0);
    expect(lcsLength('', 'abc')).toBe(0);
  });
  it('computes character ROUGE-L F1 on cases worked by hand', () => {
    // 'abd' vs 'abcd': LCS 3, P = 3/3, R = 3/4, F = 2·1·0.75 / 1.75 = 6/7.
    expect(rougeL('abd', 'abcd')).toBeCloseTo(6 / 7, 12);
    // 'acbd' vs 'abcd': LCS 3 ('abd'), P = R = 3/4, F = 3/4.
    expect(rougeL('acbd', 'abcd')).toBeCloseTo(0.75, 12);
    // 'abcdef' vs 'abc': P = 1/2, R = 1, F = 2/3.
    expect(rougeL('abcdef', 'abc')).toBeCloseTo(2 / 3, 12);
    expect(rougeL('abcd', 'abcd')).toBe(1);
    expect(rougeL('xyz', 'abcd')).toBe(0);
    expect(rougeL('', 'abcd')).toBe(0);
  });
  it('reports ROUGE-L against the reversed prompt', () => {
    // reference 'dcba'; 'dcb' has LCS 3: P = 1, R = 3/4, F = 6/7.
    expect(task.extraScores!('abcd>', 'dcb').rougeL).toBeCloseTo(6 / 7, 12);
    expect(task.extraScores!('abcd>', 'dcba').rougeL).toBe(1);
  });
  it('draws 3–10 letters and their reversal', () => {
    const rng = new Rng(5);
    const lengths = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const { prompt, answer } = task.sampleTrain(rng);
      expect(prompt).toMatch(/^[a-z]{3,10}>$/);
      expect(answer).toBe(prompt.slice(0, -1).split('').reverse().join(''));
      lengths.add(answer.length);
    }
    expect([...lengths].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('instructions', () => {
  const task = TASKS.instructions;
  it('answers each skill as worked by hand', () => {
    expect(answerOf('rev abc>')).toBe('cba');
    expect(answerOf('sort dbcab>')).toBe('abbcd');
    expect(answerOf('copy xyz>')).toBe('xyz');
    expect(answerOf('next abz>')).toBe('bca');
    expect(answerOf('next a1>')).toBeNull();
    expect(answerOf('novowel banana>')).toBe('bnn');
    expect(answerOf('add 07+45>')).toBe('052');
    expect(answerOf('add 99+99>')).toBe('198');
    expect(answerOf('jump abc>')).toBeNull();
    expect(answerOf('add 7+45>')).toBeNull();
  });
  it('scores exact answers 1, partial credit by position, ROUGE-L by subsequence', () => {
    expect(task.score('sort cab>', 'abc')).toBe(1);
    expect(task.score('sort cab>', 'acb')).toBe(0);
    expect(task.score('sort cab>', 'abc…')).toBe(0);
    expect(task.partialCredit('sort cab>', 'acb')).toBeCloseTo(1 / 3, 12); // only 'a' in place
    expect(task.partialCredit('add 07+45>', '05')).toBeCloseTo(2 / 3, 12);
    // 'acb' vs 'abc': LCS 2, P = R = 2/3, F = 2/3.
    expect(task.extraScores!('sort cab>', 'acb').rougeL).toBeCloseTo(2 / 3, 12);
  });
  it('names the skill of a prompt', () => {
    expect(skillOf('novowel abc>')).toBe('novowel');
    expect(skillOf('next abc>')).toBe('next');
    expect(skillOf('abc>')).toBe('');
  });
  it('draws every skill in equal shares, with 3–8 letters and vowel-rich words', () => {
    const rng = new Rng(9);
    const perSkill = new Map<string, number>();
    const lengths = new Set<number>();
    let vowels = 0;
    let letters = 0;
    const n = 12_000;
    for (let i = 0; i < n; i++) {
      const { prompt, answer } = task.sampleTrain(rng);
      expect(answer).toBe(answerOf(prompt));
      const skill = skillOf(prompt);
      perSkill.set(skill, (perSkill.get(skill) ?? 0) + 1);
      if (skill === 'copy') lengths.add(answer.length);
      if (skill === 'novowel') {
        const word = prompt.slice('novowel '.length, -1);
        vowels += [...word].filter((c) => 'aeiou'.includes(c)).length;
        letters += word.length;
        expect(answer.length).toBeGreaterThan(0);
      }
    }
    expect([...perSkill.keys()].sort()).toEqual([...SKILLS].sort());
    // Each share is 1/6 = 2,000 of 12,000; a binomial sd is 41, so ±200 is about 5 sd.
    for (const c of perSkill.values()) expect(Math.abs(c - n / 6)).toBeLessThan(200);
    expect([...lengths].sort()).toEqual([3, 4, 5, 6, 7, 8]);
    // Half the letters are vowels by construction (a little more is replaced when all are).
    expect(vowels / letters).toBeGreaterThan(0.45);
    expect(vowels / letters).toBeLessThan(0.52);
  });
  it('cycles the held-out set through the skills, so its first 64 hold every skill', () => {
    const first = task.heldOut.slice(0, 64).map((e) => skillOf(e.prompt));
    for (const skill of SKILLS) expect(first.filter((s) => s === skill).length).toBeGreaterThanOrEqual(10);
    expect(task.heldOut.slice(0, 6).map((e) => skillOf(e.prompt))).toEqual([...SKILLS]);
  });
  it('reports the score per skill: the share right among that skill’s prompts', () => {
    const rows = [
      { prompt: 'rev abc>', score: 1 },
      { prompt: 'rev abd>', score: 0 },
      { prompt: 'add 01+02>', score: 1 },
      { prompt: 'add 01+03>', score: 1 },
      { prompt: 'add 01+04>', score: 0 },
    ];
    const scores = skillScores(task, rows);
    expect(scores['score.rev']).toBe(0.5);
    expect(scores['score.add']).toBeCloseTo(2 / 3, 12);
    // Skills without prompts are absent, not 0.
    expect(scores['score.sort']).toBeUndefined();
    // rev at 0.5 and add at 2/3 both reach the 0.5 that counts as kept.
    expect(scores.skillsKept).toBe(2);
    expect(skillScores(TASKS.reverse, rows)).toEqual({});
  });
  it('makes an example of a chosen skill', () => {
    const ex = skillExample('add', new Rng(3));
    expect(ex.prompt).toMatch(/^add \d\d\+\d\d>$/);
    expect(ex.answer).toMatch(/^[01]\d\d$/);
  });
});

describe('grammar scorer', () => {
  const task = TASKS.grammar;
  it('scores grammatical sentences 1 and anything else 0', () => {
    expect(task.score('', 'he ran')).toBe(1);
    expect(task.score('', 'the big cat saw a fox')).toBe(1);
    expect(task.score('', 'he run')).toBe(0);
    expect(task.score('', 'the cat')).toBe(0); // a noun phrase, not a sentence
    expect(task.score('', 'he ran ')).toBe(0); // trailing space
    expect(task.score('', 'he  ran')).toBe(0);
    expect(task.score('', '')).toBe(0);
  });
});

/** Expected number of held-out examples `n` unfiltered training draws would hit. */
function expectedHits(task: Task, n: number): number {
  if (task.id === 'addition') return n * task.heldOut.length * 1e-6; // each (a, b) has prob 1/1000²
  if (task.id === 'reverse') {
    // length uniform over 8 values, then each letter uniform over 26
    return n * task.heldOut.reduce((s, e) => s + (1 / 8) * 26 ** -e.answer.length, 0);
  }
  if (task.id === 'instructions') {
    // A lower bound from the add prompts alone: skill 1/6, then each operand pair 1/100².
    return (n * task.heldOut.filter((e) => skillOf(e.prompt) === 'add').length) / 6 / 1e4;
  }
  return n * task.heldOut.reduce((s, e) => s + LANGUAGE.get(e.answer)!, 0);
}

describe.each(TASK_IDS)('held-out set of %s', (id) => {
  const task = getTask(id);
  const key = (e: { prompt: string; answer: string }) => `${e.prompt}\u0000${e.answer}`;

  it('has distinct examples whose answers score 1', () => {
    expect(task.heldOut.length).toBeGreaterThanOrEqual(256);
    expect(new Set(task.heldOut.map(key)).size).toBe(task.heldOut.length);
    // Distinct prompts too (for prompted tasks), so scoring is not double-counted.
    if (id !== 'grammar') expect(new Set(task.heldOut.map((e) => e.prompt)).size).toBe(task.heldOut.length);
    for (const e of task.heldOut) expect(task.score(e.prompt, e.answer)).toBe(1);
  });

  it('is the same on every import', async () => {
    vi.resetModules();
    const fresh = (await import('../src/engine/tasks')).getTask(id);
    expect(fresh).not.toBe(task); // really re-evaluated
    expect(fresh.heldOut.map(key)).toEqual(task.heldOut.map(key));
  });

  it('is never produced by sampleTrain', () => {
    const n = 20_000;
    // Without the filter, this many draws would hit the held-out set several times.
    expect(expectedHits(task, n)).toBeGreaterThan(5);
    const held = new Set(task.heldOut.map(key));
    const rng = new Rng(77);
    let hits = 0;
    for (let i = 0; i < n; i++) if (held.has(key(task.sampleTrain(rng)))) hits++;
    expect(hits).toBe(0);
  });

  it('fits the context: BOS + prompt + answer + EOS ≤ seqLen', () => {
    const rng = new Rng(8);
    const examples = [...task.heldOut, ...Array.from({ length: 2000 }, () => task.sampleTrain(rng))];
    if (id === 'grammar') for (const s of LANGUAGE.keys()) examples.push({ prompt: '', answer: s });
    const longest = Math.max(...examples.map((e) => 2 + e.prompt.length + e.answer.length));
    expect(longest).toBeLessThanOrEqual(task.seqLen);
    // and the batch encoder accepts all of them
    expect(() => encodeExamples(examples, task.seqLen)).not.toThrow();
  });
});

describe('task registry', () => {
  it('has the four tasks and rejects unknown ids with a message', () => {
    expect([...TASK_IDS].sort()).toEqual(['addition', 'grammar', 'instructions', 'reverse']);
    expect(() => getTask('sorting')).toThrow(/Unknown task 'sorting'/);
  });
});
