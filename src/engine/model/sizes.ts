// The shipped teachers' sizes and the default student, per task. Plain data (no TensorFlow.js).
import { VOCAB_SIZE } from '../tasks/vocab';
import { TASKS, type TaskId } from '../tasks';
import type { ModelConfig } from './config';

export interface ModelSize {
  dModel: number;
  nLayers: number;
  nHeads: number;
}

export const TEACHER_SIZES: Record<TaskId, ModelSize> = {
  addition: { dModel: 64, nLayers: 3, nHeads: 4 },
  reverse: { dModel: 64, nLayers: 3, nHeads: 4 },
  grammar: { dModel: 64, nLayers: 3, nHeads: 4 },
  instructions: { dModel: 64, nLayers: 3, nHeads: 4 },
};

// Matches the defaults of studentWidth, studentLayers and studentHeads in ../settings.ts.
export const DEFAULT_STUDENT: ModelSize = { dModel: 32, nLayers: 1, nHeads: 2 };

export function modelConfig(task: TaskId, size: ModelSize): ModelConfig {
  return { vocabSize: VOCAB_SIZE, seqLen: TASKS[task].seqLen, ...size };
}
