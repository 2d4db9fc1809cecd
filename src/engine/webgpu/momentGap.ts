// AMMD's moment gap g_f(s) = Σ_a (p − q)·f (objectives/divergences.ts, momentGap) in one WebGPU
// dispatch per position row (the composition is two softmaxes, a subtraction, a product and a
// sum). Gradients, one dispatch each and only for the inputs that need one:
//   ∂g/∂(student logits) = −q·(f − Σ q·f)/τ,  ∂g/∂(teacher logits) = p·(f − Σ p·f)/τ,  ∂g/∂f = p − q.
import * as tf from '@tensorflow/tfjs';
import { runProgram } from './device';
import { threadProgram } from './program';
import { defineKernel, runKernel } from './registry';
import { softmaxRow } from './rowSoftmax';

const FORWARD = 'AlembicMomentGap';

function body(V: number, tau: number): string {
  return `
  let base = index * ${V};
  ${softmaxRow('teacher', 'p', V, tau)}
  ${softmaxRow('student', 'q', V, tau)}`;
}

type Part = 'gap' | 'teacher' | 'student' | 'critic';

function program(part: Part, shape: number[], tau: number) {
  const [B, T, V] = shape;
  const inputs = part === 'gap' ? ['teacher', 'student', 'critic'] : ['dy', 'teacher', 'student', 'critic'];
  const code: Record<Part, string> = {
    gap: `
  var acc = 0.0;
  for (var v = 0; v < ${V}; v++) { acc += (p[v] - q[v]) * critic[base + v]; }
  result[index] = acc;`,
    critic: `
  for (var v = 0; v < ${V}; v++) { result[base + v] = (p[v] - q[v]) * dy[index]; }`,
    teacher: `
  var mean = 0.0;
  for (var v = 0; v < ${V}; v++) { mean += p[v] * critic[base + v]; }
  for (var v = 0; v < ${V}; v++) { result[base + v] = p[v] * (critic[base + v] - mean) * dy[index] / uniforms.tau; }`,
    student: `
  var mean = 0.0;
  for (var v = 0; v < ${V}; v++) { mean += q[v] * critic[base + v]; }
  for (var v = 0; v < ${V}; v++) { result[base + v] = -q[v] * (critic[base + v] - mean) * dy[index] / uniforms.tau; }`,
  };
  return threadProgram({
    key: `gap_${part}_${B}_${T}_${V}_${tau === 1}`,
    inputs,
    outputShape: part === 'gap' ? [B, T] : shape,
    threads: B * T,
    uniforms: 'tau : f32,',
    body: body(V, tau) + code[part],
  });
}

function register(): void {
  const run = (part: Part, inputs: tf.TensorInfo[], tau: number, shape: number[]) =>
    runProgram(program(part, shape, tau), inputs, 'float32', [{ type: 'float32', data: [tau] }]);
  defineKernel(
    FORWARD,
    ({ inputs, attrs }) => {
      const { teacher, student, critic } = inputs as Record<string, tf.TensorInfo>;
      return run('gap', [teacher, student, critic], attrs!.tau as number, student.shape);
    },
    {
      inputsToSave: ['teacher', 'student', 'critic'],
      gradFunc: (dy, [teacher, student, critic], attrs) => {
        const part = (which: Exclude<Part, 'gap'>) => () =>
          tf.engine().makeTensorFromTensorInfo(run(which, [dy, teacher, student, critic], attrs.tau as number, student.shape));
        return { teacher: part('teacher'), student: part('student'), critic: part('critic') };
      },
    },
  );
}

/** momentGap(teacherLogits, studentLogits, critic, {temperature}) → [B, T] (webgpu only). */
export function fusedMomentGap(teacherLogits: tf.Tensor3D, studentLogits: tf.Tensor3D, critic: tf.Tensor3D, tau: number): tf.Tensor2D {
  register();
  return runKernel(FORWARD, { teacher: teacherLogits, student: studentLogits, critic }, { tau });
}
