import { describe, expect, test } from 'vitest';
import { decadeRange, decadeTicks, tickLabel, tickLabels } from '../src/ui/charts/axes';
import { align, series } from '../src/ui/charts/series';
import { keyedValue } from '../src/ui/controls/ParamControl';
import type { NumberParam } from '../src/engine/params';

describe('log axes', () => {
  test('span whole decades, so the top of the axis is a labelled decade', () => {
    expect(decadeRange(0.03, 0.4)).toEqual([0.01, 1]);
    expect(decadeRange(2, 2)).toEqual([1, 10]);
    expect(decadeRange(1, 100)).toEqual([1, 100]);
  });
  test('are ticked at decades only, thinned to a handful with both ends kept', () => {
    expect(decadeTicks(0.01, 10)).toEqual([0.01, 0.1, 1, 10]);
    const many = decadeTicks(1e-10, 1e2);
    expect(many.length).toBeLessThanOrEqual(6);
    expect(many[many.length - 1]).toBe(100);
    expect(many[0]).toBeCloseTo(1e-10, 20);
  });
  test('label ticks briefly', () => {
    expect([0.001, 0.01, 1, 100, 1e-5, 1e6, 2.5].map((v) => tickLabel(v))).toEqual(['0.001', '0.01', '1', '100', '1e-5', '1e6', '2.5']);
  });
  test('neighbouring ticks never read the same: as many digits as it takes', () => {
    // A narrow range: 3 digits give 2.33, 2.33, 2.34, 2.34; 4 tell them apart.
    expect(tickLabels([2.332, 2.334, 2.336, 2.338])).toEqual(['2.332', '2.334', '2.336', '2.338']);
    expect(tickLabels([0, 0.5, 1, null])).toEqual(['0', '0.5', '1', '']);
    expect(tickLabels([1.00001e-4, 1.00002e-4])).toEqual(['1.00001e-4', '1.00002e-4']);
  });
});

describe('values a log axis cannot show', () => {
  test('become marked gaps (null) and are counted by range, not dropped', () => {
    const s = series({ id: 'a', label: 'critic', group: 'AMMD', metric: 'mmOnCritic', metricLabel: 'critic', color: '#000', lane: 0 }, [
      { x: 0, y: 1 },
      { x: 5, y: -0.2 },
      { x: 10, y: 0 },
      { x: 15, y: 0.5 },
      { x: 20, y: -1 },
    ]);
    const { data, gaps } = align([s], true);
    expect(data[0]).toEqual([0, 5, 10, 15, 20]);
    expect(data[1]).toEqual([1, null, null, 0.5, null]);
    expect(gaps).toEqual([
      {
        id: 'a',
        label: 'critic',
        count: 3,
        ranges: [
          [5, 10],
          [20, 20],
        ],
      },
    ]);
    // On a linear axis they are plain values.
    expect(align([s], false).data[1]).toEqual([1, -0.2, 0, 0.5, -1]);
  });
  test('a step one series lacks is left undefined (joined over), not a gap', () => {
    const a = series({ id: 'a', label: 'a', group: 'a', metric: 'm', metricLabel: 'm', color: '#000', lane: 0 }, [
      { x: 0, y: 1 },
      { x: 10, y: 2 },
    ]);
    const b = series({ id: 'b', label: 'b', group: 'b', metric: 'm', metricLabel: 'm', color: '#111', lane: 1 }, [{ x: 5, y: 3 }]);
    expect(align([a, b], true).data).toEqual([
      [0, 5, 10],
      [1, undefined, 2],
      [undefined, 3, undefined],
    ]);
  });
});

describe('slider keys', () => {
  const lr: NumberParam = {
    id: 'lr',
    label: 'lr',
    help: '',
    apply: 'live',
    kind: 'number',
    default: 0.003,
    min: 0.00001,
    max: 0.05,
    step: 0.00001,
    scale: 'log',
  };
  const heads: NumberParam = { id: 'h', label: 'h', help: '', apply: 'restart', kind: 'number', default: 2, min: 1, max: 8, step: 1, scale: 'linear' };
  test('a log slider moves one rung of 1, 1.5, 2, 3, 5, 7 per decade, Page keys a decade', () => {
    expect(keyedValue(lr, 0.003, 'ArrowUp')).toBe(0.005);
    expect(keyedValue(lr, 0.003, 'ArrowRight')).toBe(0.005);
    expect(keyedValue(lr, 0.003, 'ArrowDown')).toBe(0.002);
    expect(keyedValue(lr, 0.001, 'ArrowLeft')).toBe(0.0007);
    expect(keyedValue(lr, 0.003, 'PageUp')).toBe(0.03);
    expect(keyedValue(lr, 0.003, 'PageDown')).toBe(0.0003);
    expect(keyedValue(lr, 0.05, 'ArrowUp')).toBe(0.05); // the top stays the top
    expect(keyedValue(lr, 0.003, 'Tab')).toBeNull();
  });
  test('keys skip values the run would refuse (heads must divide the width 32)', () => {
    const divides = (v: number) => 32 % v === 0;
    expect(keyedValue(heads, 2, 'ArrowUp', divides)).toBe(4);
    expect(keyedValue(heads, 4, 'ArrowUp', divides)).toBe(8);
    expect(keyedValue(heads, 4, 'ArrowDown', divides)).toBe(2);
    expect(keyedValue(heads, 8, 'ArrowUp', divides)).toBe(8);
  });
});
