// How the fused kernels are written: one WGSL `main(index)` per program, `index` the thread,
// reading its inputs as flat arrays (`name[i]`) and writing `result[i]`. Sizes are baked into
// the code as constants (and so into the shader key): tfjs compiles one pipeline per shape.
import type { GpuProgram } from './device';

const WORKGROUP = 64;

/** One thread per item of work (a row, an element), `threads` in all, in workgroups of 64. */
export function threadProgram(opts: {
  key: string;
  inputs: string[];
  outputShape: number[];
  threads: number;
  body: string;
  uniforms?: string;
  helpers?: string;
}): GpuProgram {
  const { key, inputs, outputShape, threads, body, uniforms, helpers = '' } = opts;
  return {
    variableNames: inputs,
    outputShape,
    shaderKey: `alembic_${key}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.max(1, Math.ceil(threads / WORKGROUP)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms,
    getUserCode: () => `
${WGSL_HELPERS}
${helpers}
fn main(index : i32) {
${touch(inputs)}
  if (index >= ${threads}) { return; }
${body}
}`,
  };
}

/**
 * One workgroup of `size` threads that cooperate (shared memory, barriers): `tid` is the
 * thread, `${size}` threads in all. For reductions over a whole buffer at our sizes.
 */
export function workgroupProgram(opts: {
  key: string;
  inputs: string[];
  outputShape: number[];
  size: number;
  body: string;
  uniforms?: string;
  helpers?: string;
}): GpuProgram {
  const { key, inputs, outputShape, size, body, uniforms, helpers = '' } = opts;
  return {
    variableNames: inputs,
    outputShape,
    shaderKey: `alembic_${key}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [1, 1, 1],
    workgroupSize: [size, 1, 1],
    uniforms,
    getUserCode: () => `
${WGSL_HELPERS}
${helpers}
fn main(index : i32) {
${touch(inputs)}
  let tid = i32(localId.x);
${body}
}`,
  };
}

/**
 * Phony reads of the uniforms and of every input: the pipeline's layout is derived from the
 * shader ('auto'), and tfjs binds all of them whether the code reads them or not.
 */
function touch(inputs: string[]): string {
  return ['  _ = uniforms.NAN;', ...inputs.map((x) => `  _ = ${x}[0];`)].join('\n');
}

/** A float literal WGSL accepts for any finite JavaScript number. */
export function f32(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`f32: ${x} is not finite`);
  const s = Math.fround(x).toString();
  return /[.e]/.test(s) ? s : `${s}.0`;
}

const WGSL_HELPERS = `
fn finite(x : f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}
fn isNan(x : f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}
fn sigmoidOf(z : f32) -> f32 {
  return 1.0 / (1.0 + exp(-1.0 * z));
}`;
