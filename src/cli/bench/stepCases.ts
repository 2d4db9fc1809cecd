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

/** Wall and CPU time per step over one window of consecutive steps. */
export interface WindowTiming {
  msPerStep: number;
  /** This process's CPU time (user + system) per step: far less sensitive than wall time to other load on a shared machine. */
  cpuMsPerStep: number;
}

export interface CaseTiming extends WindowTiming {
  id: string;
  /**
   * The first steps of a fresh process (after `warmup` steps), while V8 still optimises tfjs's
   * JavaScript on background threads: CPU time there ran 10–35% above wall time in the bench's
   * runs. With that compilation on the main thread (node --no-concurrent-recompilation) CPU time
   * equals wall time and the first steps are slower instead; compiling the wasm eagerly
   * (--no-wasm-dynamic-tiering) changes nothing. The top-level figures are the settled window,
   * measured after `settleSeconds`.
   */
  cold: WindowTiming;
  kernelsPerStep: number;
  /** Floating-point operations of the step's matrix products (2·m·k·n each). */
  matMulFlopsPerStep: number;
  steps: number;
}

export interface CaseTimingPlan {
  /** Unmeasured steps before the cold window. */
  warmup: number;
  /** Steps in each timed window. */
  steps: number;
  /** Seconds from the case's first step to the settled window (the cold window included). */
  settleSeconds: number;
}

async function timeWindow(trainer: Trainer, steps: number): Promise<WindowTiming> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) await trainer.trainStep({ evaluate: false });
  const cpu = process.cpuUsage(cpu0);
  return { msPerStep: (performance.now() - t0) / steps, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps };
}

/**
 * For each case on `backend`: `warmup` unmeasured steps, a cold window of `steps`, then more
 * unmeasured steps until `settleSeconds` have passed since the first, then the settled window.
 * peer_torch.py times its steps the same way.
 */
export async function timeCases(cases: readonly StepCase[], backend: BenchBackend, plan: CaseTimingPlan): Promise<CaseTiming[]> {
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
        const caseStart = performance.now();
        for (let i = 0; i < plan.warmup; i++) await trainer.trainStep({ evaluate: false });
        const cold = await timeWindow(trainer, plan.steps);
        while (performance.now() - caseStart < plan.settleSeconds * 1000) await trainer.trainStep({ evaluate: false });
        const before = c.snapshot();
        const settled = await timeWindow(trainer, plan.steps);
        const after = c.snapshot();
        out.push({
          id: k.id,
          ...settled,
          cold,
          kernelsPerStep: (after.kernels - before.kernels) / plan.steps,
          matMulFlopsPerStep: (after.matMulFlops - before.matMulFlops) / plan.steps,
          steps: plan.steps,
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
