// The training steps the peer comparison times, at the default sizes (batch 32, context 16, the
// shipped addition teacher, a d32×1×2 student): GKD on the student's own samples (λ = 1), GKD on
// the dataset (λ = 0), and AMMD at its defaults. Each case runs in a fresh process so that an
// A/B pair of code versions (or wasm against the PyTorch peer) can alternate.
import { Trainer, resolveConfig } from '../../engine/trainer';
import type { MethodId } from '../../engine/methods/types';
import { loadModelDir, teacherDir } from '../nodeModel';
import { counter, useBackend, type BenchBackend } from './env';

export interface StepCase {
  id: 'gkd-student' | 'gkd-dataset' | 'ammd' | 'gkd';
  method: MethodId;
  hyper: Record<string, number>;
}

export const STEP_CASES: StepCase[] = [
  { id: 'gkd-student', method: 'gkd', hyper: { lambda: 1 } },
  { id: 'gkd-dataset', method: 'gkd', hyper: { lambda: 0 } },
  { id: 'ammd', method: 'ammd', hyper: {} },
];

export interface CaseTiming {
  id: string;
  msPerStep: number;
  /** This process's CPU time (user + system) per step: far less sensitive than wall time to other load on a shared machine. */
  cpuMsPerStep: number;
  kernelsPerStep: number;
  /** Floating-point operations of the step's matrix products (2·m·k·n each). */
  matMulFlopsPerStep: number;
  steps: number;
}

/** `warmup` unmeasured steps, then `steps` timed ones, for each case on `backend`. */
export async function timeCases(cases: readonly StepCase[], backend: BenchBackend, warmup: number, steps: number): Promise<CaseTiming[]> {
  const started = await useBackend(backend);
  if (!started.ok) throw new Error(`backend ${backend} unavailable: ${started.error}`);
  const { model: teacher } = loadModelDir(teacherDir('addition'));
  const c = counter();
  const out: CaseTiming[] = [];
  try {
    for (const k of cases) {
      const { config, problems } = resolveConfig({ method: k.method, settings: { task: 'addition', seed: 1, evalEvery: 1000 }, hyper: k.hyper });
      if (problems.length) throw new Error(problems.join('; '));
      const trainer = await Trainer.create(config, teacher, { backendName: backend });
      try {
        for (let i = 0; i < warmup; i++) await trainer.trainStep({ evaluate: false });
        const before = c.snapshot();
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < steps; i++) await trainer.trainStep({ evaluate: false });
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const after = c.snapshot();
        out.push({
          id: k.id,
          msPerStep: ms / steps,
          cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps,
          kernelsPerStep: (after.kernels - before.kernels) / steps,
          matMulFlopsPerStep: (after.matMulFlops - before.matMulFlops) / steps,
          steps,
        });
      } finally {
        trainer.dispose();
      }
    }
  } finally {
    teacher.dispose();
  }
  return out;
}
