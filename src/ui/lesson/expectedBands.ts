// A lesson's expected band on the live charts: mean ± 1 sd over the verification's seeds, per
// student, of the metric the lesson checks, taken from public/lessons/<id>.json. Plain data.
import { METRICS } from '../../engine/metrics/catalog';
import type { LessonReference } from '../../state/lessons';
import { laneLabel } from '../../state/config';
import { resolveSpec } from '../../shared/runSpec';

export interface BandDef {
  id: string;
  label: string;
  color: string;
  lane: number;
  points: Array<{ x: number; lo: number; hi: number }>;
  /** Drawn fainter and without an outline (the score's sampling band, not a lesson's). */
  faint?: boolean;
}

/** Which live chart draws a metric (the charts' data-testid), from the metric catalog. */
export function chartFor(metric: string): string {
  const group = METRICS.find((m) => m.key === metric)?.chart;
  return group ? `chart-${group}` : 'chart-divergence';
}

export const BAND_LABEL = (seeds: number) => `expected, ${seeds} seeds`;

/** One band per student of the lesson's checked metric; `log` drops points a log axis cannot show. */
export function expectedBands(ref: LessonReference, colors: readonly string[], log = false): BandDef[] {
  const metric = ref.effect.metric;
  // Each student named as the page names it now, not by the label the check was written with.
  const checked = resolveSpec(ref.spec).spec;
  const name = (lane: number, written: string) => (lane < checked.lanes.length ? laneLabel(checked, lane) : written);
  return ref.trajectories.flatMap((t) => {
    const m = t.metrics[metric];
    if (!m) return [];
    const points: BandDef['points'] = [];
    t.steps.forEach((x, i) => {
      const mean = m.mean[i];
      const sd = m.sd[i] ?? 0;
      if (mean === null || !Number.isFinite(mean)) return;
      const lo = mean - sd;
      if (log && lo <= 0) return;
      points.push({ x, lo, hi: mean + sd });
    });
    return points.length
      ? [{ id: `band_${t.lane}`, label: `${BAND_LABEL(ref.seeds.length)}: ${name(t.lane, t.label)}`, color: colors[t.lane] ?? '#888', lane: t.lane, points }]
      : [];
  });
}

/** The value of `metric` in this run's record at `step`, or null when not recorded (yet). */
export function valueAtStep(records: ReadonlyArray<Record<string, unknown>>, metric: string, step: number): number | null {
  const r = records.find((x) => x.step === step);
  if (!r) return null;
  const v = r[metric] ?? (r.extras as Record<string, unknown> | undefined)?.[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Chart rows with each band's [lo, hi] at its steps (Recharts draws an array value as a range). */
export function withBands<R extends Record<string, unknown>>(rows: R[], bands: readonly BandDef[]): Array<Record<string, unknown>> {
  if (!bands.length) return rows;
  const byX = new Map<number, Record<string, unknown>>(rows.map((r) => [r.x as number, { ...r }]));
  for (const b of bands) {
    for (const p of b.points) {
      let row = byX.get(p.x);
      if (!row) byX.set(p.x, (row = { x: p.x }));
      row[b.id] = [p.lo, p.hi];
    }
  }
  return [...byX.values()].sort((a, b) => (a.x as number) - (b.x as number));
}
