// Fixed-shape token batches. Every batch is [B, T]: BOS, prompt, continuation, EOS, then PAD.
// `targets` is `tokens` shifted left by one; `mask` marks the positions whose target is a
// continuation token (answer or EOS): only those count in losses and metrics.
import { BOS, EOS, PAD, encode } from './tasks/vocab';
import type { Example } from './tasks/task';

export interface TokenBatch {
  batch: number;
  seqLen: number;
  tokens: Int32Array;
  targets: Int32Array;
  mask: Float32Array;
  /** Tokens before the continuation: BOS plus the prompt. */
  promptLens: Int32Array;
}

export function encodeExamples(examples: readonly Example[], seqLen: number): TokenBatch {
  const B = examples.length;
  const tokens = new Int32Array(B * seqLen).fill(PAD);
  const promptLens = new Int32Array(B);
  examples.forEach((ex, b) => {
    const seq = [BOS, ...encode(ex.prompt), ...encode(ex.answer), EOS];
    if (seq.length > seqLen) throw new Error(`Example '${ex.prompt}${ex.answer}' needs ${seq.length} tokens, the context has ${seqLen}`);
    tokens.set(seq, b * seqLen);
    promptLens[b] = 1 + ex.prompt.length;
  });
  return fromTokens(tokens, promptLens, seqLen);
}

/** Prompts only (continuations left as PAD), for sampling. */
export function encodePrompts(prompts: readonly string[], seqLen: number): { tokens: Int32Array; promptLens: Int32Array } {
  const tokens = new Int32Array(prompts.length * seqLen).fill(PAD);
  const promptLens = new Int32Array(prompts.length);
  prompts.forEach((p, b) => {
    const seq = [BOS, ...encode(p)];
    if (seq.length >= seqLen) throw new Error(`Prompt '${p}' does not fit in ${seqLen} tokens`);
    tokens.set(seq, b * seqLen);
    promptLens[b] = seq.length;
  });
  return { tokens, promptLens };
}

/** Targets and mask for full sequences: the continuation runs from the prompt's end to the first EOS. */
export function fromTokens(tokens: Int32Array, promptLens: Int32Array, seqLen: number): TokenBatch {
  const B = promptLens.length;
  const targets = new Int32Array(B * seqLen).fill(PAD);
  const mask = new Float32Array(B * seqLen);
  for (let b = 0; b < B; b++) {
    const row = b * seqLen;
    for (let t = 0; t + 1 < seqLen; t++) targets[row + t] = tokens[row + t + 1];
    for (let j = promptLens[b]; j < seqLen; j++) {
      mask[row + j - 1] = 1;
      if (tokens[row + j] === EOS) break;
    }
  }
  return { batch: B, seqLen, tokens, targets, mask, promptLens };
}

/** The continuation of row b as token ids, without EOS. */
export function continuationIds(batch: TokenBatch, b: number): number[] {
  const out: number[] = [];
  const row = b * batch.seqLen;
  for (let j = batch.promptLens[b]; j < batch.seqLen; j++) {
    const id = batch.tokens[row + j];
    if (id === EOS || id === PAD) break;
    out.push(id);
  }
  return out;
}

/** Whether row b ended with EOS inside the context. */
export function finished(batch: TokenBatch, b: number): boolean {
  const row = b * batch.seqLen;
  for (let j = batch.promptLens[b]; j < batch.seqLen; j++) if (batch.tokens[row + j] === EOS) return true;
  return false;
}
