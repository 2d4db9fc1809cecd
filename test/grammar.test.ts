// The probabilistic grammar: exact probabilities checked against products of rule
// probabilities worked out by hand, sub-languages that sum to one, next-character
// distributions after a prefix, and enough branching to make the distribution multimodal.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/rng';
import {
  END,
  LANGUAGE,
  RULES,
  RULE_COUNT,
  isGrammatical,
  nextCharDistribution,
  sampleSentence,
  sentenceProbability,
  subLanguage,
} from '../src/engine/tasks/grammar';

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

describe('grammar probabilities', () => {
  it('gives hand-computed probabilities to whole sentences', () => {
    // S→NP VP (1) · NP→Pro (.2) · Pro→he (.4) · VP→Vi (.3) · Vi→ran (.5)
    expect(sentenceProbability('he ran')).toBeCloseTo(0.2 * 0.4 * 0.3 * 0.5, 15);
    expect(sentenceProbability('he ran')).toBeCloseTo(0.012, 15);
    // NP→Det N (.5)·the (.6)·cat (.4) · VP→Vt NP (.5)·saw (.5) · NP→Det N (.5)·a (.4)·dog (.3)
    expect(sentenceProbability('the cat saw a dog')).toBeCloseTo(0.5 * 0.6 * 0.4 * 0.5 * 0.5 * 0.5 * 0.4 * 0.3, 15);
    // NP→Det Adj N (.3)·a (.4)·big (.5)·fox (.1) · VP→Vi Adv (.2)·hid (.2)·now (.2)
    expect(sentenceProbability('a big fox hid now')).toBeCloseTo(0.3 * 0.4 * 0.5 * 0.1 * 0.2 * 0.2 * 0.2, 15);
    // NP→Pro (.2)·it (.2) · VP→Vt NP (.5)·fed (.2) · NP→Det Adj N (.3)·the (.6)·old (.2)·owl (.2)
    expect(sentenceProbability('it fed the old owl')).toBeCloseTo(0.2 * 0.2 * 0.5 * 0.2 * 0.3 * 0.6 * 0.2 * 0.2, 15);
  });

  it('sums to one over each enumerable sub-language (NP, VP, S)', () => {
    for (const symbol of ['NP', 'VP', 'S']) expect(sum(subLanguage(symbol).values())).toBeCloseTo(1, 12);
    expect(sum(LANGUAGE.values())).toBeCloseTo(1, 12);
  });

  it('has the sizes counted by hand', () => {
    // NP: Det N (2·4) + Det Adj N (2·3·4) + Pro (3) = 35
    expect(subLanguage('NP').size).toBe(35);
    // VP: Vi (3) + Vt NP (3·35) + Vi Adv (3·3) = 117
    expect(subLanguage('VP').size).toBe(117);
    // S = NP VP: 35 · 117 = 4095 (no sentence has two derivations)
    expect(LANGUAGE.size).toBe(4095);
    // Noun-phrase probabilities by hand: P('he') = .2·.4, P('the big cat') = .3·.6·.5·.4
    expect(subLanguage('NP').get('he')).toBeCloseTo(0.08, 15);
    expect(subLanguage('NP').get('the big cat')).toBeCloseTo(0.036, 15);
  });

  it('gives ungrammatical strings probability 0', () => {
    for (const s of ['', 'he', 'the cat', 'he ran fast now', 'cat the saw', 'he  ran', ' he ran', 'he ran ', 'He ran', 'the cat ran the dog']) {
      expect(sentenceProbability(s)).toBe(0);
      expect(isGrammatical(s)).toBe(false);
    }
    expect(isGrammatical('he ran')).toBe(true);
  });

  it('samples grammatical sentences with the right frequencies', () => {
    const rng = new Rng(12);
    const N = 20_000;
    let heRan = 0;
    let ungrammatical = 0;
    for (let i = 0; i < N; i++) {
      const s = sampleSentence(rng);
      if (!isGrammatical(s)) ungrammatical++;
      if (s === 'he ran') heRan++;
    }
    expect(ungrammatical).toBe(0);
    // Binomial(N, 0.012): sd ≈ 15.4; allow 5 sd.
    expect(Math.abs(heRan - N * 0.012)).toBeLessThan(5 * Math.sqrt(N * 0.012 * 0.988));
  });
});

describe('next-character distribution', () => {
  const expectDist = (prefix: string, expected: Record<string, number>) => {
    const d = nextCharDistribution(prefix)!;
    expect(d).not.toBeNull();
    expect([...d.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [c, p] of Object.entries(expected)) expect(d.get(c)).toBeCloseTo(p, 12);
  };

  it('matches hand values at the start of a sentence', () => {
    // Det 'the' (.5 + .3)·.6 = .48, 'a' .8·.4 = .32; Pro (.2): 'he' .08, 'she' .08, 'it' .04
    expectDist('', { t: 0.48, a: 0.32, h: 0.08, s: 0.08, i: 0.04 });
  });

  it('matches hand values after a prefix', () => {
    // After 'he ': Vi (.3 + .2 with Adv) → ran/sat/hid .5/.3/.2; Vt (.5) → saw/bit/fed .5/.3/.2
    expectDist('he ', { r: 0.5 * 0.5, s: 0.5 * 0.3 + 0.5 * 0.5, h: 0.5 * 0.2, b: 0.5 * 0.3, f: 0.5 * 0.2 });
    // After 'the ': N with weight 5/8, Adj with 3/8; 'o' starts both owl (.2) and old (.2)
    expectDist('the ', {
      c: (5 / 8) * 0.4,
      d: (5 / 8) * 0.3,
      o: (5 / 8) * 0.2 + (3 / 8) * 0.2,
      f: (5 / 8) * 0.1,
      b: (3 / 8) * 0.5,
      r: (3 / 8) * 0.3,
    });
    // After 'he ran': end (VP→Vi, .3) or an adverb (VP→Vi Adv, .2), renormalised
    expectDist('he ran', { [END]: 0.6, ' ': 0.4 });
    expectDist('he ran ', { f: 0.4, h: 0.4, n: 0.2 });
    // Inside a word there is one continuation.
    expectDist('th', { e: 1 });
  });

  it('sums to one after every prefix of many sentences', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 300; i++) {
      const s = sampleSentence(rng);
      for (let j = 0; j <= s.length; j++) expect(sum(nextCharDistribution(s.slice(0, j))!.values())).toBeCloseTo(1, 12);
    }
  });

  it('agrees with the sentence probabilities (chain rule)', () => {
    // P(s) = Π_j P(s_j | s_<j) · P(END | s)
    for (const s of ['he ran', 'the cat saw a dog', 'a big fox hid now', 'she bit it']) {
      let p = 1;
      for (let j = 0; j < s.length; j++) p *= nextCharDistribution(s.slice(0, j))!.get(s[j])!;
      p *= nextCharDistribution(s)!.get(END)!;
      expect(p).toBeCloseTo(sentenceProbability(s), 14);
    }
  });

  it('is null after a prefix no sentence starts with', () => {
    for (const prefix of ['x', 'the the', 'he ran fast ', 'he ran.']) expect(nextCharDistribution(prefix)).toBeNull();
  });
});

describe('grammar shape', () => {
  it('has at least a dozen rules, each nonterminal normalised', () => {
    const counted = Object.values(RULES).reduce((n, alts) => n + alts.length, 0);
    expect(counted).toBe(RULE_COUNT);
    expect(RULE_COUNT).toBeGreaterThanOrEqual(12);
    for (const alts of Object.values(RULES)) expect(sum(alts.map(([, p]) => p))).toBeCloseTo(1, 12);
  });

  it('offers several next words at every word boundary (multimodal)', () => {
    // For each word position of each sentence, collect the distinct next words (or the end).
    const next = new Map<string, Set<string>>();
    for (const s of LANGUAGE.keys()) {
      const words = s.split(' ');
      for (let i = 0; i <= words.length; i++) {
        const prefix = words.slice(0, i).join(' ');
        if (!next.has(prefix)) next.set(prefix, new Set());
        next.get(prefix)!.add(i < words.length ? words[i] : END);
      }
    }
    // Every incomplete prefix offers at least two next words...
    const incomplete = [...next.entries()].filter(([prefix]) => !LANGUAGE.has(prefix));
    expect(incomplete.every(([, words]) => words.size >= 2)).toBe(true);
    // ...and most offer three or more.
    expect(incomplete.filter(([, words]) => words.size >= 3).length / incomplete.length).toBeGreaterThan(0.9);
    expect(incomplete.length).toBeGreaterThan(100);
    // The first word alone has five choices with no dominant one (max probability .48).
    expect(next.get('')!.size).toBe(5);
  });
});
