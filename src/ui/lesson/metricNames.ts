// How the lesson panel names a metric and the chart it is drawn on.
import { chartFor } from './expectedBands';

const METRIC_NAMES: Record<string, string> = {
  fklTeacher: 'forward KL on the teacher’s samples',
  rklStudent: 'reverse KL on the student’s own samples',
  tvdStudent: 'TVD on the student’s own samples',
  tvdTeacher: 'TVD on the teacher’s samples',
  mmOnCritic: 'on-policy critic estimate of the moment-matching distance',
  mmOffCritic: 'off-policy critic estimate of the moment-matching distance',
  mmOnExact: 'exact on-policy moment-matching distance',
  mmOffExact: 'exact off-policy moment-matching distance',
  criticLoss: 'critic loss',
  score: 'task score',
  partialCredit: 'partial credit',
};

const CHART_NAMES: Record<string, string> = {
  'chart-mm': 'Moment-matching distance',
  'chart-critic': 'Critic loss',
  'chart-divergence': 'Divergence from the teacher',
  'chart-score': 'Task score',
};

export const metricName = (metric: string) => METRIC_NAMES[metric] ?? metric;
export const chartName = (metric: string) => CHART_NAMES[chartFor(metric)];
