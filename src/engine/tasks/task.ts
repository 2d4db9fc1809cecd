// What every task provides. Tasks are plain TypeScript (no TensorFlow.js), so the UI and the
// URL codec can read them without loading the engine.
import type { Rng } from '../rng';

export type TaskId = 'addition' | 'reverse' | 'grammar' | 'instructions';

export interface Example {
  prompt: string;
  answer: string;
}

export interface Task {
  id: TaskId;
  title: string;
  description: string;
  /** Context length T: BOS + prompt + answer + EOS always fits. */
  seqLen: number;
  /** How the student's `score` is measured. */
  scoring: 'greedy-exact-match' | 'sampled-grammatical-rate';
  /** A training example; never one of the held-out set. */
  sampleTrain(rng: Rng): Example;
  /** A fixed held-out set, the same on every machine, that training never sees. */
  heldOut: readonly Example[];
  /** 1 if `output` (the decoded continuation of `prompt`) is right, else 0. */
  score(prompt: string, output: string): number;
  /**
   * 0–1 credit for a partly right output, so progress shows before whole answers are right:
   * per-position accuracy against the reference (addition, reverse), or the share of the sample
   * before it leaves the grammar (grammar). 1 whenever `score` is 1.
   */
  partialCredit(prompt: string, output: string): number;
  /** A task of several skills names them here; its score is then also reported per skill. */
  skills?: readonly string[];
  /** The skill a prompt asks for (one of `skills`). */
  skillOf?(prompt: string): string;
  /** Further per-example scores, for example ROUGE-L. */
  extraScores?(prompt: string, output: string): Record<string, number>;
}

/** A training sampler that redraws until the prompt is not one of the held-out set's. */
export function trainSampler(heldOut: readonly Example[], draw: (rng: Rng) => Example): (rng: Rng) => Example {
  const heldOutPrompts = new Set(heldOut.map((e) => e.prompt));
  return (rng) => {
    for (;;) {
      const ex = draw(rng);
      if (!heldOutPrompts.has(ex.prompt)) return ex;
    }
  };
}

/** Draw `n` distinct examples with a fixed seed, for a held-out set. */
export function drawDistinct(n: number, draw: () => Example): Example[] {
  const seen = new Set<string>();
  const out: Example[] = [];
  while (out.length < n) {
    const ex = draw();
    const key = ex.prompt + '\u0000' + ex.answer;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ex);
  }
  return out;
}
