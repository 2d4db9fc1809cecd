// The task score of a model on the held-out set: greedy exact match for addition and reverse,
// the grammatical rate of temperature-1 samples for grammar.
import type { Rng } from './rng';
import type { Task } from './tasks';
import { encodePrompts, continuationIds, finished, type TokenBatch } from './data';
import { decode } from './tasks/vocab';
import { skillScores } from './tasks/skillScores';
import { sample } from './model/sampling';
import type { Transformer } from './model/transformer';

export interface ScoreResult {
  score: number;
  /** Mean partial credit (task.partialCredit) over the same outputs. */
  partialCredit: number;
  count: number;
  extras: Record<string, number>;
  examples: Array<{ prompt: string; output: string; correct: boolean }>;
}

/** Decode the continuations of `prompts` in fixed-size batches (the last one padded). */
export async function generate(model: Transformer, prompts: readonly string[], batchSize: number, temperature: number, rng: Rng): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < prompts.length; i += batchSize) {
    const chunk = prompts.slice(i, i + batchSize);
    while (chunk.length < batchSize) chunk.push(prompts[0]);
    const batch: TokenBatch = await sample(model, encodePrompts(chunk, model.config.seqLen), { temperature, rng });
    for (let b = 0; b < Math.min(batchSize, prompts.length - i); b++) {
      out.push(finished(batch, b) ? decode(continuationIds(batch, b)) : decode(continuationIds(batch, b)) + '…');
    }
  }
  return out;
}

export async function scoreModel(model: Transformer, task: Task, rng: Rng, opts: { batchSize?: number; limit?: number } = {}): Promise<ScoreResult> {
  const batchSize = opts.batchSize ?? 64;
  const examples = task.heldOut.slice(0, opts.limit ?? task.heldOut.length);
  const prompts = examples.map((e) => e.prompt);
  const temperature = task.scoring === 'greedy-exact-match' ? 0 : 1;
  const outputs = await generate(model, prompts, batchSize, temperature, rng);
  let total = 0;
  let partial = 0;
  const extras: Record<string, number> = {};
  const rows = outputs.map((output, i) => {
    const s = task.score(prompts[i], output);
    total += s;
    partial += task.partialCredit(prompts[i], output);
    for (const [k, v] of Object.entries(task.extraScores?.(prompts[i], output) ?? {})) extras[k] = (extras[k] ?? 0) + v / outputs.length;
    return { prompt: prompts[i], output, correct: s === 1 };
  });
  Object.assign(
    extras,
    skillScores(
      task,
      rows.map((r) => ({ prompt: r.prompt, score: r.correct ? 1 : 0 })),
    ),
  );
  return { score: total / outputs.length, partialCredit: partial / outputs.length, count: outputs.length, extras, examples: rows };
}
