// The run settings every method shares. Plain data: no TensorFlow.js here.
import type { ChoiceParam, ParamSpec } from './params';

export const TASK_PARAM: ChoiceParam = {
  id: 'task',
  label: 'Task',
  kind: 'choice',
  default: 'addition',
  choices: [
    { value: 'addition', label: 'Addition (exact match)' },
    { value: 'reverse', label: 'Reverse (exact match, ROUGE-L)' },
    { value: 'grammar', label: 'Grammar (grammatical rate)' },
  ],
  apply: 'restart',
  help: 'What the teacher knows and the student learns.',
};

export const SHARED_PARAMS: readonly ParamSpec[] = [
  TASK_PARAM,
  { id: 'seed', label: 'Seed', kind: 'number', default: 1, min: 0, max: 999999, step: 1, scale: 'linear', apply: 'restart', help: 'Same seed, same settings: the same run, on every backend.' },
  { id: 'studentWidth', label: 'Student width', kind: 'number', default: 32, min: 8, max: 128, step: 8, scale: 'linear', apply: 'restart', help: 'Model dimension d of the student transformer.' },
  { id: 'studentLayers', label: 'Student layers', kind: 'number', default: 1, min: 1, max: 4, step: 1, scale: 'linear', apply: 'restart', help: 'Transformer blocks in the student.' },
  { id: 'studentHeads', label: 'Student heads', kind: 'number', default: 2, min: 1, max: 8, step: 1, scale: 'linear', apply: 'restart', help: 'Attention heads per block; must divide the width.' },
  {
    id: 'studentInit',
    label: 'Student start',
    kind: 'choice',
    default: 'sft',
    choices: [
      { value: 'sft', label: 'warm (shipped SFT student)' },
      { value: 'scratch', label: 'from scratch (random weights)' },
    ],
    apply: 'restart',
    help: 'As in the papers, the student starts from a checkpoint fine-tuned on the task and partly right; a size without a shipped checkpoint starts from random weights. Scratch: random weights from the seed.',
  },
  { id: 'batchSize', label: 'Batch size', kind: 'number', default: 32, min: 4, max: 128, step: 4, scale: 'linear', apply: 'restart', help: 'Sequences per training step (fixed shapes keep the GPU buffer pool small).' },
  { id: 'lr', label: 'Learning rate', kind: 'number', default: 0.003, min: 0.00001, max: 0.05, step: 0.00001, scale: 'log', apply: 'live', help: "The student's Adam learning rate." },
  {
    id: 'lrWarmup',
    label: 'Learning-rate warm-up',
    kind: 'number',
    default: 20,
    min: 0,
    max: 1000,
    step: 1,
    scale: 'linear',
    unit: 'steps',
    apply: 'live',
    help: 'The learning rate rises linearly to its value over these first steps. Adam’s first update moves every weight by about the full learning rate, which would knock a warm student off what it knows. 0: no warm-up.',
  },
  { id: 'steps', label: 'Planned steps', kind: 'number', default: 2000, min: 10, max: 100000, step: 10, scale: 'log', apply: 'live', help: 'Length of the run, for schedules such as DistiLLM’s; play continues past it.' },
  { id: 'evalEvery', label: 'Evaluate every', kind: 'number', default: 25, min: 1, max: 1000, step: 1, scale: 'log', unit: 'steps', apply: 'live', help: 'Steps between metric records on the held-out prompts.' },
];
