// Writing one decoding position into a key/value cache in place: cache[b, t, :] = row[b, :] for a
// cache [B, T, w] that its decoder owns alone (one dispatch, nothing copied but the row).
import * as tf from '@tensorflow/tfjs';
import { runProgramInPlace } from './device';
import { threadProgram } from './program';

/** cache[:, t, :] ← rows [B, w] (webgpu only; `cache` must not share its buffer). */
export function writeCacheRow(cache: tf.Tensor3D, rows: tf.Tensor, t: number): void {
  const [B, T, w] = cache.shape;
  runProgramInPlace(
    threadProgram({
      key: `cachewrite_${B}_${T}_${w}`,
      inputs: ['rows'],
      outputShape: cache.shape,
      threads: B * w,
      uniforms: 't : i32,',
      body: `
  let c = index % ${w};
  let b = index / ${w};
  result[(b * ${T} + uniforms.t) * ${w} + c] = rows[index];`,
    }),
    [rows],
    cache,
    [{ type: 'int32', data: [t] }],
  );
}
