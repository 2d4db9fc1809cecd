// One live chart: a titled figure with axis titles and units, a log-scale toggle, a grouped
// legend, a note when a log axis cannot show some values, marks where a live setting changed or
// the run restarted, and a text alternative (the latest values) for screen readers. The plot is
// uPlot on a canvas (see Plot.tsx): a live update redraws it in a few milliseconds.
import { memo, useId, useMemo, type ReactNode } from 'react';
import { align, latest, type SeriesDef } from './series';
import { valueLabel } from './axes';
import { useStaggered } from './useStaggered';
import { Plot, type PlotMark } from './Plot';
import { SeriesLegend } from './SeriesLegend';
import type { BandDef } from '../lesson/expectedBands';

export interface MetricChartProps {
  testId: string;
  title: string;
  description: string;
  /** Axis titles, with units. */
  yLabel: string;
  rightLabel?: string;
  series: SeriesDef[];
  reference?: { y: number; label: string } | null;
  marks?: readonly PlotMark[];
  log: boolean;
  onLogChange: (log: boolean) => void;
  /** Shown instead of the plot when nothing can be drawn. */
  emptyMessage?: string | null;
  yDomain?: [number, number];
  /** Draw new data this many animation frames late, so several charts do not update in one task. */
  stagger?: number;
  /** A lesson's expected ranges (mean ± 1 sd over its verification's seeds), drawn under the lines. */
  bands?: BandDef[];
  /** The x axis spans at least 0…xMax (an open lesson's checkpoint). */
  xMax?: number | null;
  children?: ReactNode;
}

const NO_BANDS: BandDef[] = [];
const NO_MARKS: readonly PlotMark[] = [];

export const MetricChart = memo(function MetricChart({
  testId,
  title,
  description,
  yLabel,
  rightLabel,
  series,
  reference,
  marks = NO_MARKS,
  log,
  onLogChange,
  emptyMessage,
  yDomain,
  stagger = 0,
  bands = NO_BANDS,
  xMax = null,
  children,
}: MetricChartProps) {
  const shown = useStaggered(series, stagger);
  const aligned = useMemo(() => align(shown, log, bands), [shown, log, bands]);
  const measured = shown.filter((s) => !s.ghost);
  const points = measured.reduce((n, s) => n + s.raw, 0);
  // The colours of the students' lines this chart draws (a series may not have a point yet).
  const strokes = [...new Set(measured.map((s) => s.color))].sort();
  // For tests: each live series' id with its first and latest value.
  const ends = JSON.stringify(measured.filter((s) => s.points.length).map((s) => [s.id, s.points[0].y, s.points[s.points.length - 1].y]));
  const logId = useId();
  const titleId = useId();
  const altId = useId();
  const now = latest(shown);
  const alt = now.length
    ? `Latest values${now.every((p) => p.x === now[0].x) ? ` at step ${now[0].x}` : ''}: ${now.map((p) => `${p.label} ${valueLabel(p.y)}${now.every((q) => q.x === now[0].x) ? '' : ` (step ${p.x})`}`).join('; ')}.`
    : 'No values yet.';
  return (
    <figure
      className="chart"
      data-testid={testId}
      data-points={points}
      data-ends={ends}
      data-series={measured.filter((s) => s.raw > 0).length}
      data-strokes={strokes.join(',')}
      data-ghosts={shown.filter((s) => s.ghost && s.raw > 0).length}
      data-marks={marks.length}
      data-bands={bands.filter((b) => !b.faint).length}
      data-sampling-bands={bands.filter((b) => b.faint).length}
      aria-labelledby={titleId}
      aria-describedby={altId}
    >
      <figcaption>
        <span className="chart-title" id={titleId} title={description}>
          {title}
        </span>
        <span className="chart-tools">
          {children}
          <label htmlFor={logId} className="log-toggle" title="Logarithmic y axis">
            <input id={logId} type="checkbox" checked={log} onChange={(e) => onLogChange(e.target.checked)} /> log
          </label>
        </span>
      </figcaption>
      <p className="chart-desc">{description}</p>
      {emptyMessage ? (
        <div className="chart-empty">{emptyMessage}</div>
      ) : (
        <Plot
          series={shown}
          bands={bands}
          data={aligned.data}
          gaps={aligned.gaps}
          log={log}
          yDomain={yDomain}
          yLabel={yLabel}
          rightLabel={rightLabel}
          reference={reference ?? null}
          marks={marks}
          xMax={xMax}
        />
      )}
      {!emptyMessage && aligned.gaps.length > 0 && (
        <p className="chart-note" data-testid={`${testId}-log-gaps`}>
          Log scale: {aligned.gaps.map((g) => `${g.count} value${g.count > 1 ? 's' : ''} ≤ 0 of ${g.label}`).join('; ')} cannot be drawn and show as gaps in the
          shaded bands. Untick “log” to see them.
        </p>
      )}
      {!emptyMessage && <SeriesLegend series={shown} bands={bands} />}
      <p className="sr-only" id={altId} data-testid={`${testId}-alt`}>
        {description} {alt}
      </p>
    </figure>
  );
});
