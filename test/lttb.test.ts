import { describe, expect, test } from 'vitest';
import { lttb, type Point } from '../src/ui/charts/lttb';

const pts = (ys: number[]): Point[] => ys.map((y, x) => ({ x, y }));

describe('LTTB downsampling', () => {
  test('returns the input unchanged when it already fits or the threshold is below 3', () => {
    const p = pts([1, 2, 3]);
    expect(lttb(p, 3)).toEqual(p);
    expect(lttb(p, 10)).toEqual(p);
    expect(lttb(pts([1, 2, 3, 4]), 2)).toEqual(pts([1, 2, 3, 4]));
    expect(lttb([], 5)).toEqual([]);
  });

  test('five points to three: keeps the spike (worked by hand)', () => {
    // every = (5 − 2)/(3 − 2) = 3; the single middle bucket is points 1..3, the next bucket's
    // average is point 4 = (4, 0). With a = (0, 0) the doubled areas are |−4·y + x·0|:
    // (1,1) → 4, (2,0) → 0, (3,5) → 20, so (3,5) is kept.
    expect(lttb(pts([0, 1, 0, 5, 0]), 3)).toEqual([
      { x: 0, y: 0 },
      { x: 3, y: 5 },
      { x: 4, y: 0 },
    ]);
  });

  test('eight points to four (worked by hand)', () => {
    // ys = [0, 3, 1, 1, 2, 8, 0, 0]; every = 6/2 = 3.
    // Bucket 1 = points 1..3, next average = points 4..6 → (5, 10/3). From a = (0,0), doubled
    // area = |−5·y + x·10/3|: (1,3) → 11.67, (2,1) → 1.67, (3,1) → 5. Keep (1,3).
    // Bucket 2 = points 4..6, next "average" = the last point (7,0). From a = (1,3):
    // doubled area = |(1−7)(y−3) − (1−x)(0−3)| = |−6y + 18 + 3 − 3x|:
    // (4,2) → |−12+21−12| = 3, (5,8) → |−48+21−15| = 42, (6,0) → |0+21−18| = 3. Keep (5,8).
    expect(lttb(pts([0, 3, 1, 1, 2, 8, 0, 0]), 4)).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 3 },
      { x: 5, y: 8 },
      { x: 7, y: 0 },
    ]);
  });

  test('a long series comes back at exactly the threshold, first and last kept, x increasing', () => {
    const p = Array.from({ length: 10_000 }, (_, i) => ({ x: i * 2, y: Math.sin(i / 50) }));
    const d = lttb(p, 300);
    expect(d.length).toBe(300);
    expect(d[0]).toBe(p[0]);
    expect(d[299]).toBe(p[9999]);
    for (let i = 1; i < d.length; i++) expect(d[i].x).toBeGreaterThan(d[i - 1].x);
  });

  test('the last point is kept whatever the float rounding of the bucket sizes (5,000 → 300)', () => {
    // (5000 − 2)/(300 − 2) × 298 is 4997.999… in floating point: a bucketing that sums rounded
    // sizes ends one short and returns point 4,998 as the last; a live chart would lose its newest value.
    const p = Array.from({ length: 5000 }, (_, i) => ({ x: i * 10, y: Math.sin(i / 17) + 0.3 * Math.cos(i * 1.3) }));
    const d = lttb(p, 300);
    expect(d.length).toBe(300);
    expect(d[299]).toBe(p[4999]);
    expect(new Set(d).size).toBe(300);
  });

  test('a straight line keeps only points of the line', () => {
    const p = Array.from({ length: 50 }, (_, i) => ({ x: i, y: 2 * i + 1 }));
    for (const q of lttb(p, 7)) expect(q.y).toBe(2 * q.x + 1);
  });
});
