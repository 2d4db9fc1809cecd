// WebGPU parity: the same transformer (same weights) gives the same logits, the same seeded
// samples and the same greedy decodes on the webgpu backend as on the cpu backend.
//
// WebGPU in Node comes from the `webgpu` package (Dawn) over SwiftShader's Vulkan driver,
// which Debian's chromium package ships. Vitest runs this file in its own forked process, so
// the cpu-backed test files never see navigator.gpu. Without an adapter this test FAILS (it
// never skips): CI must prove the WebGPU path works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { create, globals } from 'webgpu';
import { chooseBackend, type BackendReport } from '../src/engine/backend';
import { Rng } from '../src/engine/rng';
import { sampleTensors } from '../src/engine/model/sampling';
import { fromArtifacts, toArtifacts } from '../src/engine/model/checkpoint';
import type { Transformer } from '../src/engine/model/transformer';
import { encodeExamples, encodePrompts } from '../src/engine/data';
import { maskedMean, tokenNll } from '../src/engine/objectives/likelihood';
import { randomTokens, randomTransformer, tinyConfig } from './support/models';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const TOLERANCE = 1e-4;
// Small on purpose: on SwiftShader every kernel dispatch costs milliseconds (far more when
// the CPU is busy), and sampling dispatches a whole decoding step per position.
const config = tinyConfig({ seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2 });
const B = 6;
const PROMPTS = ['', 'ab', '12+', 'xy>', 'a', 'the '];
const WEIGHT_SEED = 2024;

interface Run {
  logits: Float32Array;
  sampled: Int32Array;
  sampledMask: Float32Array;
  greedy: Int32Array;
  loss: number;
  grads: Map<string, Float32Array>;
}

/** Everything compared across backends, computed on whichever backend is current. */
async function runAll(model: Transformer, full = true): Promise<Run> {
  const tokens = tf.tensor2d(randomTokens(new Rng(1), B, config.seqLen), [B, config.seqLen], 'int32');
  const y = model.forward(tokens);
  const logits = (await y.data()) as Float32Array;
  tf.dispose([tokens, y]);

  if (!full) return { logits, sampled: new Int32Array(), sampledMask: new Float32Array(), greedy: new Int32Array(), loss: NaN, grads: new Map() };

  const prompts = encodePrompts(PROMPTS, config.seqLen);
  const s = sampleTensors(model, prompts, { temperature: 1, rng: new Rng(77) });
  const sampled = Int32Array.from(await s.tokens.data());
  const sampledMask = Float32Array.from(await s.mask.data());
  const g = sampleTensors(model, prompts, { temperature: 0, rng: new Rng(78) });
  const greedy = Int32Array.from(await g.tokens.data());
  tf.dispose([s.tokens, s.mask, g.tokens, g.mask]);

  // One training gradient: the backward pass must agree too (the playground trains on WebGPU).
  const examples = PROMPTS.map((prompt, i) => ({ prompt, answer: ['cab', '7', 'yx', 'b', 'zz', 'a'][i] }));
  const batch = encodeExamples(examples, config.seqLen);
  const x = tf.tensor2d(batch.tokens, [B, config.seqLen], 'int32');
  const t = tf.tensor2d(batch.targets, [B, config.seqLen], 'int32');
  const m = tf.tensor2d(batch.mask, [B, config.seqLen]);
  const { value, grads } = tf.variableGrads(() => maskedMean(tokenNll(model.forward(x), t), m), model.variables());
  const loss = (await value.data())[0];
  const gradValues = new Map<string, Float32Array>();
  for (const [name, v] of model.params) gradValues.set(name, (await grads[v.name].data()) as Float32Array);
  tf.dispose([x, t, m, value, ...Object.values(grads)]);
  return { logits, sampled, sampledMask, greedy, loss, grads: gradValues };
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};
const agreement = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
};

let cpu: Run;
let gpuLoaded: Run;
let gpuSeeded: Run;
let report: BackendReport;
/** Why WebGPU could not be set up; every test rethrows it, so each one FAILS (never skips). */
let setupError: Error | null = null;
function requireWebGpu() {
  if (setupError) throw setupError;
}

beforeAll(async () => {
  try {
    await setUp();
  } catch (e) {
    setupError = e as Error;
  }
}, 600_000);

async function setUp() {
  // 1. Reference on the cpu backend (test/setup.ts selected it).
  expect(tf.getBackend()).toBe('cpu');
  const cpuModel = randomTransformer(config, WEIGHT_SEED);
  cpu = await runAll(cpuModel);
  const artifacts = await toArtifacts(cpuModel);
  cpuModel.dispose();

  // 2. Switch to webgpu through the engine's own backend chooser.
  if (!existsSync(SWIFTSHADER_ICD)) {
    throw new Error(`WebGPU parity needs SwiftShader's Vulkan driver at ${SWIFTSHADER_ICD}: apt-get install chromium libvulkan1 (or run .ci/run)`);
  }
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
  try {
    report = await chooseBackend(['webgpu']);
  } catch (e) {
    throw new Error(`No WebGPU adapter in Node (Dawn + SwiftShader; is libvulkan1 installed?): ${(e as Error).message}`);
  }
  expect(tf.getBackend()).toBe('webgpu');

  // 3. The same weights on webgpu, twice: loaded from the cpu model's artifacts, and drawn
  //    again from the same seed (the Rng runs in JS, so the numbers are the same); the second
  //    only for the logits, to keep the number of slow dispatches down.
  const loaded = fromArtifacts(artifacts).model;
  gpuLoaded = await runAll(loaded);
  loaded.dispose();
  const seeded = randomTransformer(config, WEIGHT_SEED);
  gpuSeeded = await runAll(seeded, false);
  seeded.dispose();
}

afterAll(async () => {
  await tf.setBackend('cpu');
  if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  // dawn.node keeps the process alive while navigator.gpu is reachable.
  delete (globalThis as { navigator?: unknown }).navigator;
});

describe('webgpu parity with the cpu backend', () => {
  it('runs on a WebGPU adapter chosen by chooseBackend', () => {
    requireWebGpu();
    expect(report.name).toBe('webgpu');
    expect(report.adapter).not.toBeNull();
    console.log(`webgpu adapter: ${JSON.stringify(report.adapter)}`);
  });

  it('gives the same logits (forward) within 1e-4', () => {
    requireWebGpu();
    const loaded = maxAbs(cpu.logits, gpuLoaded.logits);
    const seeded = maxAbs(cpu.logits, gpuSeeded.logits);
    const scale = maxAbs(cpu.logits, new Float32Array(cpu.logits.length));
    console.log(`max |logit| ${scale.toFixed(3)}; max abs difference: loaded ${loaded.toExponential(2)}, seeded ${seeded.toExponential(2)}`);
    expect(scale).toBeGreaterThan(1); // logits are not all near zero, so the comparison means something
    expect(loaded).toBeLessThan(TOLERANCE);
    expect(seeded).toBeLessThan(TOLERANCE);
  });

  it('draws the same samples for the same seed (temperature 1) and the same greedy decodes', () => {
    requireWebGpu();
    console.log(
      `token agreement: sampled ${agreement(cpu.sampled, gpuLoaded.sampled)}, greedy ${agreement(cpu.greedy, gpuLoaded.greedy)}; ` +
        `generated tokens per run ${cpu.sampledMask.reduce((a, b) => a + b, 0)}`,
    );
    expect(Array.from(gpuLoaded.sampled)).toEqual(Array.from(cpu.sampled));
    expect(Array.from(gpuLoaded.sampledMask)).toEqual(Array.from(cpu.sampledMask));
    expect(Array.from(gpuLoaded.greedy)).toEqual(Array.from(cpu.greedy));
    // The samples are not trivially equal: they differ from the greedy decodes.
    expect(Array.from(cpu.sampled)).not.toEqual(Array.from(cpu.greedy));
  });

  it('gives the same training loss and gradients within 1e-4', () => {
    requireWebGpu();
    let worst = 0;
    for (const [name, g] of cpu.grads) worst = Math.max(worst, maxAbs(g, gpuLoaded.grads.get(name)!));
    console.log(`loss cpu ${cpu.loss.toFixed(6)} webgpu ${gpuLoaded.loss.toFixed(6)}; max abs gradient difference ${worst.toExponential(2)}`);
    expect(Math.abs(cpu.loss - gpuLoaded.loss)).toBeLessThan(TOLERANCE);
    expect(worst).toBeLessThan(TOLERANCE);
  });
});
