// A student's weights as the two files the page saves and loads (model.json and weights.bin),
// to and from the engine's checkpoint artifacts.
import type * as tf from '@tensorflow/tfjs';
import { artifactsFromFiles, modelJson } from '../engine/model/checkpoint';
import { joinBuffers } from '../engine/model/weightCheck';
import type { Trainer } from '../engine/trainer';
import type { WeightFiles } from './protocol';

export async function readWeights(trainer: Trainer): Promise<WeightFiles> {
  const artifacts = await trainer.exportStudent();
  return { modelJson: modelJson(artifacts), weights: joinBuffers(artifacts.weightData) };
}

/** The checkpoint in `files` (whether it fits a student is the trainer's to check). */
export function weightArtifacts(files: WeightFiles): tf.io.ModelArtifacts {
  return artifactsFromFiles(files.modelJson, files.weights);
}
