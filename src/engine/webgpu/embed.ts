// Token plus position embeddings for decoding in one WebGPU dispatch: x[b, i] = E[tokens[b, col + i]]
// + P[pos + i] for i < n, the rows of [B·n, d]. The reference (Decoder, one-hot · E + P) gives the
// same numbers exactly: a one-hot product adds zeros to one row. No gradient (decoding only).
import * as tf from '@tensorflow/tfjs';
import { runProgram } from './device';
import { threadProgram } from './program';
import { defineKernel, runKernel } from './registry';

const NAME = 'AlembicEmbedTokens';

function register(): void {
  defineKernel(NAME, ({ inputs, attrs }) => {
    const { tokens, table, positions } = inputs as Record<string, tf.TensorInfo>;
    const [B, W] = tokens.shape.length === 1 ? [tokens.shape[0], 1] : tokens.shape;
    const d = table.shape[1];
    const n = attrs!.n as number;
    return runProgram(
      threadProgram({
        key: `embed_${B}_${W}_${n}_${d}`,
        inputs: ['tokens', 'table', 'positions'],
        outputShape: [B * n, d],
        threads: B * n * d,
        uniforms: 'col : i32, pos : i32,',
        body: `
  let c = index % ${d};
  let row = index / ${d};
  let i = row % ${n};
  let b = row / ${n};
  let token = tokens[b * ${W} + uniforms.col + i];
  result[index] = table[token * ${d} + c] + positions[(uniforms.pos + i) * ${d} + c];`,
      }),
      [tokens, table, positions],
      'float32',
      [
        { type: 'int32', data: [attrs!.col as number] },
        { type: 'int32', data: [attrs!.pos as number] },
      ],
    );
  });
}

/**
 * Embeddings of `n` tokens per row: tokens[b, col … col + n − 1] (`tokens` [B] or [B, W] int32)
 * at positions pos … pos + n − 1 → [B·n, d] (webgpu only).
 */
export function fusedEmbed(tokens: tf.Tensor, table: tf.Tensor, positions: tf.Tensor, opts: { n: number; col: number; pos: number }): tf.Tensor2D {
  register();
  return runKernel(NAME, { tokens, table, positions }, opts);
}
