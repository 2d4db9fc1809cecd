// One evaluation's numbers: the keys the CLI writes, the charts draw and exports carry.
// A key is null where the method has no such quantity. Plain data: no TensorFlow.js here.

export const METRIC_KEYS = [
  'step',
  'loss',
  'criticLoss',
  'mmOnCritic',
  'mmOffCritic',
  'mmOnExact',
  'mmOffExact',
  'mmOnPenalised',
  'mmOffPenalised',
  'criticEffOn',
  'criticEffOff',
  'fklTeacher',
  'rklStudent',
  'tvdStudent',
  'tvdTeacher',
  'score',
  'stepsPerSec',
] as const;

export type MetricKey = (typeof METRIC_KEYS)[number];

export type MetricRecord = Record<MetricKey, number | null> & {
  step: number;
  /** Method-specific extras, e.g. DistiLLM's threshold `phi` and `bufferFill`, ROUGE-L. */
  extras?: Record<string, number>;
};
