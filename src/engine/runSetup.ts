// What a run is built from besides its method: the student's shape, the warm-start check, and
// the run's independent random streams.
import { Rng } from './rng';
import type { ModelConfig } from './model/config';
import { modelConfig } from './model/sizes';
import { CheckpointError } from './model/checkpoint';
import type { RunConfig } from './runConfig';
import { readSettings } from './settings';

/** The independent random streams of a run, forked from the seed in a fixed order. */
export interface Streams {
  init: Rng;
  data: Rng;
  sample: Rng;
  method: Rng;
  evaluation: Rng;
  methodInit: Rng;
}

export function forkStreams(seed: number): Streams {
  const root = new Rng(seed);
  return { init: root.fork(), data: root.fork(), sample: root.fork(), method: root.fork(), evaluation: root.fork(), methodInit: root.fork() };
}

export function studentConfig(config: RunConfig): ModelConfig {
  const s = readSettings(config.settings);
  return modelConfig(s.task, { dModel: s.studentWidth, nLayers: s.studentLayers, nHeads: s.studentHeads });
}

/** Throws if a warm-start checkpoint's config is not the student's. */
export function checkFits(a: ModelConfig, b: ModelConfig): void {
  const fields = ['vocabSize', 'seqLen', 'dModel', 'nLayers', 'nHeads'] as const;
  const differs = fields.filter((k) => a[k] !== b[k]);
  if (differs.length) throw new CheckpointError(`The warm-start student does not fit: ${differs.map((k) => `${k} ${a[k]}, expected ${b[k]}`).join('; ')}`);
}
