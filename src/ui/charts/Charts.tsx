// The four live charts, each series coloured by student (the same colour everywhere) and
// styled by metric, with only the series each student's method produces; earlier runs are
// drawn as faint grey ghosts, labelled in the legend.
import { memo, useMemo, useState } from 'react';
import type { MetricKey, MetricRecord } from '../../engine/metrics/record';
import { getMethod, isMethodId } from '../../engine/methods/declarations';
import { chartMetrics, type ChartGroup } from '../../engine/metrics/catalog';
import type { RunSpec } from '../../shared/runSpec';
import type { Ghost } from '../../state/runs';
import { LANE_COLORS, laneLabel } from '../../state/config';
import { MetricChart } from './MetricChart';
import { SkillCharts } from './SkillCharts';
import { TASKS } from '../../engine/tasks';
import { metricPoints, series, type SeriesDef } from './series';
import type { PlotMark } from './Plot';
import { chartFor, expectedBands } from '../lesson/expectedBands';
import { samplingBands, scorePoints } from './samplingBand';
import type { LessonReference } from '../../state/lessons';

const GHOST_COLOR = '#8c8f96';
const UNIT_DOMAIN: [number, number] = [0, 1];

interface KeyStyle {
  key: MetricKey;
  label: string;
  dash?: number[];
  /** Drawn against the right-hand axis. */
  right?: boolean;
  /** Whether a student's method produces it (default: every method). */
  produces?: (method: string) => boolean;
  help?: string;
  short?: string;
}

const hasCritic = (method: string) => isMethodId(method) && getMethod(method).has.criticLoss;
const hasEstimates = (method: string) => isMethodId(method) && getMethod(method).has.criticEstimates;
/** The catalog metrics a method reports about itself (TAID's t, SKD's acceptance rate). */
const reports = (method: string): readonly string[] => (isMethodId(method) ? (getMethod(method).reports ?? []) : []);

// Labels and line styles come from the metric catalog; which axis and which methods, from here.
const styled = (chart: ChartGroup, how: (key: string) => Partial<KeyStyle> = () => ({})): KeyStyle[] =>
  chartMetrics(chart).map((m) => ({ key: m.key as MetricKey, label: m.label, dash: m.dash?.split(' ').map(Number), help: m.help, ...how(m.key) }));

/** Exact distances on the left; what AMMD's critics find (and could find) on the right. */
const MM_SHORT: Record<string, string> = {
  mmOnExact: 'exact on',
  mmOffExact: 'exact off',
  mmOnCritic: 'critic on',
  mmOffCritic: 'critic off',
  mmOnPenalised: 'best penalised on',
  mmOffPenalised: 'best penalised off',
};
const MM_KEYS = styled('mm', (key) => ({ short: MM_SHORT[key] ?? key, ...(key.endsWith('Exact') ? {} : { right: true, produces: hasEstimates }) }));
/** The moment-matching chart's lines by default: the two exact distances; the critics' on demand. */
const MM_DEFAULT: MetricKey[] = ['mmOnExact', 'mmOffExact'];
const DIV_SHORT: Record<string, string> = { fklTeacher: 'KL(p‖q)', rklStudent: 'KL(q‖p)', tvdStudent: 'TVD q', tvdTeacher: 'TVD p' };
const DIV_KEYS = styled('divergence', (key) => ({ short: DIV_SHORT[key] ?? key }));
const CRITIC_KEYS = styled('critic', () => ({ produces: hasCritic }));
const SCORE_KEYS = styled('score');
const EFF_KEYS = styled('efficiency', () => ({ produces: hasEstimates }));
const METHOD_KEYS = styled('method', (key) => ({ produces: (method: string) => reports(method).includes(key) }));

/** Every (student, metric) series the students' methods produce, earlier runs' first, in grey. */
function build(spec: RunSpec, records: MetricRecord[][], ghosts: Ghost[], keys: KeyStyle[]): SeriesDef[] {
  const out: SeriesDef[] = [];
  const style = (k: KeyStyle) => ({ metric: k.key, metricLabel: k.label, dash: k.dash, right: k.right });
  for (const g of ghosts) {
    g.records.forEach((recs, lane) => {
      const method = g.spec.lanes[lane]?.method ?? '';
      for (const k of keys) {
        if (k.produces && !k.produces(method)) continue;
        const pts = metricPoints(recs, k.key);
        if (pts.length)
          out.push(
            series(
              { id: `g${g.id}_${lane}_${k.key}`, label: `${g.label}: ${k.label}`, group: g.label, color: GHOST_COLOR, ghost: true, lane, ...style(k) },
              pts,
            ),
          );
      }
    });
  }
  const several = spec.lanes.length > 1;
  records.forEach((recs, lane) => {
    const method = spec.lanes[lane]?.method ?? '';
    const name = several ? `${lane + 1}: ${laneLabel(spec, lane)}` : laneLabel(spec, lane);
    for (const k of keys) {
      if (k.produces && !k.produces(method)) continue;
      out.push(
        series(
          { id: `s${lane}_${k.key}`, label: keys.length > 1 ? `${name}, ${k.label}` : name, group: name, color: LANE_COLORS[lane], lane, ...style(k) },
          metricPoints(recs, k.key),
        ),
      );
    }
  });
  return out;
}

interface ChartsProps {
  spec: RunSpec;
  records: MetricRecord[][];
  ghosts: Ghost[];
  marks: readonly PlotMark[];
  teacherScore: number | null;
  /** The teacher's score per skill, for a task of several skills. */
  teacherSkillScores?: Record<string, number> | null;
  /** The open lesson's reference: its expected band goes on the chart of its metric. */
  expected?: LessonReference | null;
  /** The open lesson's metric: drawn even where its box is unticked. */
  lessonMetric?: string | null;
  /** The x axis spans at least 0…xMax (an open lesson's checkpoint), whatever has been drawn yet. */
  xMax?: number | null;
}

/** The fixed wording of the charts whose text does not depend on the run. */
const CHART_TEXT = {
  critic: {
    testId: 'chart-critic',
    title: 'Critic loss',
    description: 'The loss of AMMD’s Q-critics or X-KD’s reward head at its last update.',
    yLabel: 'critic loss',
  },
  divergence: {
    testId: 'chart-divergence',
    title: 'Divergence from the teacher',
    description: 'Per-token divergences between teacher and student next-token distributions on held-out prompts: KL in nats, total variation from 0 to 1.',
    yLabel: 'nats per token (TVD: 0–1)',
  },
};

export const Charts = memo(function Charts({
  spec,
  records,
  ghosts,
  marks,
  teacherScore,
  teacherSkillScores = null,
  expected = null,
  lessonMetric = null,
  xMax = null,
}: ChartsProps) {
  const skills = (TASKS as Record<string, { skills?: readonly string[] }>)[String(spec.settings.task)]?.skills;
  const [log, setLog] = useState<Record<string, boolean>>({ mm: false, critic: false, divergence: true, score: false, efficiency: false, method: false });
  const [divKeys, setDivKeys] = useState<MetricKey[]>(['fklTeacher', 'rklStudent']);
  // The moment-matching lines, chosen per open lesson: a lesson on this chart starts with its one line.
  const mmLesson = lessonMetric && chartFor(lessonMetric) === 'chart-mm' ? (lessonMetric as MetricKey) : null;
  const [mmChosen, setMmChosen] = useState<Record<string, MetricKey[]>>({});
  const mmKeys = useMemo(() => mmChosen[mmLesson ?? ''] ?? (mmLesson ? [mmLesson] : MM_DEFAULT), [mmChosen, mmLesson]);
  const toggleMm = (key: MetricKey, on: boolean) =>
    setMmChosen((all) => ({ ...all, [mmLesson ?? '']: on ? [...mmKeys, key] : mmKeys.filter((k) => k !== key) }));
  const setLogFor = (id: string) => (v: boolean) => setLog((l) => ({ ...l, [id]: v }));

  // Critic estimates exist only for AMMD (on their own axis: they sit far below the exact
  // values); the exact best-critic values for every method.
  const mm = useMemo(
    () =>
      build(
        spec,
        records,
        ghosts,
        MM_KEYS.filter((k) => mmKeys.includes(k.key) || k.key === mmLesson),
      ),
    [spec, records, ghosts, mmKeys, mmLesson],
  );
  const criticLanes = spec.lanes.map((l) => hasCritic(l.method));
  const critic = useMemo(() => build(spec, records, ghosts, CRITIC_KEYS), [spec, records, ghosts]);
  // The lesson's divergence is drawn even if its box was unticked.
  const lessonKey = lessonMetric && chartFor(lessonMetric) === 'chart-divergence' ? lessonMetric : null;
  const divergence = useMemo(
    () =>
      build(
        spec,
        records,
        ghosts,
        DIV_KEYS.filter((k) => divKeys.includes(k.key) || k.key === lessonKey),
      ),
    [spec, records, ghosts, divKeys, lessonKey],
  );
  // The score's sampling band, unless a lesson's expected band is on the score chart: two bands
  // of one colour around one line would not read.
  const [sampling, setSampling] = useState(true);
  const prompts = Number(spec.settings.evalPrompts);
  const bands = useMemo(() => {
    const on = (chart: string, isLog: boolean) =>
      expected && chartFor(expected.effect.metric) === chart ? expectedBands(expected, LANE_COLORS, isLog) : undefined;
    const noise = sampling && !log.score ? samplingBands(scorePoints(records), prompts, LANE_COLORS) : undefined;
    return {
      mm: on('chart-mm', log.mm),
      critic: on('chart-critic', log.critic),
      divergence: on('chart-divergence', log.divergence),
      score: on('chart-score', log.score) ?? noise,
    };
  }, [expected, log.mm, log.critic, log.divergence, log.score, sampling, records, prompts]);
  const lessonOnScore = !!expected && chartFor(expected.effect.metric) === 'chart-score';
  /** What every chart of `key` shares: the run's marks, the lesson's band, its log-scale switch. */
  const chartState = (key: 'mm' | 'critic' | 'divergence' | 'score') => ({ marks, bands: bands[key], log: log[key], onLogChange: setLogFor(key), xMax });
  const score = useMemo(() => build(spec, records, ghosts, SCORE_KEYS), [spec, records, ghosts]);
  const estimates = spec.lanes.some((l) => hasEstimates(l.method));
  const efficiency = useMemo(() => build(spec, records, ghosts, EFF_KEYS), [spec, records, ghosts]);
  const ownMetrics = spec.lanes.some((l) => reports(l.method).length > 0);
  const methodSeries = useMemo(() => build(spec, records, ghosts, METHOD_KEYS), [spec, records, ghosts]);

  // Each method named once: "GKD trains no critic" for two GKD students, "KD and GKD train …".
  const noCriticMethods = [...new Set(spec.lanes.map((l) => (isMethodId(l.method) ? getMethod(l.method).label : l.method)))];
  const noCritic = criticLanes.some(Boolean)
    ? null
    : `${noCriticMethods.join(' and ')} train${noCriticMethods.length > 1 ? '' : 's'} no critic. Only AMMD (its Q-critics) and X-KD (its reward head) have one: pick either to see its loss here.`;
  // Stable props, so a chart's plot redraws only when its data does (see MetricChart's Plot).
  const teacherLine = useMemo(() => (teacherScore !== null ? { y: teacherScore, label: `teacher ${(teacherScore * 100).toFixed(0)}%` } : null), [teacherScore]);
  const scoreName = String(spec.settings.task) === 'grammar' ? 'grammatical rate of samples' : 'greedy exact match';
  const scoreAxis = String(spec.settings.task) === 'grammar' ? 'grammatical (fraction)' : 'exact match (fraction)';

  return (
    <section className="charts" aria-label="Live charts">
      <MetricChart
        testId="chart-mm"
        title="Moment-matching distance"
        description="How far the student’s moments are from the teacher’s: on the student’s (on-policy) and the teacher’s (off-policy) continuations: the exact best-critic value any critic bounded by R could find (2R·Σ TVD per sequence), and for AMMD, on the right axis, what its critics found and what the best critic of their penalised objective could find."
        yLabel="distance per sequence"
        rightLabel={estimates ? 'critic estimate' : undefined}
        {...chartState('mm')}
        series={mm}
        stagger={1}
      >
        <details className="line-picker" data-testid="mm-lines">
          <summary>lines ({MM_KEYS.filter((k) => mmKeys.includes(k.key) || k.key === mmLesson).length})</summary>
          <span className="line-picker-list" role="group" aria-label="Moment-matching lines to draw">
            {MM_KEYS.filter((k) => !k.produces || spec.lanes.some((l) => k.produces!(l.method))).map((k) => (
              <label key={k.key} title={k.help}>
                <input
                  type="checkbox"
                  data-testid={`mm-${k.key}`}
                  aria-label={k.label}
                  checked={mmKeys.includes(k.key) || k.key === mmLesson}
                  disabled={k.key === mmLesson}
                  onChange={(e) => toggleMm(k.key, e.target.checked)}
                />
                {k.label}
              </label>
            ))}
          </span>
        </details>
      </MetricChart>
      <MetricChart {...CHART_TEXT.critic} {...chartState('critic')} series={critic} stagger={2} emptyMessage={noCritic} />
      <MetricChart {...CHART_TEXT.divergence} {...chartState('divergence')} series={divergence} stagger={3}>
        <span className="div-keys" role="group" aria-label="Divergences to draw">
          {DIV_KEYS.map((k) => (
            <label key={k.key} title={k.help}>
              <input
                type="checkbox"
                data-testid={`divergence-${k.key}`}
                aria-label={k.label}
                checked={divKeys.includes(k.key)}
                onChange={(e) => setDivKeys((keys) => (e.target.checked ? [...keys, k.key] : keys.filter((x) => x !== k.key)))}
              />
              {k.short}
            </label>
          ))}
        </span>
      </MetricChart>
      <MetricChart
        testId="chart-score"
        title={`Task score (${scoreName})`}
        description={`The student’s score on ${prompts} held-out prompts (solid) and its partial credit (dashed): the share of answer positions it gets right, or of a grammar sample before it leaves the grammar. The shading is how far the score moves from which prompts came up alone (±1 sd of a binomial proportion on ${prompts} prompts, Wilson’s interval): a change inside it may be noise. The grey dashed line is the teacher’s score.`}
        yLabel={scoreAxis}
        {...chartState('score')}
        series={score}
        stagger={4}
        reference={teacherLine}
        yDomain={UNIT_DOMAIN}
      >
        <label className="log-toggle" title="Shade each score by how far it moves from sampling alone">
          <input
            type="checkbox"
            data-testid="score-sampling"
            checked={sampling && !lessonOnScore}
            disabled={lessonOnScore}
            onChange={(e) => setSampling(e.target.checked)}
          />
          ± sampling
        </label>
      </MetricChart>
      {skills && <SkillCharts spec={spec} records={records} skills={skills} teacher={teacherSkillScores} marks={marks} xMax={xMax} />}
      {estimates && (
        <MetricChart
          testId="chart-critic-efficiency"
          title="Critic efficiency (AMMD)"
          description="What AMMD’s critics found divided by what the best critic of their own penalised objective, clip((p − q)/2c, −R, R), finds at the same held-out states: 1 means the critic keeps up with the student. It can exceed 1, since that optimum trades gap for a smaller penalty."
          yLabel="found / could find"
          marks={marks}
          xMax={xMax}
          series={efficiency}
          stagger={5}
          log={log.efficiency}
          onLogChange={setLogFor('efficiency')}
        />
      )}
      {ownMetrics && (
        <MetricChart
          testId="chart-method"
          title="The method’s own state"
          description="What a method tracks about its own run: TAID’s interpolation t, which slides its target from the student (0) to the teacher (1), and SKD’s acceptance rate, the share of the student’s proposed tokens the teacher let stand since the previous record."
          yLabel="fraction"
          marks={marks}
          xMax={xMax}
          series={methodSeries}
          stagger={6}
          yDomain={UNIT_DOMAIN}
          log={log.method}
          onLogChange={setLogFor('method')}
        />
      )}
    </section>
  );
});
