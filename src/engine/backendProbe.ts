// 'auto' measures: a few real training steps of this experiment (its methods and sizes) on each
// backend that started, within a small budget, then thrown away. Steps alternate between the
// backends round by round, so a slow phase of the machine (or the JavaScript engine still
// optimising in its first seconds) falls on all of them alike.
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './backend';
import { median, type ProbeResult } from './backendChoice';
import type { ModelConfig } from './model/config';
import { Transformer } from './model/transformer';
import { Rng } from './rng';
import type { RunConfig } from './runConfig';
import { Trainer } from './trainer';

/** About 3 s in all, as a page load can spare. */
export const PROBE_BUDGET_MS = 3000;
/** Enough timed steps for a median; more would only spend the budget. */
export const PROBE_MAX_STEPS = 6;

/** Something that takes one training step of the experiment on the current backend. */
export interface StepProbe {
  step(): Promise<void>;
  dispose(): void;
}

export interface ProbeOptions {
  budgetMs?: number;
  maxSteps?: number;
  now?: () => number;
}

/**
 * Time `makeProbe`'s steps on each backend of `names` (each already able to start). Each takes
 * one untimed warm-up step (it compiles the GPU programs), then timed steps in alternation until
 * the budget is spent or each has `maxSteps`; every backend that warmed up within the budget
 * gets at least one. The previous backend is set again at the end.
 */
export async function measureBackends(
  names: readonly BackendName[],
  makeProbe: (name: BackendName) => Promise<StepProbe>,
  opts: ProbeOptions = {},
): Promise<ProbeResult[]> {
  const budget = opts.budgetMs ?? PROBE_BUDGET_MS;
  const maxSteps = opts.maxSteps ?? PROBE_MAX_STEPS;
  const now = opts.now ?? (() => performance.now());
  const before = tf.getBackend();
  const started = now();
  const probes = new Map<BackendName, StepProbe>();
  const times = new Map<BackendName, number[]>();
  const results = new Map<BackendName, ProbeResult>();
  try {
    for (const name of names) {
      try {
        await tf.setBackend(name);
        const probe = await makeProbe(name);
        probes.set(name, probe);
        const t0 = now();
        await probe.step();
        const warm = now() - t0;
        // A warm-up longer than the whole budget: too slow to be worth more of it.
        if (warm > budget) results.set(name, { name, msPerStep: warm, timedSteps: 0 });
        else times.set(name, []);
      } catch (e) {
        results.set(name, { name, error: (e as Error).message });
      }
    }
    const live = [...times.keys()];
    do {
      for (const name of live) {
        const list = times.get(name)!;
        if (list.length >= maxSteps) continue;
        await tf.setBackend(name);
        const t0 = now();
        try {
          await probes.get(name)!.step();
          list.push(now() - t0);
        } catch (e) {
          results.set(name, { name, error: (e as Error).message });
          times.delete(name);
        }
      }
    } while (now() - started < budget && [...times.values()].some((l) => l.length < maxSteps));
    for (const [name, list] of times) if (list.length) results.set(name, { name, msPerStep: median(list), timedSteps: list.length });
  } finally {
    for (const [name, probe] of probes) {
      await tf.setBackend(name);
      probe.dispose();
    }
    if (before) await tf.setBackend(before);
  }
  return names.filter((n) => results.has(n)).map((n) => results.get(n)!);
}

/**
 * A step of the run `configs` describes: every student once, as the session steps them, against
 * a teacher of the given size. Weights are random (a step's cost does not depend on them) and
 * nothing is evaluated.
 */
export async function runStepProbe(configs: readonly RunConfig[], teacherConfig: ModelConfig, evalPrompts?: number): Promise<StepProbe> {
  const teacher = Transformer.init(teacherConfig, new Rng(1), false);
  const trainers: Trainer[] = [];
  try {
    for (const config of configs) trainers.push(await Trainer.create(config, teacher, { backendName: tf.getBackend(), evalPrompts }));
  } catch (e) {
    for (const t of trainers) t.dispose();
    teacher.dispose();
    throw e;
  }
  return {
    async step() {
      for (const t of trainers) {
        const outcome = await t.trainStep({ evaluate: false });
        if (outcome.halted) throw new Error(outcome.halted);
      }
    },
    dispose() {
      for (const t of trainers) t.dispose();
      teacher.dispose();
    },
  };
}
