// The score's sampling band: Wilson's interval at z = 1 against values worked out by hand, and
// one band per student around its score records.
import { describe, expect, it } from 'vitest';
import { samplingBands, samplingLabel, scorePoints, wilsonInterval } from '../src/ui/charts/samplingBand';
import type { MetricRecord } from '../src/engine/metrics/record';

describe('wilsonInterval', () => {
  it('at p = 0.5 on 64 prompts: centre 0.5, half-width (64/65)·√(1/256 + 1/16384)', () => {
    const half = (64 / 65) * Math.sqrt(1 / 256 + 1 / 16384);
    const [lo, hi] = wilsonInterval(0.5, 64);
    expect(lo).toBeCloseTo(0.5 - half, 12);
    expect(hi).toBeCloseTo(0.5 + half, 12);
    expect(half).toBeCloseTo(0.062017, 5);
  });

  it('keeps a width at 0 and 1: [0, z²/(n + z²)] and [n/(n + z²), 1]', () => {
    expect(wilsonInterval(0, 64)[0]).toBeCloseTo(0, 12);
    expect(wilsonInterval(0, 64)[1]).toBeCloseTo(1 / 65, 12);
    expect(wilsonInterval(1, 64)[0]).toBeCloseTo(64 / 65, 12);
    expect(wilsonInterval(1, 64)[1]).toBeCloseTo(1, 12);
    // z = 2 on 8 prompts: 4/12.
    expect(wilsonInterval(0, 8, 2)[1]).toBeCloseTo(4 / 12, 12);
  });

  it('narrows as 1/√n: four times the prompts, about half the width', () => {
    const w = (n: number) => {
      const [lo, hi] = wilsonInterval(0.3, n);
      return hi - lo;
    };
    expect(w(64) / w(256)).toBeCloseTo(2, 1);
  });
});

describe('samplingBands', () => {
  const rec = (step: number, score: number | null) => ({ step, score }) as unknown as MetricRecord;
  it('one band per student with a score, at the steps it was recorded, all with one label', () => {
    const bands = samplingBands(scorePoints([[rec(0, 0.25), rec(10, null), rec(20, 0.5)], [], [rec(0, 1)]]), 64, ['red', 'green', 'blue']);
    expect(bands.map((b) => [b.lane, b.color, b.points.map((p) => p.x)])).toEqual([
      [0, 'red', [0, 20]],
      [2, 'blue', [0]],
    ]);
    expect(new Set(bands.map((b) => b.label))).toEqual(new Set([samplingLabel(64)]));
    expect(bands[0].points[1].lo).toBeCloseTo(wilsonInterval(0.5, 64)[0], 12);
    expect(bands.every((b) => b.faint)).toBe(true);
  });

  it('a skill’s share of the prompts need not be whole: its label says about how many', () => {
    const [band] = samplingBands([[{ x: 0, y: 0.5 }]], 64 / 6, ['red']);
    expect(band.label).toBe('sampling noise, ±1 sd (about 11 prompts)');
    expect(band.points[0].hi).toBeCloseTo(wilsonInterval(0.5, 64 / 6)[1], 12);
  });
});
