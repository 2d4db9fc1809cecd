// Turning metric records into chart series: one per (student, metric), nulls and non-finite
// values dropped, each downsampled with LTTB, then aligned on one x array for the plot. On a log
// axis a value ≤ 0 cannot be drawn: it becomes an explicit gap (null) and is counted, so the
// chart can say so instead of dropping it silently.
import type { MetricKey, MetricRecord } from '../../engine/metrics/record';
import { lttb, type Point } from './lttb';

/** Points per series after downsampling: enough for a smooth line, cheap to draw. */
export const MAX_POINTS = 300;

export interface SeriesDef {
  id: string;
  label: string;
  color: string;
  /** Canvas dash pattern in px, e.g. [6, 4]; none for a solid line. */
  dash?: number[];
  ghost?: boolean;
  lane: number;
  /** Who drew it: the student's name, or the ghost's "previous run: …" label. */
  group: string;
  /** The metric drawn and its name (one legend entry per metric style). */
  metric: string;
  metricLabel: string;
  /** The right-hand axis (critic estimates beside exact values). */
  right?: boolean;
  /** Raw point count before downsampling (what the run has measured). */
  raw: number;
  points: Point[];
}

export function metricPoints(records: readonly MetricRecord[], key: MetricKey): Point[] {
  const out: Point[] = [];
  for (const r of records) {
    const y = r[key];
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    out.push({ x: r.step, y });
  }
  return out;
}

export function series(def: Omit<SeriesDef, 'points' | 'raw'>, points: Point[]): SeriesDef {
  return { ...def, raw: points.length, points: lttb(points, MAX_POINTS) };
}

/** Where a series had values a log axis cannot show. */
export interface LogGap {
  id: string;
  label: string;
  count: number;
  /** Step ranges [from, to] of consecutive non-positive values. */
  ranges: Array<[number, number]>;
}

export interface Aligned {
  /** [xs, ...one array per series]; undefined: no point there (joined over), null: a gap. */
  data: [number[], ...Array<Array<number | null | undefined>>];
  gaps: LogGap[];
}

/** A range per step drawn under the lines (a lesson's expected band). */
export interface RangeBand {
  points: ReadonlyArray<{ x: number; lo: number; hi: number }>;
}

/**
 * One x array (every step any series or band has) and each series' y at it; then, per band,
 * its lo and hi columns (so the axes take them into their range).
 */
export function align(defs: readonly SeriesDef[], log: boolean, bands: readonly RangeBand[] = []): Aligned {
  const xs = [...new Set([...defs.flatMap((d) => d.points.map((p) => p.x)), ...bands.flatMap((b) => b.points.map((p) => p.x))])].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const gaps: LogGap[] = [];
  const ys = defs.map((d) => {
    const col: Array<number | null | undefined> = new Array(xs.length).fill(undefined);
    let gap: LogGap | null = null;
    let open = false;
    for (const p of d.points) {
      const bad = log && p.y <= 0;
      col[index.get(p.x)!] = bad ? null : p.y;
      if (bad) {
        gap ??= { id: d.id, label: d.label, count: 0, ranges: [] };
        gap.count++;
        if (open) gap.ranges[gap.ranges.length - 1][1] = p.x;
        else gap.ranges.push([p.x, p.x]);
      }
      open = bad;
    }
    if (gap && !d.ghost) gaps.push(gap);
    return col;
  });
  for (const b of bands) {
    const lo: Array<number | undefined> = new Array(xs.length).fill(undefined);
    const hi = lo.slice();
    for (const p of b.points) {
      lo[index.get(p.x)!] = p.lo;
      hi[index.get(p.x)!] = p.hi;
    }
    ys.push(lo, hi);
  }
  return { data: [xs, ...ys], gaps };
}

/** The latest measured value of each series, for the chart's text alternative. */
export function latest(defs: readonly SeriesDef[]): Array<{ label: string; x: number; y: number }> {
  return defs.filter((d) => !d.ghost && d.points.length).map((d) => ({ label: d.label, ...d.points[d.points.length - 1] }));
}
