// How far a score on n evaluation prompts moves from sampling alone: each student's score drawn
// with a ±1 sd band of a binomial proportion, so a room does not read a trend into noise. The
// band is the Wilson score interval at z = 1 (Wilson 1927), which, unlike p ± √(p(1 − p)/n),
// keeps a width at a score of 0 or 1, where one more prompt right or wrong is still possible.
import type { MetricRecord } from '../../engine/metrics/record';
import type { BandDef } from '../lesson/expectedBands';
import { metricPoints } from './series';
import type { Point } from './lttb';

/** The Wilson interval [lo, hi] of a proportion p observed on n trials, at z standard deviations. */
export function wilsonInterval(p: number, n: number, z = 1): [number, number] {
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export const samplingLabel = (n: number) => `sampling noise, ±1 sd (${Number.isInteger(n) ? n : `about ${Math.round(n)}`} prompts)`;

/** Each student's score points (`score` of its records). */
export const scorePoints = (records: readonly MetricRecord[][]): Point[][] => records.map((r) => metricPoints(r, 'score'));

/** One band per student around its score line (points by lane); every band has the same legend label. */
export function samplingBands(scores: readonly Point[][], prompts: number, colors: readonly string[]): BandDef[] {
  if (!(prompts > 0)) return [];
  return scores.flatMap((pts, lane) => {
    const points = pts.map(({ x, y }) => {
      const [lo, hi] = wilsonInterval(y, prompts);
      return { x, lo, hi };
    });
    return points.length ? [{ id: `sampling_${lane}`, label: samplingLabel(prompts), color: colors[lane] ?? '#888', lane, points, faint: true }] : [];
  });
}
