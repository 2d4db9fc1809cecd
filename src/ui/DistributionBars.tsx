// Next-token distributions as horizontal bars, drawn with Recharts (the page's charts that do
// not stream; the live lines are uPlot's): one row per token, one bar per distribution (teacher
// p, student q, the student before and after a step), on a 0–100 % axis, each labelled with its
// percentage. A visually hidden table carries the same numbers for screen readers.
import { memo, useContext } from 'react';
import { Bar, BarChart, LabelList, XAxis, YAxis } from 'recharts';
import { ChartTextContext } from './charts/chartText';

/** The distributions' colours, as in the legend swatches (styles.css .sw). */
export const DIST_COLORS = { teacher: '#4b5563', student: '#e8590c', studentBefore: '#f4b48c' } as const;

export interface DistributionSeries {
  name: string;
  color: string;
}

export interface DistributionRow {
  token: string;
  /** The token actually sampled or scored at this position (drawn bold). */
  chosen?: boolean;
  /** One probability per series. */
  values: number[];
}

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

export const DistributionBars = memo(function DistributionBars({
  rows,
  series,
  label,
  rowHeader = 'token',
}: {
  rows: DistributionRow[];
  series: DistributionSeries[];
  label: string;
  /** What a row is, for the screen-reader table's header (a token, a skill). */
  rowHeader?: string;
}) {
  const px = useContext(ChartTextContext);
  const data = rows.map((r) => ({ token: r.token, chosen: r.chosen ?? false, ...Object.fromEntries(r.values.map((v, i) => [`v${i}`, v])) }));
  const bar = Math.max(5, Math.round(px * 0.6));
  const height = rows.length * (series.length * (bar + 2) + 8) + 10;
  return (
    <div className="dist-chart">
      <BarChart
        responsive
        layout="vertical"
        data={data}
        style={{ width: '100%', height }}
        margin={{ top: 4, right: 4 * px, bottom: 4, left: 0 }}
        barGap={2}
        barCategoryGap={6}
        accessibilityLayer={false}
        aria-hidden="true"
      >
        <XAxis type="number" domain={[0, 1]} hide />
        <YAxis
          type="category"
          dataKey="token"
          width={3 * px}
          axisLine={false}
          tickLine={false}
          interval={0}
          tick={({ x, y, payload, index }: { x: number | string; y: number | string; payload: { value: string }; index: number }) => (
            <text x={Number(x) - 4} y={Number(y)} dy="0.35em" textAnchor="end" fontSize={px} fontWeight={data[index]?.chosen ? 700 : 400} fill="#1d2330">
              {payload.value}
            </text>
          )}
        />
        {series.map((s, i) => (
          <Bar key={s.name} dataKey={`v${i}`} name={s.name} fill={s.color} barSize={bar} isAnimationActive={false} minPointSize={1}>
            <LabelList dataKey={`v${i}`} position="right" formatter={(v: unknown) => pct(Number(v))} fontSize={Math.max(10, px - 2)} fill="#3d4452" />
          </Bar>
        ))}
      </BarChart>
      <table className="sr-only" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{rowHeader}</th>
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className="dist-row">
              <th scope="row">
                {r.token}
                {r.chosen ? ' (chosen)' : ''}
              </th>
              {r.values.map((v, k) => (
                <td key={k}>{(v * 100).toFixed(1)}%</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
