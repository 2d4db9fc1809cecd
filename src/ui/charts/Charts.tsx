// The four live charts, each series coloured by student (the same colour everywhere) and
// styled by metric; earlier runs are drawn as faint grey ghosts.
import { memo, useMemo, useState } from 'react';
import type { MetricKey, MetricRecord } from '../../engine/metrics/record';
import { chartMetrics, type MetricDecl } from '../../engine/metrics/catalog';
import { getMethod, isMethodId } from '../../engine/methods/declarations';
import type { RunSpec } from '../../shared/runSpec';
import type { Ghost } from '../../state/runs';
import { LANE_COLORS, laneLabel } from '../../state/config';
import { MetricChart } from './MetricChart';
import { metricPoints, series, type SeriesDef } from './series';
import { chartFor, expectedBands } from '../lesson/expectedBands';
import type { LessonReference } from '../../state/lessons';

const GHOST_COLOR = '#8c8f96';
const UNIT_DOMAIN: [number, number] = [0, 1];

type KeyStyle = Pick<MetricDecl, 'label' | 'dash'> & { key: MetricKey };

// Each chart's metrics and their labels and line styles come from the metric catalog.
const MM_KEYS = chartMetrics('mm') as KeyStyle[];
/** Without critics (every method but AMMD) only the exact best-critic distances exist. */
const MM_EXACT_KEYS = MM_KEYS.filter((k) => k.key.endsWith('Exact'));
const CRITIC_KEYS = chartMetrics('critic') as KeyStyle[];
const EFF_KEYS = chartMetrics('efficiency') as KeyStyle[];
const DIV_KEYS = chartMetrics('divergence') as Array<KeyStyle & { help: string }>;
const SCORE_KEYS = chartMetrics('score') as KeyStyle[];

function build(spec: RunSpec, records: MetricRecord[][], ghosts: Ghost[], keys: KeyStyle[], log: boolean, lanes?: (lane: number) => boolean): SeriesDef[] {
  const out: SeriesDef[] = [];
  for (const g of ghosts) {
    g.records.forEach((recs, lane) => {
      for (const k of keys) {
        const pts = metricPoints(recs, k.key, log);
        if (pts.length) out.push(series({ id: `g${g.id}_${lane}_${k.key}`, label: `${g.label} ${k.label}`, color: GHOST_COLOR, dash: k.dash, ghost: true, lane }, pts));
      }
    });
  }
  const several = spec.lanes.length > 1;
  records.forEach((recs, lane) => {
    if (lanes && !lanes(lane)) return;
    const name = laneLabel(spec, lane);
    for (const k of keys) {
      const pts = metricPoints(recs, k.key, log);
      out.push(series({ id: `s${lane}_${k.key}`, label: keys.length > 1 ? (several ? `${name}: ${k.label}` : k.label) : name, color: LANE_COLORS[lane], dash: k.dash, lane }, pts));
    }
  });
  return out;
}

const hasCritic = (method: string) => isMethodId(method) && getMethod(method).has.criticLoss;
const hasEstimates = (method: string) => isMethodId(method) && getMethod(method).has.criticEstimates;

interface ChartsProps {
  spec: RunSpec;
  records: MetricRecord[][];
  ghosts: Ghost[];
  teacherScore: number | null;
  /** The open lesson's reference: its expected band goes on the chart of its metric. */
  expected?: LessonReference | null;
}

export const Charts = memo(function Charts({ spec, records, ghosts, teacherScore, expected = null }: ChartsProps) {
  const [log, setLog] = useState<Record<string, boolean>>({ mm: false, critic: false, divergence: true, score: false, efficiency: false });
  const [divKeys, setDivKeys] = useState<MetricKey[]>(['fklTeacher', 'rklStudent']);
  const setLogFor = (id: string) => (v: boolean) => setLog((l) => ({ ...l, [id]: v }));

  // Critic estimates exist only for AMMD; the exact best-critic values for every method.
  const mmKeys = spec.lanes.some((l) => hasEstimates(l.method)) ? MM_KEYS : MM_EXACT_KEYS;
  const mm = useMemo(() => build(spec, records, ghosts, mmKeys, log.mm), [spec, records, ghosts, mmKeys, log.mm]);
  const criticLanes = spec.lanes.map((l) => hasCritic(l.method));
  // Keyed on which lanes have a critic (a string), not on the array rebuilt every render.
  const criticKey = criticLanes.join();
  const critic = useMemo(
    () => build(spec, records, ghosts, CRITIC_KEYS, log.critic, (lane) => criticKey.split(',')[lane] === 'true'),
    [spec, records, ghosts, log.critic, criticKey],
  );
  // The lesson's divergence is drawn even if its box was unticked.
  const lessonKey = expected && chartFor(expected.effect.metric) === 'chart-divergence' ? expected.effect.metric : null;
  const divergence = useMemo(
    () => build(spec, records, ghosts, DIV_KEYS.filter((k) => divKeys.includes(k.key) || k.key === lessonKey), log.divergence),
    [spec, records, ghosts, divKeys, log.divergence, lessonKey],
  );
  const bands = useMemo(() => {
    const on = (chart: string, isLog: boolean) => (expected && chartFor(expected.effect.metric) === chart ? expectedBands(expected, LANE_COLORS, isLog) : undefined);
    return { mm: on('chart-mm', log.mm), critic: on('chart-critic', log.critic), divergence: on('chart-divergence', log.divergence), score: on('chart-score', log.score) };
  }, [expected, log.mm, log.critic, log.divergence, log.score]);
  const score = useMemo(() => build(spec, records, ghosts, SCORE_KEYS, log.score), [spec, records, ghosts, log.score]);
  const estimateLanes = spec.lanes.map((l) => hasEstimates(l.method));
  const estimateKey = estimateLanes.join();
  const efficiency = useMemo(
    () => build(spec, records, ghosts, EFF_KEYS, log.efficiency, (lane) => estimateKey.split(',')[lane] === 'true'),
    [spec, records, ghosts, log.efficiency, estimateKey],
  );

  const noCritic = criticLanes.some(Boolean)
    ? null
    : `${[...new Set(spec.lanes.map((l) => (isMethodId(l.method) ? getMethod(l.method).label : l.method)))].join(' and ')} train${spec.lanes.length > 1 ? '' : 's'} no critic. Only AMMD (its Q-critics) and X-KD (its reward head) have one: pick either to see its loss here.`;
  // Stable props, so a chart's plot redraws only when its data does (see MetricChart's Plot).
  const teacherLine = useMemo(() => (teacherScore !== null ? { y: teacherScore, label: `teacher ${(teacherScore * 100).toFixed(0)}%` } : null), [teacherScore]);
  const scoreName = String(spec.settings.task) === 'grammar' ? 'grammatical rate of samples' : 'greedy exact match';

  return (
    <section className="charts" aria-label="Live charts">
      <MetricChart
        testId="chart-mm"
        bands={bands.mm}
        title="Moment-matching distance"
        description="How far the student’s moments are from the teacher’s, on the student’s (on-policy) and the teacher’s (off-policy) continuations, at three levels for AMMD: what its critics found, what the best critic of their penalised objective could find, and the exact best-critic value that any critic bounded by R could find."
        series={mm}
        log={log.mm}
        onLogChange={setLogFor('mm')}
      />
      <MetricChart
        testId="chart-critic"
        bands={bands.critic}
        title="Critic loss"
        description="The loss of AMMD’s Q-critics or X-KD’s reward head at its last update."
        series={critic}
        stagger={1}
        log={log.critic}
        onLogChange={setLogFor('critic')}
        emptyMessage={noCritic}
      />
      <MetricChart
        testId="chart-divergence"
        bands={bands.divergence}
        title="Divergence from the teacher"
        description="Per-token divergences between teacher and student next-token distributions on held-out prompts."
        series={divergence}
        stagger={2}
        log={log.divergence}
        onLogChange={setLogFor('divergence')}
      >
        <span className="div-keys" role="group" aria-label="Divergences to draw">
          {DIV_KEYS.map((k) => (
            <label key={k.key} title={k.help}>
              <input
                type="checkbox"
                data-testid={`divergence-${k.key}`}
                checked={divKeys.includes(k.key)}
                onChange={(e) => setDivKeys((keys) => (e.target.checked ? [...keys, k.key] : keys.filter((x) => x !== k.key)))}
              />
              {k.key}
            </label>
          ))}
        </span>
      </MetricChart>
      <MetricChart
        testId="chart-score"
        bands={bands.score}
        title={`Task score (${scoreName})`}
        description="The student’s score on held-out prompts (solid) and its partial credit (dashed): the share of answer positions it gets right, or of a grammar sample before it leaves the grammar. The grey dashed line is the teacher’s score."
        series={score}
        stagger={3}
        reference={teacherLine}
        log={log.score}
        onLogChange={setLogFor('score')}
        yDomain={UNIT_DOMAIN}
      />
      {estimateLanes.some(Boolean) && (
        <MetricChart
          testId="chart-critic-efficiency"
          title="Critic efficiency (AMMD)"
          description="What AMMD’s critics found divided by what the best critic of their own penalised objective, clip((p − q)/2c, −R, R), finds at the same held-out states: 1 means the critic keeps up with the student. It can exceed 1, since that optimum trades gap for a smaller penalty."
          series={efficiency}
          stagger={4}
          log={log.efficiency}
          onLogChange={setLogFor('efficiency')}
        />
      )}
    </section>
  );
});
