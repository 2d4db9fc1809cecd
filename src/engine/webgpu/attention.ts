// Causal self-attention of every head in one WebGPU dispatch: softmax(q·kᵀ/√dh + causal mask)·v
// straight from the packed projections [B, T, 3d] (queries | keys | values, head h at columns
// h·dh of each) into the merged heads [B, T, d], with no transposes in between. Masked
// positions are skipped: in the reference (Transformer.attend) they get −1e9, and exp of that
// minus the row's maximum is exactly 0 in float32.
//
// The gradient is one dispatch too, a thread per (row, head, position p) writing the three
// parts of dqkv at p. With P = softmax(S), dP_ij = dO_i·v_j, D_i = Σ_j P_ij·dP_ij,
// dS_ij = P_ij·(dP_ij − D_i) (the softmax gradient):
//   dq_p = Σ_{j≤p} dS_pj·k_j/√dh,  dk_p = Σ_{i≥p} dS_ip·q_i/√dh,  dv_p = Σ_{i≥p} P_ip·dO_i.
// Row statistics are recomputed where needed (T² work per thread at our context of 16).
//
// The forward kernel also serves decoding: queries from one tensor, keys and values from
// another (a cache), query i seeing keys j ≤ i + offset.
import * as tf from '@tensorflow/tfjs';
import { runProgram } from './device';
import { f32, threadProgram } from './program';
import { defineKernel, runKernel } from './registry';

const SELF = 'AlembicCausalSelfAttention';
const CACHED = 'AlembicCachedAttention';
const GRAD = 'AlembicCausalAttentionGrad';

interface Shape {
  B: number;
  Tq: number;
  Tk: number;
  H: number;
  dh: number;
}

function shapeOf(q: tf.TensorInfo, kv: tf.TensorInfo, heads: number): Shape {
  const [B, Tq, three] = q.shape;
  const Tk = kv.shape[1];
  const d = three / 3;
  if (!Number.isInteger(d) || d % heads !== 0) throw new Error(`fusedAttention: width ${three} is not 3 × a multiple of ${heads} heads`);
  return { B, Tq, Tk, H: heads, dh: d / heads };
}

/** WGSL: the score of query row `qRow` against key row `kRow` for head `h` (already scaled). */
function scoreFn(s: Shape, qName: string, kName: string): string {
  const d = s.H * s.dh;
  return `
fn score(qRow : i32, kRow : i32, h : i32) -> f32 {
  var acc = 0.0;
  for (var c = 0; c < ${s.dh}; c++) {
    acc += ${qName}[qRow * ${3 * d} + h * ${s.dh} + c] * ${kName}[kRow * ${3 * d} + ${d} + h * ${s.dh} + c];
  }
  return acc * ${f32(1 / Math.sqrt(s.dh))};
}`;
}

function forwardProgram(qs: tf.TensorInfo, kvs: tf.TensorInfo, heads: number, offset: number): tf.TensorInfo {
  const s = shapeOf(qs, kvs, heads);
  const { B, Tq, Tk, H, dh } = s;
  const d = H * dh;
  return runProgram(
    threadProgram({
      key: `attn_${B}_${Tq}_${Tk}_${H}_${dh}`,
      inputs: ['qs', 'kvs'],
      outputShape: [B, Tq, d],
      threads: B * Tq * H,
      uniforms: 'offset : i32,',
      helpers: scoreFn(s, 'qs', 'kvs'),
      body: `
  let h = index % ${H};
  let row = index / ${H};
  let i = row % ${Tq};
  let b = row / ${Tq};
  let last = min(i + uniforms.offset, ${Tk - 1});
  var scores : array<f32, ${Tk}>;
  var mx = -3.402823e+38;
  for (var j = 0; j <= last; j++) {
    scores[j] = score(row, b * ${Tk} + j, h);
    mx = max(mx, scores[j]);
  }
  var total = 0.0;
  for (var j = 0; j <= last; j++) { total += exp(scores[j] - mx); }
  for (var c = 0; c < ${dh}; c++) {
    var acc = 0.0;
    for (var j = 0; j <= last; j++) {
      acc += (exp(scores[j] - mx) / total) * kvs[(b * ${Tk} + j) * ${3 * d} + ${2 * d} + h * ${dh} + c];
    }
    result[row * ${d} + h * ${dh} + c] = acc;
  }`,
    }),
    [qs, kvs],
    'float32',
    [{ type: 'int32', data: [offset] }],
  );
}

function register(): void {
  defineKernel(
    SELF,
    ({ inputs, attrs }) => {
      const { qkv } = inputs as Record<string, tf.TensorInfo>;
      return forwardProgram(qkv, qkv, attrs!.heads as number, 0);
    },
    {
      inputsToSave: ['qkv'],
      gradFunc: (dy, [qkv], attrs) => ({ qkv: () => runKernel(GRAD, { dy, qkv }, attrs) }),
    },
  );
  defineKernel(CACHED, ({ inputs, attrs }) => {
    const { qs, kvs } = inputs as Record<string, tf.TensorInfo>;
    return forwardProgram(qs, kvs, attrs!.heads as number, attrs!.offset as number);
  });
  defineKernel(GRAD, ({ inputs, attrs }) => {
    const { dy, qkv } = inputs as Record<string, tf.TensorInfo>;
    const s = shapeOf(qkv, qkv, attrs!.heads as number);
    const { B, Tq: T, H, dh } = s;
    const d = H * dh;
    const inv = f32(1 / Math.sqrt(dh));
    // Row i's softmax statistics (max, total) and D_i, for query row `row` of batch b.
    const rowFn = `
fn dP(row : i32, kRow : i32, h : i32) -> f32 {
  var acc = 0.0;
  for (var c = 0; c < ${dh}; c++) { acc += dy[row * ${d} + h * ${dh} + c] * qkv[kRow * ${3 * d} + ${2 * d} + h * ${dh} + c]; }
  return acc;
}
fn rowStats(b : i32, i : i32, h : i32) -> vec3<f32> {
  let row = b * ${T} + i;
  var mx = -3.402823e+38;
  for (var j = 0; j <= i; j++) { mx = max(mx, score(row, b * ${T} + j, h)); }
  var total = 0.0;
  for (var j = 0; j <= i; j++) { total += exp(score(row, b * ${T} + j, h) - mx); }
  var dd = 0.0;
  for (var j = 0; j <= i; j++) {
    let p = exp(score(row, b * ${T} + j, h) - mx) / total;
    dd += p * dP(row, b * ${T} + j, h);
  }
  return vec3<f32>(mx, total, dd);
}`;
    return runProgram(
      threadProgram({
        key: `attng_${B}_${T}_${H}_${dh}`,
        inputs: ['dy', 'qkv'],
        outputShape: [B, T, 3 * d],
        threads: B * T * H,
        helpers: scoreFn(s, 'qkv', 'qkv') + rowFn,
        body: `
  let h = index % ${H};
  let row = index / ${H};
  let p = row % ${T};
  let b = row / ${T};
  let col = h * ${dh};
  // dq at p: row p of the scores.
  let sp = rowStats(b, p, h);
  for (var c = 0; c < ${dh}; c++) { result[row * ${3 * d} + col + c] = 0.0; }
  for (var j = 0; j <= p; j++) {
    let kRow = b * ${T} + j;
    let pr = exp(score(row, kRow, h) - sp.x) / sp.y;
    let ds = pr * (dP(row, kRow, h) - sp.z) * ${inv};
    for (var c = 0; c < ${dh}; c++) { result[row * ${3 * d} + col + c] += ds * qkv[kRow * ${3 * d} + ${d} + col + c]; }
  }
  // dk and dv at p: column p of every later row.
  for (var c = 0; c < ${dh}; c++) {
    result[row * ${3 * d} + ${d} + col + c] = 0.0;
    result[row * ${3 * d} + ${2 * d} + col + c] = 0.0;
  }
  for (var i = p; i < ${T}; i++) {
    let qRow = b * ${T} + i;
    let si = rowStats(b, i, h);
    let pr = exp(score(qRow, row, h) - si.x) / si.y;
    let ds = pr * (dP(qRow, row, h) - si.z) * ${inv};
    for (var c = 0; c < ${dh}; c++) {
      result[row * ${3 * d} + ${d} + col + c] += ds * qkv[qRow * ${3 * d} + col + c];
      result[row * ${3 * d} + ${2 * d} + col + c] += pr * dy[qRow * ${d} + col + c];
    }
  }`,
      }),
      [dy, qkv],
    );
  });
}

/**
 * Causal self-attention of `qkv` [B, T, 3d] (queries, keys, values side by side) with `heads`
 * heads: [B, T, d], heads merged. Differentiable (webgpu only).
 */
export function fusedSelfAttention(qkv: tf.Tensor3D, heads: number): tf.Tensor3D {
  register();
  return runKernel(SELF, { qkv }, { heads });
}

/**
 * Attention of the queries in `q` [B, Tq, 3d] (only the query columns are read) over the keys
 * and values in `kv` [B, Tk, 3d]: query i sees keys 0 … i + offset. No gradient (decoding).
 */
export function fusedCachedAttention(q: tf.Tensor3D, kv: tf.Tensor3D, heads: number, offset: number): tf.Tensor3D {
  register();
  return runKernel(CACHED, { qs: q, kvs: kv }, { heads, offset });
}
