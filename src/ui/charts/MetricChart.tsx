// One live chart: Recharts with animation off, no dots, every series downsampled, an optional
// reference line, a log-scale toggle and tooltips. Marked with data-testid and, for tests and
// screen readers, how many measured points it holds.
import { memo, useId, useMemo, type ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { mergeRows, type SeriesDef } from './series';
import { withBands, type BandDef } from '../lesson/expectedBands';
import { useStaggered } from './useStaggered';

export interface MetricChartProps {
  testId: string;
  title: string;
  description: string;
  series: SeriesDef[];
  reference?: { y: number; label: string } | null;
  log: boolean;
  onLogChange: (log: boolean) => void;
  /** Shown instead of the plot when nothing can be drawn. */
  emptyMessage?: string | null;
  yDomain?: [number, number];
  /** Draw new data this many animation frames late, so several charts do not update in one task. */
  stagger?: number;
  /** A lesson's expected ranges (mean ± 1 sd over its verification's seeds), drawn under the lines. */
  bands?: BandDef[];
  children?: ReactNode;
}

// Every tick is drawn (interval 0): with the default, Recharts measures each label in the DOM on
// every update to thin out overlapping ones, and five numeric ticks never overlap here.
const TICK = { fontSize: 11 };
const NO_BANDS: BandDef[] = [];
const fmt = (v: unknown) => (typeof v === 'number' ? (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : String(Number(v.toPrecision(4)))) : String(v));

export const MetricChart = memo(function MetricChart({ testId, title, description, series, reference, log, onLogChange, emptyMessage, yDomain, stagger = 0, bands = NO_BANDS, children }: MetricChartProps) {
  const shown = useStaggered(series, stagger);
  const measured = shown.filter((s) => !s.ghost).reduce((n, s) => n + s.raw, 0);
  // For tests: each live series' id with its first and latest value.
  const ends = JSON.stringify(shown.filter((s) => !s.ghost && s.points.length).map((s) => [s.id, s.points[0].y, s.points[s.points.length - 1].y]));
  const logId = useId();
  const titleId = useId();
  return (
    <figure className="chart" data-testid={testId} data-points={measured} data-ends={ends} data-bands={bands.length} data-series={shown.filter((s) => !s.ghost && s.raw > 0).length} aria-labelledby={titleId}>
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
      {emptyMessage ? <div className="chart-empty">{emptyMessage}</div> : <Plot series={shown} reference={reference} log={log} yDomain={yDomain} bands={bands} />}
      {!emptyMessage && <SeriesLegend series={shown} bands={bands} />}
    </figure>
  );
});

/** The Recharts plot alone, so that it re-renders only when what it draws changes. */
const Plot = memo(function Plot({ series, reference, log, yDomain, bands = NO_BANDS }: Pick<MetricChartProps, 'series' | 'reference' | 'log' | 'yDomain' | 'bands'>) {
  const rows = useMemo(() => withBands(mergeRows(series), bands), [series, bands]);
  return (
    <div className="chart-plot">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e6e3dc" strokeDasharray="2 4" />
          <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tick={TICK} tickFormatter={fmt} interval={0} />
          <YAxis
            scale={log ? 'log' : 'linear'}
            domain={log ? ['auto', 'auto'] : (yDomain ?? ['auto', 'auto'])}
            allowDataOverflow={log}
            tick={TICK}
            tickFormatter={fmt}
            interval={0}
            width={52}
          />
          <Tooltip isAnimationActive={false} formatter={(v) => fmt(v)} labelFormatter={(x) => `step ${x}`} contentStyle={{ fontSize: 12 }} />
          {reference && <ReferenceLine y={reference.y} stroke="#555" strokeDasharray="4 4" label={{ value: reference.label, position: 'insideTopRight', fontSize: 11, fill: '#555' }} ifOverflow="extendDomain" />}
          {bands.map((b) => (
            <Area
              key={b.id}
              dataKey={b.id}
              name={b.label}
              type="linear"
              fill={b.color}
              fillOpacity={0.16}
              stroke={b.color}
              strokeOpacity={0.35}
              strokeDasharray="3 3"
              isAnimationActive={false}
              connectNulls
              activeDot={false}
              className="expected-band"
            />
          ))}
          {series.map((s) => (
            <Line
              key={s.id}
              dataKey={s.id}
              name={s.label}
              type="linear"
              stroke={s.color}
              strokeDasharray={s.dash}
              strokeWidth={s.ghost ? 1.25 : 2}
              strokeOpacity={s.ghost ? 0.45 : 1}
              dot={false}
              activeDot={s.ghost ? false : { r: 3 }}
              isAnimationActive={false}
              connectNulls
              className={s.ghost ? 'ghost-series' : `lane-series lane-${s.lane}`}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
});

/**
 * The legend in plain HTML: Recharts' own measures itself in the DOM and lays the chart out a
 * second time on every data update, which doubled the cost of a redraw.
 */
const SeriesLegend = memo(function SeriesLegend({ series, bands }: { series: SeriesDef[]; bands: BandDef[] }) {
  const items = series.filter((s) => !s.ghost);
  return (
    <ul className="chart-legend">
      {bands.map((b) => (
        <li key={b.id} data-testid="expected-band">
          <svg width="18" height="10" aria-hidden="true">
            <rect x="0" y="1" width="18" height="8" fill={b.color} fillOpacity="0.25" />
          </svg>
          {b.label}
        </li>
      ))}
      {items.map((s) => (
        <li key={s.id}>
          <svg width="18" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="18" y2="4" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash} />
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
});
