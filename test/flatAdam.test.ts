// FlatAdam against tf.train.adam: the same updates (within float32 rounding) over several steps,
// with a clip scale, a live learning-rate change and a variable that gets no gradient.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { FlatAdam } from '../src/engine/flatAdam';
import { Rng } from '../src/engine/rng';

describe('FlatAdam', () => {
  it('moves every variable as tf.train.adam does', async () => {
    const rng = new Rng(3);
    const shapes = [[3, 4], [4], [2, 2, 2]];
    const init = shapes.map((s) => rng.normals(s.reduce((a, b) => a * b, 1)));
    const mine = shapes.map((s, i) => tf.variable(tf.tensor(init[i], s), true, `flat-a-${i}`));
    const ref = shapes.map((s, i) => tf.variable(tf.tensor(init[i], s), true, `flat-b-${i}`));
    const flat = new FlatAdam(mine, 0.01, 0.9, 0.98);
    const adam = tf.train.adam(0.01, 0.9, 0.98);
    for (let step = 0; step < 4; step++) {
      const lr = step < 2 ? 0.01 : 0.003;
      const scale = step === 1 ? 0.37 : 1;
      flat.learningRate = lr;
      (adam as unknown as { learningRate: number }).learningRate = lr;
      // The last variable gets no gradient at step 2: FlatAdam treats it as zero, as we do here.
      const grads = shapes.map((s) => tf.tensor(rng.normals(s.reduce((a, b) => a * b, 1)), s));
      if (step === 2) grads[2] = tf.zerosLike(grads[2]);
      const named = (vars: tf.Variable[]) => Object.fromEntries(vars.map((v, i) => [v.name, grads[i]]).filter((_, i) => !(step === 2 && i === 2)));
      const g = flat.flatten(named(mine));
      flat.apply(g, scale);
      tf.tidy(() => adam.applyGradients(Object.fromEntries(ref.map((v, i) => [v.name, grads[i].mul(scale)]))));
      tf.dispose([g, ...grads]);
    }
    for (let i = 0; i < shapes.length; i++) {
      const [a, b] = [await mine[i].data(), await ref[i].data()];
      const moved = Math.max(...Array.from(b, (x, j) => Math.abs(x - init[i][j])));
      expect(moved).toBeGreaterThan(1e-3); // the step did something
      for (let j = 0; j < a.length; j++) expect(Math.abs(a[j] - b[j])).toBeLessThan(2e-6);
    }
    flat.dispose();
    adam.dispose();
    tf.dispose([...mine, ...ref]);
  });
});
