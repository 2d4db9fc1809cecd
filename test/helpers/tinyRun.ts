// Tiny randomly initialised teachers and run configurations for trainer tests (the shipped
// teachers are not needed: every check here is about the machinery, not about learning).
import { Rng } from '../../src/engine/rng';
import { Transformer } from '../../src/engine/model/transformer';
import { modelConfig } from '../../src/engine/model/sizes';
import { resolveConfig, type RunConfig } from '../../src/engine/runConfig';
import type { TaskId } from '../../src/engine/tasks';

export function tinyTeacher(task: TaskId = 'addition', seed = 99, dModel = 16): Transformer {
  return Transformer.init(modelConfig(task, { dModel, nLayers: 1, nHeads: 2 }), new Rng(seed));
}

export function tinyConfig(method: string, settings: Record<string, unknown> = {}, hyper: Record<string, unknown> = {}): RunConfig {
  const { config, problems } = resolveConfig({
    method,
    settings: { task: 'addition', studentWidth: 8, studentLayers: 1, studentHeads: 2, batchSize: 4, evalEvery: 10, lr: 0.01, ...settings },
    hyper,
  });
  if (problems.length) throw new Error(problems.join('; '));
  return config;
}
