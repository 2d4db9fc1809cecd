// Metric history as CSV (one row per student and evaluation) and JSON (configuration and records).
import { METRIC_KEYS, type MetricRecord } from '../engine/metrics/record';
import type { RunSpec } from '../shared/runSpec';
import type { StudentStart } from '../engine/model/shippedStudents';

const cell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** `starts`: how each student began (sft or scratch), as the worker reported; '' if unknown. */
export function metricsCsv(spec: RunSpec, records: MetricRecord[][], labels: string[], starts: readonly StudentStart[] = []): string {
  const extras = [...new Set(records.flat().flatMap((r) => Object.keys(r.extras ?? {})))].sort();
  const header = ['student', 'label', 'method', ...METRIC_KEYS, ...extras, 'studentStart'];
  const rows = records.flatMap((lane, i) =>
    lane.map((r) =>
      [i + 1, labels[i], spec.lanes[i]?.method, ...METRIC_KEYS.map((k) => r[k]), ...extras.map((k) => r.extras?.[k]), starts[i]].map(cell).join(','),
    ),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

export function metricsJson(spec: RunSpec, records: MetricRecord[][], labels: string[], url: string, starts: readonly StudentStart[] = []): string {
  return JSON.stringify(
    {
      exportedBy: 'alembic',
      link: url,
      settings: spec.settings,
      students: spec.lanes.map((l, i) => ({ label: labels[i], method: l.method, hyper: l.hyper, studentStart: starts[i] ?? null, records: records[i] ?? [] })),
    },
    null,
    1,
  );
}
