// 'auto' means measured: the choice from given timings (pure), the probe's alternation and
// budget on a fake clock over the cpu and wasm backends, a real step probe that leaves no
// tensor behind, the key a choice is remembered under, and the wasm thread plan.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { measurementKey, median, pickFastest, summarize, type ProbeSizes } from '../src/engine/backendChoice';
import { measureBackends, runStepProbe, type StepProbe } from '../src/engine/backendProbe';
import { MAX_WASM_THREADS, wasmThreadPlan } from '../src/engine/wasmThreads';
import { chooseBackend, type BackendName } from '../src/engine/backend';
import { resolveConfig } from '../src/engine/runConfig';
import { modelConfig } from '../src/engine/model/sizes';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('pickFastest', () => {
  it('takes the lowest median and writes the figures in the order measured', () => {
    const choice = pickFastest([
      { name: 'webgpu', msPerStep: 41.2, timedSteps: 5 },
      { name: 'wasm', msPerStep: 63, timedSteps: 5 },
    ]);
    expect(choice.chosen).toBe('webgpu');
    expect(choice.summary).toBe('WebGPU 41 ms/step · wasm 63 ms/step → WebGPU');
  });

  it('a slower GPU loses to wasm', () => {
    const choice = pickFastest([
      { name: 'webgpu', msPerStep: 120, timedSteps: 3 },
      { name: 'wasm', msPerStep: 63, timedSteps: 6 },
      { name: 'webgl', msPerStep: 88, timedSteps: 4 },
    ]);
    expect(choice.chosen).toBe('wasm');
    expect(choice.summary).toBe('WebGPU 120 ms/step · wasm 63 ms/step · WebGL 88 ms/step → wasm');
  });

  it('a backend whose warm-up alone used the budget loses to any that was timed, and shows a lower bound', () => {
    const choice = pickFastest([
      { name: 'webgl', msPerStep: 3100, timedSteps: 0 },
      { name: 'wasm', msPerStep: 4000, timedSteps: 1 },
    ]);
    expect(choice.chosen).toBe('wasm');
    expect(choice.summary).toBe('WebGL > 3,100 ms/step · wasm 4,000 ms/step → wasm');
  });

  it('a tie goes to the earlier backend; failures are reported, not chosen', () => {
    const choice = pickFastest([
      { name: 'webgpu', error: 'device lost' },
      { name: 'wasm', msPerStep: 50, timedSteps: 4 },
      { name: 'webgl', msPerStep: 50, timedSteps: 4 },
    ]);
    expect(choice.chosen).toBe('wasm');
    expect(choice.failures).toEqual([{ name: 'webgpu', error: 'device lost' }]);
    expect(() => pickFastest([{ name: 'wasm', error: 'out of memory' }])).toThrow(/wasm: out of memory/);
  });

  it('small figures keep a decimal', () => {
    expect(summarize([{ name: 'webgpu', msPerStep: 4.26, timedSteps: 6 }], 'webgpu')).toBe('WebGPU 4.3 ms/step → WebGPU');
  });

  it('median of odd and even lists', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });
});

describe('measureBackends', () => {
  /** A probe whose step costs `ms` on a fake clock, recording the order backends step in. */
  function fakeProbes(cost: Partial<Record<BackendName, number>>, clock: { t: number }, log: string[]) {
    return async (name: BackendName): Promise<StepProbe> => ({
      async step() {
        expect(tf.getBackend()).toBe(name); // each probe steps on its own backend
        log.push(name);
        clock.t += cost[name]!;
      },
      dispose() {
        log.push(`dispose ${name}`);
      },
    });
  }

  it('warms each up, then alternates timed steps until the budget, and restores the backend', async () => {
    await chooseBackend(['wasm']);
    await tf.setBackend('cpu');
    const clock = { t: 0 };
    const log: string[] = [];
    const results = await measureBackends(['wasm', 'cpu'], fakeProbes({ wasm: 100, cpu: 300 }, clock, log), {
      budgetMs: 1000,
      maxSteps: 6,
      now: () => clock.t,
    });
    // Warm-ups 100 + 300 = 400 ms; each round costs 400 ms: rounds end at 800 and 1200 ms.
    expect(log.filter((l) => !l.startsWith('dispose'))).toEqual(['wasm', 'cpu', 'wasm', 'cpu', 'wasm', 'cpu']);
    expect(results).toEqual([
      { name: 'wasm', msPerStep: 100, timedSteps: 2 },
      { name: 'cpu', msPerStep: 300, timedSteps: 2 },
    ]);
    expect(log.filter((l) => l.startsWith('dispose'))).toEqual(['dispose wasm', 'dispose cpu']);
    expect(tf.getBackend()).toBe('cpu');
    expect(pickFastest(results).chosen).toBe('wasm');
  });

  it('stops at maxSteps, gives a slow warm-up only a lower bound, and reports a failing backend', async () => {
    const clock = { t: 0 };
    const log: string[] = [];
    const slow = await measureBackends(['wasm', 'cpu'], fakeProbes({ wasm: 10, cpu: 5000 }, clock, log), { budgetMs: 3000, now: () => clock.t });
    // cpu's warm-up alone passes the budget: wasm still gets its one timed step, cpu a lower bound.
    expect(slow).toEqual([
      { name: 'wasm', msPerStep: 10, timedSteps: 1 },
      { name: 'cpu', msPerStep: 5000, timedSteps: 0 },
    ]);
    const capped = await measureBackends(['wasm'], fakeProbes({ wasm: 10 }, clock, log), { budgetMs: 1e6, maxSteps: 3, now: () => clock.t });
    expect(capped).toEqual([{ name: 'wasm', msPerStep: 10, timedSteps: 3 }]);
    const failing = await measureBackends(['cpu'], async () => {
      throw new Error('no kernel for Foo');
    });
    expect(failing).toEqual([{ name: 'cpu', error: 'no kernel for Foo' }]);
  });

  it('a real probe of a run steps every student and leaves no tensor behind', async () => {
    await tf.setBackend('cpu');
    const { config } = resolveConfig({ method: 'gkd', settings: { task: 'addition', batchSize: 4 }, hyper: {} });
    const teacher = modelConfig('addition', { dModel: 16, nLayers: 1, nHeads: 2 });
    const before = tf.memory().numTensors;
    const results = await measureBackends(['cpu'], () => runStepProbe([config, config], teacher, 4), { budgetMs: 60_000, maxSteps: 1 });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: 'cpu', timedSteps: 1 });
    expect((results[0] as { msPerStep: number }).msPerStep).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('measurementKey', () => {
  const sizes: ProbeSizes = {
    teacher: { dModel: 64, nLayers: 3, nHeads: 4, seqLen: 16 },
    students: [{ dModel: 32, nLayers: 1, nHeads: 2, batchSize: 32 }],
  };
  const started = [
    { name: 'webgpu' as const, adapter: { description: 'NVIDIA H200' }, wasm: null },
    { name: 'wasm' as const, adapter: null, wasm: { threads: 7, threadedBinary: true } },
  ];

  it('names the device, the sizes and the version', () => {
    expect(measurementKey(started, sizes, 'v1')).toBe('v1 | webgpu:NVIDIA H200,wasm:threaded:7 | teacher 64x3x4t16 | students 32x1x2b32');
  });

  it('changes with the adapter, the threads, a student size, the batch or the version', () => {
    const base = measurementKey(started, sizes, 'v1');
    const other = [
      measurementKey([{ ...started[0], adapter: { description: 'Intel Iris Xe' } }, started[1]], sizes, 'v1'),
      measurementKey([started[0], { ...started[1], wasm: { threads: 1, threadedBinary: false } }], sizes, 'v1'),
      measurementKey(started, { ...sizes, students: [{ ...sizes.students[0], dModel: 16 }] }, 'v1'),
      measurementKey(started, { ...sizes, students: [{ ...sizes.students[0], batchSize: 64 }] }, 'v1'),
      measurementKey(started, sizes, 'v2'),
    ];
    expect(new Set([base, ...other]).size).toBe(6);
  });
});

describe('wasmThreadPlan', () => {
  it('leaves one core for the page, caps the pool, and says why it holds one thread', () => {
    expect(wasmThreadPlan({ runtime: 'browser', isolated: true, cores: 8 })).toEqual({ threads: 7, why: null });
    expect(wasmThreadPlan({ runtime: 'browser', isolated: true, cores: 4 })).toEqual({ threads: 3, why: null });
    expect(wasmThreadPlan({ runtime: 'browser', isolated: true, cores: 32 })).toEqual({ threads: MAX_WASM_THREADS, why: expect.stringMatching(/at most 8/) });
    expect(wasmThreadPlan({ runtime: 'browser', isolated: true, cores: 2 })).toEqual({ threads: 1, why: expect.stringMatching(/two cores/) });
    expect(wasmThreadPlan({ runtime: 'browser', isolated: false, cores: 12 })).toEqual({ threads: 1, why: expect.stringMatching(/not cross-origin isolated/) });
    expect(wasmThreadPlan({ runtime: 'browser', isolated: true, cores: null }).threads).toBe(1);
    expect(wasmThreadPlan({ runtime: 'node', isolated: false, cores: 16 })).toEqual({ threads: 1, why: expect.stringMatching(/Node/) });
  });
});
