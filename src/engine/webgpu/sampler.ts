// One decoding position of batched sampling in one WebGPU dispatch (model/sampling.ts's loop
// body, which is about ten kernels): the Gumbel-max choice argmax(logits/τ + g) (greedy:
// argmax(logits); with a mix, argmax(log((1−w)·π + w·π_mix) + g) as a two-term log-sum-exp),
// then the prompt copy, the padding after EOS, the validity flag and the done flag.
//
// The sampler's state is one int32 tensor [B, 3T + 2] per row: tokens (0 … T−1), validity of
// each position's target (T … 2T−1), the prompt (2T … 3T−1), the prompt's length (3T) and
// whether the row has generated EOS (3T + 1). Each step returns the next state.
import * as tf from '@tensorflow/tfjs';
import { runProgram, type ProgramUniforms } from './device';
import { threadProgram } from './program';

export interface SamplerLayout {
  B: number;
  T: number;
  V: number;
}

/** Row width of the sampler state. */
export const stateWidth = (T: number): number => 3 * T + 2;

/** The initial state: prompts [B·T] (padded), their lengths, the first P tokens of each row set. */
export function initialState(prompts: { tokens: Int32Array; promptLens: Int32Array }, T: number, P: number): tf.Tensor2D {
  const B = prompts.promptLens.length;
  const W = stateWidth(T);
  const s = new Int32Array(B * W);
  for (let b = 0; b < B; b++) {
    const row = prompts.tokens.subarray(b * T, (b + 1) * T);
    s.set(row.subarray(0, P), b * W);
    s.set(row, b * W + 2 * T);
    s[b * W + 3 * T] = prompts.promptLens[b];
  }
  return tf.tensor2d(s, [B, W], 'int32');
}

export interface StepChoice {
  /** Position t: the logits [B, V] predict position t + 1, which this step fills. */
  t: number;
  /** 0: greedy. */
  temperature: number;
  /** The mix weight w of π_mix (MiniLLM), with mixLogits. */
  mixWeight?: number;
  pad: number;
  eos: number;
}

/**
 * The state after position t + 1 is chosen. `noise` [B, T, V] is the whole Gumbel draw (read at
 * position t); null when greedy.
 */
export function sampleStep(
  state: tf.Tensor2D,
  logits: tf.Tensor2D,
  mixLogits: tf.Tensor2D | null,
  noise: tf.Tensor3D | null,
  L: SamplerLayout,
  c: StepChoice,
): tf.Tensor2D {
  const { B, T, V } = L;
  const W = stateWidth(T);
  const greedy = c.temperature <= 0;
  const mixed = !greedy && mixLogits !== null;
  // Dividing by τ = 1 changes nothing, as the reference's skipped division.
  const scaled = (name: string) => `(${name}[b * ${V} + v] / uniforms.tau)`;
  const w = c.mixWeight ?? 0;
  // Each model's log-softmax needs its row maximum and log Σ exp first.
  const rowStats = (name: string) => `
  var mx_${name} = -3.402823e+38;
  for (var v = 0; v < ${V}; v++) { mx_${name} = max(mx_${name}, ${scaled(name)}); }
  var sum_${name} = 0.0;
  for (var v = 0; v < ${V}; v++) { sum_${name} += exp(${scaled(name)} - mx_${name}); }
  let lse_${name} = log(sum_${name});`;
  const scoreOf = greedy
    ? `logits[b * ${V} + v]`
    : mixed
      ? `mixScore(${scaled('logits')} - mx_logits - lse_logits + uniforms.logA, ${scaled('mixs')} - mx_mixs - lse_mixs + uniforms.logB) + noise[(b * ${T} + t) * ${V} + v]`
      : `${scaled('logits')} + noise[(b * ${T} + t) * ${V} + v]`;
  const program = threadProgram({
    key: `sample_${B}_${T}_${V}_${greedy}_${mixed}_${c.pad}_${c.eos}`,
    inputs: ['state', 'logits', 'mixs', 'noise'],
    outputShape: [B, W],
    threads: B,
    uniforms: 't : i32, tau : f32, logA : f32, logB : f32,',
    helpers: `
fn mixScore(a : f32, b : f32) -> f32 {
  let m = max(a, b);
  return m + log(exp(a - m) + exp(b - m));
}`,
    body: `
  let b = index;
  let t = uniforms.t;
  for (var k = 0; k < ${W}; k++) { result[b * ${W} + k] = state[b * ${W} + k]; }
  ${mixed ? rowStats('logits') + rowStats('mixs') : ''}
  var best = -3.402823e+38;
  var choice = 0;
  for (var v = 0; v < ${V}; v++) {
    let s = ${scoreOf};
    if (s > best) { best = s; choice = v; }
  }
  let done = state[b * ${W} + ${3 * T + 1}] != 0;
  let fromPrompt = t + 1 < state[b * ${W} + ${3 * T}];
  var token = choice;
  if (done) { token = ${c.pad}; }
  if (fromPrompt) { token = state[b * ${W} + ${2 * T} + t + 1]; }
  result[b * ${W} + t + 1] = token;
  result[b * ${W} + ${T} + t] = select(0, 1, !fromPrompt && !done);
  result[b * ${W} + ${3 * T + 1}] = select(0, 1, done || token == ${c.eos});`,
  });
  const uniforms: ProgramUniforms = [
    { type: 'int32', data: [c.t] },
    { type: 'float32', data: [greedy ? 1 : c.temperature] },
    { type: 'float32', data: [Math.log(Math.max(1 - w, 1e-30))] },
    { type: 'float32', data: [Math.log(Math.max(w, 1e-30))] },
  ];
  return tf.engine().makeTensorFromTensorInfo(runProgram(program, [state, logits, mixLogits ?? logits, noise ?? logits], 'int32', uniforms)) as tf.Tensor2D;
}

/** Tokens [B, T] int32 and the target mask [B, T] float of a final state. */
export function stateTensors(state: tf.Tensor2D, T: number): { tokens: tf.Tensor2D; mask: tf.Tensor2D } {
  const [B, W] = state.shape;
  const column = (key: string, from: number, dtype: 'int32' | 'float32', cast: string) =>
    tf.engine().makeTensorFromTensorInfo(
      runProgram(
        threadProgram({
          key: `${key}_${B}_${T}_${W}`,
          inputs: ['state'],
          outputShape: [B, T],
          threads: B * T,
          body: `  result[index] = ${cast}(state[(index / ${T}) * ${W} + ${from} + index % ${T}]);`,
        }),
        [state],
        dtype,
      ),
    ) as tf.Tensor2D;
  return { tokens: column('statetokens', 0, 'int32', 'i32'), mask: column('statemask', T, 'float32', 'f32') };
}
