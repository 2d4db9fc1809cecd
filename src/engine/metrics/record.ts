// One evaluation's numbers: a value (or null where the method has no such quantity) for every
// metric of the catalog, plus extras. Plain data: no TensorFlow.js here.
import type { MetricKey } from './catalog';

export { METRIC_KEYS, type MetricKey } from './catalog';

export type MetricRecord = Record<MetricKey, number | null> & {
  step: number;
  /** Method-specific extras, e.g. DistiLLM's threshold `phi` and `bufferFill`, ROUGE-L. */
  extras?: Record<string, number>;
};
