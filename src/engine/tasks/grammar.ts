// Grammar: open-ended generation from a small probabilistic context-free grammar written for
// Alembic. The language is finite (4,095 sentences), so the task knows the exact probability
// of every string and the exact next-character distribution after any prefix.
import { Rng } from '../rng';
import type { Example, Task } from './task';

type Rule = [symbols: string[], prob: number];

/** Nonterminals are capitalised; anything else is a word. */
export const RULES: Record<string, Rule[]> = {
  S: [[['NP', 'VP'], 1]],
  NP: [
    [['Det', 'N'], 0.5],
    [['Det', 'Adj', 'N'], 0.3],
    [['Pro'], 0.2],
  ],
  VP: [
    [['Vi'], 0.3],
    [['Vt', 'NP'], 0.5],
    [['Vi', 'Adv'], 0.2],
  ],
  Det: [
    [['the'], 0.6],
    [['a'], 0.4],
  ],
  Adj: [
    [['big'], 0.5],
    [['red'], 0.3],
    [['old'], 0.2],
  ],
  N: [
    [['cat'], 0.4],
    [['dog'], 0.3],
    [['owl'], 0.2],
    [['fox'], 0.1],
  ],
  Pro: [
    [['he'], 0.4],
    [['she'], 0.4],
    [['it'], 0.2],
  ],
  Vi: [
    [['ran'], 0.5],
    [['sat'], 0.3],
    [['hid'], 0.2],
  ],
  Vt: [
    [['saw'], 0.5],
    [['bit'], 0.3],
    [['fed'], 0.2],
  ],
  Adv: [
    [['fast'], 0.4],
    [['here'], 0.4],
    [['now'], 0.2],
  ],
};

export const RULE_COUNT = Object.values(RULES).reduce((n, alts) => n + alts.length, 0);

const isNonterminal = (s: string) => s in RULES;

/** Every derivation of `symbol`, as word lists with their probabilities. */
function expand(symbol: string): Array<{ words: string[]; p: number }> {
  if (!isNonterminal(symbol)) return [{ words: [symbol], p: 1 }];
  const out: Array<{ words: string[]; p: number }> = [];
  for (const [symbols, prob] of RULES[symbol]) {
    let partial = [{ words: [] as string[], p: prob }];
    for (const s of symbols) {
      const next: typeof partial = [];
      for (const left of partial) for (const right of expand(s)) next.push({ words: [...left.words, ...right.words], p: left.p * right.p });
      partial = next;
    }
    out.push(...partial);
  }
  return out;
}

/** Exact probability of every sentence, summed over derivations. */
export const LANGUAGE: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (const { words, p } of expand('S')) {
    const s = words.join(' ');
    m.set(s, (m.get(s) ?? 0) + p);
  }
  return m;
})();

/** Probability of the whole sentence `text` under the grammar (0 if ungrammatical). */
export function sentenceProbability(text: string): number {
  return LANGUAGE.get(text) ?? 0;
}

export function isGrammatical(text: string): boolean {
  return LANGUAGE.has(text);
}

/** Sub-language of one nonterminal, for checking that probabilities sum to one. */
export function subLanguage(symbol: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const { words, p } of expand(symbol)) {
    const s = words.join(' ');
    m.set(s, (m.get(s) ?? 0) + p);
  }
  return m;
}

export const END = '<eos>';
let prefixTable: Map<string, Map<string, number>> | null = null;

/**
 * The grammar's exact next-character distribution after `prefix` (END for end of sentence),
 * or null when no sentence starts with `prefix`.
 */
export function nextCharDistribution(prefix: string): Map<string, number> | null {
  if (!prefixTable) {
    prefixTable = new Map();
    for (const [s, p] of LANGUAGE) {
      for (let i = 0; i <= s.length; i++) {
        const pre = s.slice(0, i);
        const next = i < s.length ? s[i] : END;
        let row = prefixTable.get(pre);
        if (!row) prefixTable.set(pre, (row = new Map()));
        row.set(next, (row.get(next) ?? 0) + p);
      }
    }
  }
  const row = prefixTable.get(prefix);
  if (!row) return null;
  const total = [...row.values()].reduce((a, b) => a + b, 0);
  return new Map([...row].map(([c, p]) => [c, p / total]));
}

/**
 * Partial credit of a sample: the share of its characters, counting its end as one more, that
 * come before it first leaves the grammar. That is the longest prefix some sentence of the
 * language starts with, plus 1 if the whole sample is a sentence, over (length + 1). A
 * grammatical sentence scores 1; one that stops too early ("the cat saw") loses only its end.
 */
export function grammaticalPrefixFraction(output: string): number {
  let valid = 0;
  while (valid < output.length && nextCharDistribution(output.slice(0, valid + 1)) !== null) valid++;
  const ends = valid === output.length && isGrammatical(output) ? 1 : 0;
  return (valid + ends) / (output.length + 1);
}

function sampleSymbol(symbol: string, rng: Rng): string[] {
  if (!isNonterminal(symbol)) return [symbol];
  const alts = RULES[symbol];
  const [symbols] = alts[rng.categorical(alts.map(([, p]) => p))];
  return symbols.flatMap((s) => sampleSymbol(s, rng));
}

export function sampleSentence(rng: Rng): string {
  return sampleSymbol('S', rng).join(' ');
}

// Held out: 400 distinct sentences (about a tenth of the language) chosen uniformly among
// strings, not by probability, so the teacher must generalise to produce them.
const heldOut: Example[] = (() => {
  const all = [...LANGUAGE.keys()].sort();
  const rng = new Rng(3003);
  for (let i = all.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, 400).map((answer) => ({ prompt: '', answer }));
})();
const heldOutSentences = new Set(heldOut.map((e) => e.answer));

export const grammar: Task = {
  id: 'grammar',
  title: 'Grammar',
  description: `Generate sentences of a ${RULE_COUNT}-rule probabilistic grammar; scored by the grammatical rate of temperature-1 samples.`,
  // BOS + longest sentence ("the big cat saw the big cat", 27) + EOS = 29
  seqLen: 32,
  scoring: 'sampled-grammatical-rate',
  sampleTrain(rng) {
    for (;;) {
      const answer = sampleSentence(rng);
      if (!heldOutSentences.has(answer)) return { prompt: '', answer };
    }
  },
  heldOut,
  score(_prompt, output) {
    return isGrammatical(output) ? 1 : 0;
  },
  partialCredit(_prompt, output) {
    return grammaticalPrefixFraction(output);
  },
};
