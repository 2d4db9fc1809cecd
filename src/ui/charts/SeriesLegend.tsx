// The legend, grouped: colour says which student, line style which metric, grey which earlier
// run. A race of three students with four metrics is 3 + 4 entries, not 12.
import { memo } from 'react';
import type { SeriesDef } from './series';
import type { BandDef } from '../lesson/expectedBands';

const NEUTRAL = '#3d4452';
const GHOST = '#8c8f96';

function Swatch({ color, dash, faint }: { color: string; dash?: number[]; faint?: boolean }) {
  return (
    <svg width="22" height="8" aria-hidden="true">
      <line x1="0" y1="4" x2="22" y2="4" stroke={color} strokeWidth="2" strokeDasharray={dash?.join(' ')} strokeOpacity={faint ? 0.6 : 1} />
    </svg>
  );
}

function unique<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

export const SeriesLegend = memo(function SeriesLegend({ series, bands = [] }: { series: SeriesDef[]; bands?: BandDef[] }) {
  const live = series.filter((s) => !s.ghost);
  const students = unique(live, (s) => String(s.lane));
  const metrics = unique(live, (s) => s.metric);
  const ghosts = unique(
    series.filter((s) => s.ghost && s.raw > 0),
    (s) => s.group,
  );
  const byMetric = metrics.length > 1;
  const byStudent = students.length > 1 || !byMetric;
  return (
    <ul className="chart-legend" aria-label="Legend">
      {/* Bands of one label (the sampling band of every student) share a row. */}
      {unique(bands, (b) => b.label).map((b) => (
        <li key={b.id} data-testid={b.faint ? 'sampling-band' : 'expected-band'}>
          <svg width="18" height="10" aria-hidden="true">
            <rect x="0" y="1" width="18" height="8" fill={b.faint && students.length > 1 ? NEUTRAL : b.color} fillOpacity={b.faint ? 0.18 : 0.25} />
          </svg>
          {b.label}
        </li>
      ))}
      {byStudent &&
        students.map((s) => (
          <li key={`lane${s.lane}`} className="legend-student">
            <Swatch color={s.color} />
            {s.group}
          </li>
        ))}
      {byMetric &&
        metrics.map((s) => (
          <li key={`m${s.metric}`} className="legend-metric">
            <Swatch color={students.length > 1 ? NEUTRAL : s.color} dash={s.dash} />
            {s.metricLabel}
            {s.right ? ' (right axis)' : ''}
          </li>
        ))}
      {ghosts.map((s) => (
        <li key={`g${s.group}`} className="legend-ghost" data-testid="legend-ghost">
          <Swatch color={GHOST} faint />
          {s.group}
        </li>
      ))}
    </ul>
  );
});
