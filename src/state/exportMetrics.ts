// Metric history as CSV (one row per student and evaluation) and JSON (configuration and records).
import { METRIC_KEYS, type MetricRecord } from '../engine/metrics/record';
import type { RunSpec } from '../shared/runSpec';

const cell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function metricsCsv(spec: RunSpec, records: MetricRecord[][], labels: string[]): string {
  const extras = [...new Set(records.flat().flatMap((r) => Object.keys(r.extras ?? {})))].sort();
  const header = ['student', 'label', 'method', ...METRIC_KEYS, ...extras];
  const rows = records.flatMap((lane, i) =>
    lane.map((r) => [i + 1, labels[i], spec.lanes[i]?.method, ...METRIC_KEYS.map((k) => r[k]), ...extras.map((k) => r.extras?.[k])].map(cell).join(',')),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

export function metricsJson(spec: RunSpec, records: MetricRecord[][], labels: string[], url: string): string {
  return JSON.stringify(
    {
      exportedBy: 'alembic',
      link: url,
      settings: spec.settings,
      students: spec.lanes.map((l, i) => ({ label: labels[i], method: l.method, hyper: l.hyper, records: records[i] ?? [] })),
    },
    null,
    1,
  );
}
