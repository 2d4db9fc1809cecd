// Every metric a record carries, declared once: its key (in records, the CLI's JSON lines,
// exports and study caches), how the page labels and groups it, its unit, and where its value
// comes from. evaluate.ts computes the 'evaluation' ones by key, the trainer fills in the
// 'training' ones and asks the method's runtime for the 'method' ones; exports and charts read
// this list. Plain data: no TensorFlow.js here.
// Adding a metric: one entry here and its computation (see CONTRIBUTING.md).

/** Which live chart draws a metric (null: records and exports only). */
export type ChartGroup = 'mm' | 'critic' | 'divergence' | 'score' | 'efficiency' | 'method';

export interface MetricDecl {
  key: string;
  /** A short label for legends and column headers. */
  label: string;
  /** What one unit of the value is ('' for losses, whose scale depends on the method). */
  unit: string;
  /**
   * 'training': the trainer's own bookkeeping (step, losses, speed); 'evaluation': computed by
   * evaluateStudent on the fixed held-out material at each evaluation; 'method': a quantity of
   * one method's own (TAID's t), reported by its runtime, null for every other method.
   */
  source: 'training' | 'evaluation' | 'method';
  /** How it is computed, in a sentence (tooltips, docs). */
  help: string;
  chart: ChartGroup | null;
  /** Line style within its chart (SVG dash array); solid when absent. */
  dash?: string;
}

export const METRICS = [
  { key: 'step', label: 'step', unit: 'steps', source: 'training', chart: null, help: 'Training steps taken when the record was made.' },
  {
    key: 'loss',
    label: 'loss',
    unit: '',
    source: 'training',
    chart: null,
    help: "The student's training loss at its last step (each method's own objective).",
  },
  {
    key: 'criticLoss',
    label: 'critic loss',
    unit: '',
    source: 'training',
    chart: 'critic',
    help: "The loss of AMMD's Q-critics or X-KD's reward head at its last update; null for methods without one.",
  },
  {
    key: 'mmOnCritic',
    label: 'on-policy, critic',
    unit: 'per sequence',
    source: 'evaluation',
    chart: 'mm',
    help: "The trained critics' estimate of the moment gap on the student's own continuations (AMMD only).",
  },
  {
    key: 'mmOffCritic',
    label: 'off-policy, critic',
    unit: 'per sequence',
    source: 'evaluation',
    chart: 'mm',
    dash: '10 3 2 3',
    help: "The trained critics' estimate of the moment gap on the teacher's continuations (AMMD only).",
  },
  {
    key: 'mmOnExact',
    label: 'on-policy, exact',
    unit: 'per sequence',
    source: 'evaluation',
    chart: 'mm',
    dash: '6 4',
    help: "The best bounded critic's moment gap, 2R·Σ_t TVD, on the student's continuations.",
  },
  {
    key: 'mmOffExact',
    label: 'off-policy, exact',
    unit: 'per sequence',
    source: 'evaluation',
    chart: 'mm',
    dash: '2 3',
    help: "The best bounded critic's moment gap, 2R·Σ_t TVD, on the teacher's continuations.",
  },
  {
    key: 'mmOnPenalised',
    label: 'on-policy, best penalised critic',
    unit: 'per sequence',
    source: 'evaluation',
    chart: 'mm',
    dash: '1 2',
    help: "What the best critic of AMMD's penalised objective, clip((p − q)/2c, −R, R), finds on the student's continuations (AMMD only).",
  },
  {
    key: 'mmOffPenalised',
    label: 'off-policy, best penalised critic',
    unit: 'per sequence',
    source: 'evaluation',
    chart: 'mm',
    dash: '4 2 1 2',
    help: "What the best critic of AMMD's penalised objective finds on the teacher's continuations (AMMD only).",
  },
  {
    key: 'criticEffOn',
    label: 'on-policy critic',
    unit: 'ratio',
    source: 'evaluation',
    chart: 'efficiency',
    help: 'Critic efficiency: mmOnCritic over mmOnPenalised, 1 when the critic keeps up (AMMD only; null when the optimum is 0).',
  },
  {
    key: 'criticEffOff',
    label: 'off-policy critic',
    unit: 'ratio',
    source: 'evaluation',
    chart: 'efficiency',
    dash: '6 4',
    help: 'Critic efficiency: mmOffCritic over mmOffPenalised (AMMD only; null when the optimum is 0).',
  },
  {
    key: 'fklTeacher',
    label: 'forward KL, teacher samples',
    unit: 'nats per token',
    source: 'evaluation',
    chart: 'divergence',
    help: "KL(p‖q) per token on the teacher's continuations.",
  },
  {
    key: 'rklStudent',
    label: 'reverse KL, student samples',
    unit: 'nats per token',
    source: 'evaluation',
    chart: 'divergence',
    dash: '6 4',
    help: "KL(q‖p) per token on the student's own continuations.",
  },
  {
    key: 'tvdStudent',
    label: 'TVD, student samples',
    unit: 'per token',
    source: 'evaluation',
    chart: 'divergence',
    dash: '2 3',
    help: "Total variation per token on the student's continuations.",
  },
  {
    key: 'tvdTeacher',
    label: 'TVD, teacher samples',
    unit: 'per token',
    source: 'evaluation',
    chart: 'divergence',
    dash: '10 3 2 3',
    help: "Total variation per token on the teacher's continuations.",
  },
  {
    key: 'score',
    label: 'score',
    unit: 'fraction',
    source: 'evaluation',
    chart: 'score',
    help: "The task's score on held-out prompts: greedy exact match (addition, reverse, instructions) or the grammatical rate of samples (grammar).",
  },
  {
    key: 'partialCredit',
    label: 'partial credit',
    unit: 'fraction',
    source: 'evaluation',
    chart: 'score',
    dash: '6 4',
    help: 'How much of each answer is right, so progress shows before whole answers are: the share of answer positions the greedy answer gets right (addition, reverse, instructions; a missing or extra character is wrong), or the share of a sample before it first leaves the grammar (grammar).',
  },
  {
    key: 'taidT',
    label: 'TAID interpolation t',
    unit: 'fraction',
    source: 'method',
    chart: 'method',
    help: "TAID's interpolation t after the last step: the target softmax((1 − t)·z_q + t·z_p) is the student itself at 0 and the teacher at 1 (TAID only).",
  },
  {
    key: 'skdAcceptance',
    label: 'SKD acceptance rate',
    unit: 'fraction',
    source: 'method',
    chart: 'method',
    dash: '6 4',
    help: "The share of the student's proposed tokens inside the teacher's top K since the previous record; the teacher replaced the rest with its own samples (SKD only).",
  },
  {
    key: 'stepsPerSec',
    label: 'steps/s',
    unit: 'steps/s',
    source: 'training',
    chart: null,
    help: 'Training steps per second since the previous record (evaluations excluded).',
  },
] as const satisfies readonly MetricDecl[];

export type MetricKey = (typeof METRICS)[number]['key'];

/** The metrics computed at an evaluation (evaluate.ts computes exactly these). */
export type EvaluationKey = Extract<(typeof METRICS)[number], { source: 'evaluation' }>['key'];

/** The metrics the trainer fills in itself. */
export type TrainingKey = Extract<(typeof METRICS)[number], { source: 'training' }>['key'];

/** The metrics a method's runtime reports about itself (null for methods that have none). */
export type MethodMetricKey = Extract<(typeof METRICS)[number], { source: 'method' }>['key'];

/** Every key, in record and column order. */
export const METRIC_KEYS: readonly MetricKey[] = METRICS.map((m) => m.key);

export function metricDecl(key: MetricKey): MetricDecl {
  return METRICS.find((m) => m.key === key)!;
}

/** The metrics a chart draws, in order. */
export function chartMetrics(group: ChartGroup): MetricDecl[] {
  return METRICS.filter((m) => m.chart === group);
}
