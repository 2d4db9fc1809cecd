// Registering a fused kernel with TensorFlow.js: a forward kernel for the webgpu backend and its
// gradient, so tf.variableGrads differentiates through it like any built-in op. The gradient's
// pieces run only for the inputs on the path to the variables (tfjs prunes the rest).
import * as tf from '@tensorflow/tfjs';

type KernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }) => tf.TensorInfo;
type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) => Record<string, () => tf.Tensor>;

const registered = new Set<string>();

/** Register `name` on webgpu once (later calls do nothing). */
export function defineKernel(name: string, kernelFunc: KernelFunc, grad?: { inputsToSave?: string[]; outputsToSave?: boolean[]; gradFunc: GradFunc }): void {
  if (registered.has(name)) return;
  registered.add(name);
  tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  if (grad) {
    tf.registerGradient({
      kernelName: name,
      inputsToSave: grad.inputsToSave,
      outputsToSave: grad.outputsToSave,
      gradFunc: grad.gradFunc as unknown as tf.GradFunc,
    });
  }
}

/** Run a registered kernel (recorded on the gradient tape when it has a gradient). */
export function runKernel<T extends tf.Tensor = tf.Tensor>(name: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap = {}): T {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs) as T;
}
