// The per-position token divergences of objectives/divergences.ts in one WebGPU dispatch each:
// both log-softmaxes, the mixture and the divergence in one pass over a position's vocabulary
// (the composition is 15–30 kernels). Definitions: docs/methods.md, "Token divergences".
//
// Every kind but tvd is cP·KL(p‖m) + cQ·KL(q‖m) with the mixture m = w·p + (1 − w)·q:
//   fkl: w = 0 (m = q), cP = 1;  rkl: w = 1 (m = p), cQ = 1;  jsd(β): w = β, cP = β, cQ = 1 − β;
//   skl(α): w = α, cP = 1;  srkl(α): w = 1 − α, cQ = 1.
// Gradient, with r = w·p/m (0 and 1 at the endpoints), first with respect to log q and log p:
//   ∂/∂log q = cP·(−p(1 − r)) + cQ·(q(log q − log m) + q·r)
//   ∂/∂log p = cP·(p(log p − log m) + p − p·r) + cQ·(−q·r)
// then through the log-softmax (G − softmax·ΣG) and the temperature (÷τ). tvd = ½Σ|p − q| takes
// tf.abs's gradient convention (the step function, −1 at 0). The result is max(D, 0), whose
// gradient passes where D ≥ 0, as tf.maximum's does (and a NaN stays NaN). One dispatch per differentiated input.
import * as tf from '@tensorflow/tfjs';
import { runProgram } from './device';
import { f32, threadProgram } from './program';
import { defineKernel, runKernel } from './registry';
import { logSoftmaxRow } from './rowSoftmax';

export type FusedDivergenceKind = 'fkl' | 'rkl' | 'tvd' | 'jsd' | 'skl' | 'srkl';

const FORWARD = 'AlembicTokenDivergence';
const GRAD_STUDENT = 'AlembicTokenDivergenceGradStudent';
const GRAD_TEACHER = 'AlembicTokenDivergenceGradTeacher';

interface Form {
  tvd: boolean;
  w: number;
  cP: number;
  cQ: number;
}

function formOf(kind: FusedDivergenceKind, beta: number, alpha: number): Form {
  switch (kind) {
    case 'fkl':
      return { tvd: false, w: 0, cP: 1, cQ: 0 };
    case 'rkl':
      return { tvd: false, w: 1, cP: 0, cQ: 1 };
    case 'tvd':
      return { tvd: true, w: 0, cP: 0, cQ: 0 };
    case 'jsd':
      if (beta === 0) return formOf('fkl', beta, alpha);
      if (beta === 1) return formOf('rkl', beta, alpha);
      return { tvd: false, w: beta, cP: beta, cQ: 1 - beta };
    case 'skl':
      return { tvd: false, w: alpha, cP: 1, cQ: 0 };
    case 'srkl':
      return { tvd: false, w: 1 - alpha, cP: 0, cQ: 1 };
  }
}

/** WGSL: lp, lq (log-softmaxes), lm (log of the mixture) and `value` (before the clamp at 0) of row `index`. */
function rowValue(V: number, tau: number, form: Form): string {
  const { w, cP, cQ } = form;
  const logMix = w <= 0 ? 'lq[v]' : w >= 1 ? 'lp[v]' : `mixOf(lp[v] + ${f32(Math.log(w))}, lq[v] + ${f32(Math.log(1 - w))})`;
  const kl = (a: 'lp' | 'lq') => `exp(${a}[v]) * (${a}[v] - lm[v])`;
  const terms = form.tvd ? 'abs(exp(lp[v]) - exp(lq[v]))' : [cP !== 0 ? `klp += ${kl('lp')};` : '', cQ !== 0 ? `klq += ${kl('lq')};` : ''].join(' ');
  return `
  let base = index * ${V};
  ${logSoftmaxRow('teacher', 'lp', V, tau)}
  ${logSoftmaxRow('student', 'lq', V, tau)}
  var lm : array<f32, ${V}>;
  var klp = 0.0;
  var klq = 0.0;
  var tv = 0.0;
  for (var v = 0; v < ${V}; v++) {
    lm[v] = ${form.tvd ? '0.0' : logMix};
    ${form.tvd ? `tv += ${terms};` : terms}
  }
  let value = ${form.tvd ? 'tv * 0.5' : cP !== 0 && cQ !== 0 ? `klp * ${f32(cP)} + klq * ${f32(cQ)}` : cP !== 0 ? 'klp' : 'klq'};`;
}

const MIX_FN = `
fn mixOf(a : f32, b : f32) -> f32 {
  let hi = max(a, b);
  return hi + log(exp(a - hi) + exp(b - hi));
}`;

function keyOf(prefix: string, x: tf.TensorInfo, tau: number, form: Form): string {
  return `${prefix}_${x.shape.join('x')}_${tau === 1}_${form.tvd}_${form.w}_${form.cP}_${form.cQ}`;
}

function register(): void {
  defineKernel(
    FORWARD,
    ({ inputs, attrs }) => {
      const { teacher, student } = inputs as Record<string, tf.TensorInfo>;
      const { tau, form } = attrsOf(attrs!);
      const [B, T, V] = student.shape;
      return runProgram(
        threadProgram({
          key: keyOf('div', student, tau, form),
          inputs: ['teacher', 'student'],
          outputShape: [B, T],
          threads: B * T,
          uniforms: 'tau : f32,',
          helpers: MIX_FN,
          body: `${rowValue(V, tau, form)}
  // max(NaN, 0) is 0 in WGSL but NaN in tf.maximum: a NaN must reach the loss.
  result[index] = select(max(value, 0.0), value, isNan(value));`,
        }),
        [teacher, student],
        'float32',
        [{ type: 'float32', data: [tau] }],
      );
    },
    {
      inputsToSave: ['teacher', 'student'],
      gradFunc: (dy, [teacher, student], attrs) => ({
        teacher: () => runKernel(GRAD_TEACHER, { dy, teacher, student }, attrs),
        student: () => runKernel(GRAD_STUDENT, { dy, teacher, student }, attrs),
      }),
    },
  );
  for (const [name, side] of [
    [GRAD_STUDENT, 'q'],
    [GRAD_TEACHER, 'p'],
  ] as const) {
    defineKernel(name, ({ inputs, attrs }) => {
      const { dy, teacher, student } = inputs as Record<string, tf.TensorInfo>;
      const { tau, form } = attrsOf(attrs!);
      const V = student.shape[2];
      const own = side === 'q' ? 'lq' : 'lp';
      // ∂D/∂log(own side) at v, before the log-softmax.
      const r = form.w <= 0 ? '0.0' : form.w >= 1 ? '1.0' : `exp(${f32(Math.log(form.w))} + lp[v] - lm[v])`;
      const p = 'exp(lp[v])';
      const q = 'exp(lq[v])';
      const partial = form.tvd
        ? `select(-1.0, 1.0, ${p} - ${q} > 0.0) * ${side === 'q' ? '-0.5' : '0.5'} * ${side === 'q' ? q : p}`
        : side === 'q'
          ? [form.cP !== 0 ? `${f32(form.cP)} * (-${p} * (1.0 - r))` : '', form.cQ !== 0 ? `${f32(form.cQ)} * (${q} * (lq[v] - lm[v]) + ${q} * r)` : '']
              .filter(Boolean)
              .join(' + ')
          : [form.cP !== 0 ? `${f32(form.cP)} * (${p} * (lp[v] - lm[v]) + ${p} - ${p} * r)` : '', form.cQ !== 0 ? `${f32(form.cQ)} * (-${q} * r)` : '']
              .filter(Boolean)
              .join(' + ');
      return runProgram(
        threadProgram({
          key: keyOf(`divg${side}`, student, tau, form),
          inputs: ['dy', 'teacher', 'student'],
          outputShape: student.shape,
          threads: student.shape[0] * student.shape[1],
          uniforms: 'tau : f32,',
          helpers: MIX_FN,
          body: `${rowValue(V, tau, form)}
  let up = select(0.0, dy[index], value >= 0.0) / ${tau === 1 ? '1.0' : 'uniforms.tau'};
  var g : array<f32, ${V}>;
  var total = 0.0;
  for (var v = 0; v < ${V}; v++) {
    let r = ${r};
    _ = r;
    g[v] = ${partial || '0.0'};
    total += g[v];
  }
  for (var v = 0; v < ${V}; v++) { result[base + v] = (g[v] - exp(${own}[v]) * total) * up; }`,
        }),
        [dy, teacher, student],
        'float32',
        [{ type: 'float32', data: [tau] }],
      );
    });
  }
}

function attrsOf(attrs: tf.NamedAttrMap): { tau: number; form: Form } {
  return { tau: attrs.tau as number, form: formOf(attrs.kind as FusedDivergenceKind, attrs.beta as number, attrs.alpha as number) };
}

/**
 * tokenDivergence(kind, teacherLogits, studentLogits, {beta, alpha, temperature}) → [B, T] in one
 * dispatch, differentiable in both arguments (webgpu only).
 */
export function fusedTokenDivergence(
  kind: FusedDivergenceKind,
  teacherLogits: tf.Tensor3D,
  studentLogits: tf.Tensor3D,
  opts: { beta: number; alpha: number; tau: number },
): tf.Tensor2D {
  register();
  return runKernel(FORWARD, { teacher: teacherLogits, student: studentLogits }, { kind, beta: opts.beta, alpha: opts.alpha, tau: opts.tau });
}
