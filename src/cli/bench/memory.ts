// Section "Memory": tf.memory() after a number of steps and again after ten times as many, on a
// tiny run (GKD with teacher samples half the time, batch 4, a d8 student, an evaluation of 8
// prompts every 50 steps), so leaks of the training step, the sampler and the evaluation show.
import { Trainer, resolveConfig } from '../../engine/trainer';
import { loadModelDir, teacherDir } from '../nodeModel';
import { load, memory, useBackend, type BenchBackend } from './env';

export interface MemorySnapshot {
  step: number;
  numTensors: number;
  numBytes: number;
  numBytesInGPU: number | null;
  numBytesInGPUAllocated: number | null;
}

export interface MemorySection {
  backend: BenchBackend;
  ok: boolean;
  config: string;
  snapshots: MemorySnapshot[];
  flat: boolean;
  msPerStep: number;
  load: number;
}

export const MEMORY_CONFIG = { method: 'gkd', settings: { task: 'addition', seed: 1, batchSize: 4, studentWidth: 8, studentHeads: 1, evalEvery: 50 }, hyper: { lambda: 0.5, offPolicyData: 'teacher' } };

export async function benchMemory(backend: BenchBackend, first: number, last: number, evalEvery: number, log: (s: string) => void = () => {}): Promise<MemorySection> {
  const section: MemorySection = { backend, ok: false, config: `gkd λ=0.5 (student/teacher samples), batch 4, d8 student, evalEvery ${evalEvery} with 8 prompts`, snapshots: [], flat: false, msPerStep: NaN, load: 0 };
  if (!(await useBackend(backend)).ok) return section;
  section.ok = true;
  const { model: teacher } = loadModelDir(teacherDir('addition'));
  const { config, problems } = resolveConfig({ ...MEMORY_CONFIG, settings: { ...MEMORY_CONFIG.settings, evalEvery } });
  if (problems.length) throw new Error(problems.join('; '));
  const trainer = await Trainer.create(config, teacher, { backendName: backend, evalPrompts: 8 });
  const started = performance.now();
  try {
    while (trainer.step < last) {
      await trainer.trainStep();
      if (trainer.step === first || trainer.step === last) {
        section.snapshots.push({ step: trainer.step, ...memory() });
        log(`memory ${backend} step ${trainer.step}: ${JSON.stringify(memory())}`);
      }
    }
  } finally {
    section.msPerStep = (performance.now() - started) / Math.max(1, trainer.step);
    trainer.dispose();
    teacher.dispose();
  }
  const [a, b] = section.snapshots;
  section.flat = !!a && !!b && b.numTensors <= a.numTensors && b.numBytes <= a.numBytes && (a.numBytesInGPUAllocated === null || (b.numBytesInGPUAllocated ?? 0) <= a.numBytesInGPUAllocated);
  section.load = load();
  return section;
}
