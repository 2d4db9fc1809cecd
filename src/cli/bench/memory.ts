// Section "Memory": tf.memory() after a number of steps (once every code path has run) and again
// after many more, on a tiny run (GKD with teacher samples half the time, batch 4, a d8 student,
// an evaluation of 8 prompts at a fixed interval), so leaks of the training step, the sampler
// and the evaluation show.
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

export const MEMORY_CONFIG = {
  method: 'gkd',
  settings: { task: 'addition', seed: 1, batchSize: 4, studentWidth: 8, studentHeads: 1, evalEvery: 50 },
  hyper: { lambda: 0.5, offPolicyData: 'teacher' },
};

export async function benchMemory(
  backend: BenchBackend,
  first: number,
  last: number,
  evalEvery: number,
  log: (s: string) => void = () => {},
): Promise<MemorySection> {
  const section: MemorySection = {
    backend,
    ok: false,
    config: `gkd λ=0.5 (student/teacher samples), batch 4, d8 student, evalEvery ${evalEvery} with 8 prompts`,
    snapshots: [],
    flat: false,
    msPerStep: NaN,
    load: 0,
  };
  if (!(await useBackend(backend)).ok) return section;
  section.ok = true;
  const { model: teacher } = loadModelDir(teacherDir('addition'));
  const { config, problems } = resolveConfig({ ...MEMORY_CONFIG, settings: { ...MEMORY_CONFIG.settings, evalEvery } });
  if (problems.length) throw new Error(problems.join('; '));
  const trainer = await Trainer.create(config, teacher, { backendName: backend, evalPrompts: 8 });
  const started = performance.now();
  // The first snapshot waits until both of GKD's data sources and an evaluation have run: each
  // path allocates its own buffer sizes once (the WebGPU pool keeps one per size), which is
  // warm-up, not growth.
  const sources = new Set<string>();
  let evaluated = false;
  try {
    while (trainer.step < last) {
      const outcome = await trainer.trainStep();
      sources.add(outcome.source);
      evaluated ||= outcome.record !== null;
      const warm = sources.size >= 2 && evaluated;
      if ((section.snapshots.length === 0 && trainer.step >= first && warm) || trainer.step === last) {
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
  // Flat: no more tensors, bytes or GPU bytes in use. The GPU pool's allocated total is reported
  // beside it: it is a high-water mark (a new buffer only when every pooled one of that size is
  // busy), so it may still creep up while in-use bytes stay flat.
  section.flat =
    section.snapshots.length === 2 &&
    b.numTensors <= a.numTensors &&
    b.numBytes <= a.numBytes &&
    (a.numBytesInGPU === null || (b.numBytesInGPU ?? 0) <= a.numBytesInGPU);
  section.load = load();
  return section;
}
