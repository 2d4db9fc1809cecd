// The run settings every method shares. Plain data: no TensorFlow.js here.
import { choiceParam, numberParam, readValues, type ParamSpec, type ParamValues, type ValuesOf } from './params';

export const TASK_PARAM = choiceParam({
  id: 'task',
  label: 'Task',
  default: 'addition',
  choices: {
    addition: 'Addition (exact match)',
    reverse: 'Reverse (exact match, ROUGE-L)',
    grammar: 'Grammar (grammatical rate)',
    instructions: 'Instructions (six skills, per-skill score)',
  },
  apply: 'restart',
  help: 'What the teacher knows and the student learns.',
});

export const SHARED_PARAMS = [
  TASK_PARAM,
  numberParam({
    id: 'seed',
    label: 'Seed',
    default: 1,
    min: 0,
    max: 999999,
    step: 1,
    apply: 'restart',
    help: 'Same seed, same settings: the same run, on every backend.',
  }),
  numberParam({
    id: 'studentWidth',
    label: 'Student width',
    default: 32,
    min: 8,
    max: 128,
    step: 8,
    apply: 'restart',
    help: 'Model dimension d of the student transformer.',
  }),
  numberParam({
    id: 'studentLayers',
    label: 'Student layers',
    default: 1,
    min: 1,
    max: 4,
    step: 1,
    apply: 'restart',
    help: 'Transformer blocks in the student.',
  }),
  numberParam({
    id: 'studentHeads',
    label: 'Student heads',
    default: 2,
    min: 1,
    max: 8,
    step: 1,
    apply: 'restart',
    help: 'Attention heads per block; must divide the width.',
  }),
  choiceParam({
    id: 'studentInit',
    label: 'Student start',
    default: 'sft',
    choices: { sft: 'warm (shipped SFT student)', scratch: 'from scratch (random weights)' },
    apply: 'restart',
    help: 'As in the papers, the student starts from a checkpoint fine-tuned on the task and partly right; a size without a shipped checkpoint starts from random weights. Scratch: random weights from the seed.',
  }),
  numberParam({
    id: 'batchSize',
    label: 'Batch size',
    default: 32,
    min: 4,
    max: 128,
    step: 4,
    apply: 'restart',
    help: 'Sequences per training step (fixed shapes keep the GPU buffer pool small).',
  }),
  numberParam({
    id: 'lr',
    label: 'Learning rate',
    // 0.001: the warm-started students keep learning steadily at it, where 0.003 knocks them
    // about (docs/findings/default-lr.md).
    default: 0.001,
    min: 0.00001,
    max: 0.05,
    step: 0.00001,
    scale: 'log',
    apply: 'live',
    help: "The student's Adam learning rate.",
  }),
  numberParam({
    id: 'lrWarmup',
    label: 'Learning-rate warm-up',
    default: 20,
    min: 0,
    max: 1000,
    step: 1,
    unit: 'steps',
    apply: 'live',
    help: 'The learning rate rises linearly to its value over these first steps. Adam’s first update moves every weight by about the full learning rate, which would knock a warm student off what it knows. 0: no warm-up.',
  }),
  numberParam({
    id: 'steps',
    label: 'Planned steps',
    default: 2000,
    min: 10,
    max: 100000,
    step: 10,
    scale: 'log',
    apply: 'live',
    help: 'Length of the run, for schedules such as DistiLLM’s; play continues past it.',
  }),
  numberParam({
    id: 'evalEvery',
    label: 'Evaluate every',
    default: 25,
    min: 1,
    max: 1000,
    step: 1,
    scale: 'log',
    unit: 'steps',
    apply: 'live',
    help: 'Steps between metric records on the held-out prompts.',
  }),
] as const satisfies readonly ParamSpec[];

/** The shared run settings, typed: `{ task: 'addition' | …; seed: number; lr: number; … }`. */
export type Settings = ValuesOf<typeof SHARED_PARAMS>;

/** Resolved run settings (see resolveConfig) as the typed record; throws naming a missing or ill-kinded one. */
export function readSettings(values: ParamValues): Settings {
  return readValues(SHARED_PARAMS, values, 'run settings');
}
