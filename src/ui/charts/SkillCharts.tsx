// The score per skill, for a task of several (instructions): one small chart per skill, each
// student in its colour against the teacher's score on that skill, and bars of the latest
// scores, so a room sees which skills a small student keeps and which it drops.
// Earlier runs are not drawn here (the task-score chart above keeps their ghosts).
import { memo, useMemo } from 'react';
import type { MetricRecord } from '../../engine/metrics/record';
import { SKILL_SCORE_PREFIX } from '../../engine/tasks/skillScores';
import type { RunSpec } from '../../shared/runSpec';
import { LANE_COLORS, laneLabel } from '../../state/config';
import { DistributionBars, DIST_COLORS } from '../DistributionBars';
import { Plot, type PlotMark } from './Plot';
import { align, series, type SeriesDef } from './series';
import { samplingBands } from './samplingBand';
import type { Point } from './lttb';

const UNIT_DOMAIN: [number, number] = [0, 1];

/** The steps and values of one extra (e.g. `score.rev`) in a student's records. */
export function extraPoints(records: readonly MetricRecord[], key: string): Point[] {
  const out: Point[] = [];
  for (const r of records) {
    const y = r.extras?.[key];
    if (typeof y === 'number' && Number.isFinite(y)) out.push({ x: r.step, y });
  }
  return out;
}

interface Props {
  spec: RunSpec;
  records: MetricRecord[][];
  skills: readonly string[];
  /** The teacher's score per skill (`score.<skill>`), from its file; null if it records none. */
  teacher: Record<string, number> | null;
  marks: readonly PlotMark[];
  xMax: number | null;
}

const NO_GAPS: never[] = [];

export const SkillCharts = memo(function SkillCharts({ spec, records, skills, teacher, marks, xMax }: Props) {
  const prompts = Number(spec.settings.evalPrompts) || 64;
  const perSkill = useMemo(
    () =>
      skills.map((skill) => {
        // Each student's points on this skill, read once for its line and its sampling band.
        const points = records.map((recs) => extraPoints(recs, SKILL_SCORE_PREFIX + skill));
        const defs: SeriesDef[] = points.map((pts, lane) =>
          series(
            {
              id: `s${lane}_${skill}`,
              label: laneLabel(spec, lane),
              group: laneLabel(spec, lane),
              color: LANE_COLORS[lane],
              lane,
              metric: skill,
              metricLabel: skill,
            },
            pts,
          ),
        );
        const t = teacher?.[SKILL_SCORE_PREFIX + skill];
        // Each skill's score is a proportion on its share of the prompts (they cycle through the skills).
        const bands = samplingBands(points, prompts / skills.length, LANE_COLORS);
        const aligned = align(defs, false, bands);
        return { skill, defs, bands, data: aligned.data, reference: t === undefined ? null : { y: t, label: `teacher ${(t * 100).toFixed(0)}%` } };
      }),
    [spec, records, skills, teacher, prompts],
  );
  const latestStep = Math.max(-1, ...records.map((r) => r[r.length - 1]?.step ?? -1));
  const bars = {
    series: [
      ...(teacher ? [{ name: 'teacher', color: DIST_COLORS.teacher }] : []),
      ...records.map((_, lane) => ({ name: laneLabel(spec, lane), color: LANE_COLORS[lane] })),
    ],
    rows: skills.map((skill) => ({
      token: skill,
      values: [
        ...(teacher ? [teacher[SKILL_SCORE_PREFIX + skill] ?? 0] : []),
        ...records.map((recs) => (recs[recs.length - 1]?.extras?.[SKILL_SCORE_PREFIX + skill] as number | undefined) ?? 0),
      ],
    })),
  };
  return (
    <figure className="chart chart-wide" data-testid="chart-skills" data-skills={skills.join(',')} aria-labelledby="skills-title">
      <figcaption>
        <span className="chart-title" id="skills-title">
          Score per skill
        </span>
      </figcaption>
      <p className="chart-desc">
        Greedy exact match on the held-out prompts of each skill (about {Math.round(prompts / skills.length)} of the {prompts} each evaluation scores, so one
        prompt moves a skill’s line by about {Math.round((100 * skills.length) / prompts)} points; the shading is ±1 sd of a binomial proportion on that many),
        each student in its colour; the grey dashed line is the teacher’s score on that skill.
      </p>
      <div className="skill-grid">
        {perSkill.map(({ skill, defs, bands, data, reference }) => {
          const ends = JSON.stringify(defs.filter((d) => d.points.length).map((d) => [d.id, d.points[0].y, d.points[d.points.length - 1].y]));
          return (
            <div className="skill-panel" key={skill} data-testid={`skill-${skill}`} data-ends={ends} data-sampling-bands={bands.length}>
              <div className="skill-name">{skill}</div>
              <Plot
                series={defs}
                bands={bands}
                data={data}
                gaps={NO_GAPS}
                log={false}
                yDomain={UNIT_DOMAIN}
                yLabel="exact"
                reference={reference}
                marks={marks}
                xMax={xMax}
              />
            </div>
          );
        })}
      </div>
      {latestStep >= 0 && (
        <div className="skill-bars" data-testid="skill-bars">
          <div className="skill-name">at step {latestStep}</div>
          <DistributionBars rows={bars.rows} series={bars.series} label={`Score per skill at step ${latestStep}`} rowHeader="skill" />
        </div>
      )}
    </figure>
  );
});
