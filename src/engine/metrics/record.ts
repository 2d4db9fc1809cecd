// One evaluation's numbers: a value (or null where the method has no such quantity) for every
// metric of the catalog, plus extras. Plain data: no TensorFlow.js here.
import { METRICS, type EvaluationKey, type MethodMetricKey, type MetricKey, type TrainingKey } from './catalog';

export { METRIC_KEYS, type MetricKey } from './catalog';

export type MetricRecord = Record<MetricKey, number | null> & {
  step: number;
  /** Method-specific extras, e.g. DistiLLM's threshold `phi` and `bufferFill`, ROUGE-L. */
  extras?: Record<string, number>;
};

/**
 * A record in catalog order (so records, JSON lines and exports list the metrics the same way).
 * A method metric the runtime did not report is null.
 */
export function assembleRecord(
  evaluation: Record<EvaluationKey, number | null>,
  training: Record<TrainingKey, number | null>,
  extras: Record<string, number>,
  method: Partial<Record<MethodMetricKey, number>> = {},
): MetricRecord {
  const value = (d: (typeof METRICS)[number]) =>
    d.source === 'training' ? training[d.key] : d.source === 'method' ? (method[d.key] ?? null) : evaluation[d.key];
  const record = Object.fromEntries(METRICS.map((d) => [d.key, value(d)])) as unknown as MetricRecord;
  record.extras = extras;
  return record;
}
