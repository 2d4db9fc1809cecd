// Turning metric records into chart series: one per (student, metric), nulls and non-finite
// values dropped, each downsampled with LTTB, then merged into rows keyed by step for Recharts.
import type { MetricKey, MetricRecord } from '../../engine/metrics/record';
import { lttb, type Point } from './lttb';

/** Points per series after downsampling: enough for a smooth line, cheap for SVG. */
export const MAX_POINTS = 300;

export interface SeriesDef {
  id: string;
  label: string;
  color: string;
  dash?: string;
  ghost?: boolean;
  lane: number;
  /** Raw point count before downsampling (what the run has measured). */
  raw: number;
  points: Point[];
}

export function metricPoints(records: readonly MetricRecord[], key: MetricKey, positiveOnly = false): Point[] {
  const out: Point[] = [];
  for (const r of records) {
    const y = r[key];
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    if (positiveOnly && y <= 0) continue;
    out.push({ x: r.step, y });
  }
  return out;
}

export function series(def: Omit<SeriesDef, 'points' | 'raw'>, points: Point[]): SeriesDef {
  return { ...def, raw: points.length, points: lttb(points, MAX_POINTS) };
}

/** Rows {x, [series id]: y} sorted by x; a series without a point at x leaves it undefined. */
export function mergeRows(defs: readonly SeriesDef[]): Array<Record<string, number>> {
  const rows = new Map<number, Record<string, number>>();
  for (const d of defs) {
    for (const p of d.points) {
      let row = rows.get(p.x);
      if (!row) rows.set(p.x, (row = { x: p.x }));
      row[d.id] = p.y;
    }
  }
  return [...rows.values()].sort((a, b) => a.x - b.x);
}
