// The study helpers: statistics against hand-worked values, the verdict rule, the SVG chart's
// geometry and the grammar probe's plain counting and KL estimate.
import { describe, expect, it } from 'vitest';
import { clearlyBelow, fmt, formatSummary, mean, sampleSd, summarize } from '../src/cli/studies/stats';
import { lineChart, niceTicks, scale } from '../src/cli/studies/svg';
import { klEstimate, sampleStats } from '../src/cli/studies/grammarProbe';
import { checkpoints, makeResults } from '../src/cli/studies/render';
import type { RunResult } from '../src/cli/studies/runner';

describe('mean and sample standard deviation', () => {
  it('match hand values', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, sample variance 32/7.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(sampleSd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    // 1, 2, 3: mean 2, sample variance (1 + 0 + 1)/2 = 1.
    expect(sampleSd([1, 2, 3])).toBe(1);
    expect(sampleSd([7])).toBe(0);
    expect(Number.isNaN(mean([]))).toBe(true);
  });

  it('summarize skips nulls and non-finite values', () => {
    const s = summarize([1, null, 3, NaN, undefined]);
    expect(s).toEqual({ mean: 2, sd: Math.SQRT2, n: 2 });
  });

  it('formats mean ± sd to the mean’s decimals and marks missing seeds', () => {
    expect(formatSummary({ mean: 0.5, sd: 0.1234, n: 3 }, 3)).toBe('0.500 ± 0.123');
    expect(formatSummary({ mean: 14.42, sd: 0.05, n: 2 }, 3)).toBe('14.4 ± 0.1 (n=2)');
    expect(formatSummary({ mean: NaN, sd: NaN, n: 0 }, 3)).toBe('not run');
    expect(fmt(123.4)).toBe('123');
  });

  it('clearlyBelow needs non-overlapping ±1 sd bands', () => {
    expect(clearlyBelow({ mean: 1, sd: 0.2, n: 3 }, { mean: 2, sd: 0.2, n: 3 })).toBe(true); // 1.2 < 1.8
    expect(clearlyBelow({ mean: 1, sd: 0.5, n: 3 }, { mean: 2, sd: 0.6, n: 3 })).toBe(false); // 1.5 ≥ 1.4
    expect(clearlyBelow({ mean: 2, sd: 0, n: 3 }, { mean: 1, sd: 0, n: 3 })).toBe(false);
    expect(clearlyBelow({ mean: NaN, sd: NaN, n: 0 }, { mean: 1, sd: 0, n: 3 })).toBe(false);
  });
});

describe('SVG chart', () => {
  it('niceTicks uses 1-2-5 steps inside the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    // (0.61 − 0.13)/4 = 0.12 rounds up to a step of 0.2.
    expect(niceTicks(0.13, 0.61, 4)).toEqual([0.2, 0.4, 0.6]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('scale maps linearly and flips for the y axis', () => {
    expect(scale(5, 0, 10, 0, 100)).toBe(50);
    expect(scale(0, 0, 10, 200, 20)).toBe(200);
    expect(scale(10, 0, 10, 200, 20)).toBe(20);
    expect(scale(1, 1, 1, 0, 100)).toBe(50);
  });

  it('draws one polyline per series through the mean, in plot coordinates', () => {
    const svg = lineChart(
      [
        {
          title: 'm',
          series: [
            {
              label: 'a',
              points: [
                { x: 0, mean: 0, sd: 0 },
                { x: 10, mean: 1, sd: 0 },
              ],
            },
            {
              label: 'b<c',
              points: [
                { x: 0, mean: 1, sd: 0 },
                { x: 10, mean: 0, sd: 0 },
              ],
            },
          ],
        },
      ],
      { title: 't', columns: 1 },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)?.length).toBe(2);
    // Panel 320×220 at y offset 30, margins l52 r12 t26 b30: x 0 → 52, x 10 → 308; y 0 → 30+190, y 1 → 30+26.
    expect(svg).toContain('points="52,220 308,56"');
    expect(svg).toContain('points="52,56 308,220"');
    expect(svg).toContain('b&lt;c');
  });
});

describe('grammar probe helpers', () => {
  it('counts grammatical and distinct samples', () => {
    const g = (s: string) => s.startsWith('ok');
    expect(sampleStats(['ok a', 'ok a', 'bad', 'ok b'], g)).toEqual({ rate: 0.75, distinct: 3, distinctGrammatical: 2 });
  });

  it('KL estimate is the mean log-ratio', () => {
    // log p − log q: (−1 − −2) + (−3 − −3) = 1 over two sentences.
    expect(klEstimate([-1, -3], [-2, -3])).toBe(0.5);
  });
});

describe('results over runs', () => {
  const run = (arm: string, seed: number, finalScore: number): RunResult => ({
    study: 's',
    arm,
    seed,
    steps: 10,
    evalEvery: 5,
    records: [
      { step: 0, score: 0 },
      { step: 5, score: finalScore / 2 },
      { step: 10, score: finalScore },
    ],
    wallMs: 1,
    halted: null,
    backend: 'cpu',
    studentInit: 'sft',
    studentStart: 'sft',
  });
  const info = { seeds: 3, steps: 10, evalEvery: 5, backend: 'cpu', command: '' };

  it('summarises the last record over seeds 1..N and ignores other settings', () => {
    const runs = [run('a', 1, 0.2), run('a', 2, 0.4), run('a', 3, 0.6), run('a', 4, 100), { ...run('a', 1, 50), steps: 20 }];
    const r = makeResults(runs, info);
    const last = r.at('a', 'score');
    expect(last.n).toBe(3);
    expect(last.mean).toBeCloseTo(0.4, 12);
    expect(last.sd).toBeCloseTo(0.2, 12);
    expect(r.at('a', 'score', 'first').mean).toBe(0);
    expect(r.has('b')).toBe(false);
    expect(r.all(['a'], 'score')).toHaveLength(9);
  });

  it('derives the student sample length from mmOnExact and tvdStudent', () => {
    // mmOnExact = 2·Σ_t tvd = 2 · 6 positions · 0.5 = 6, so the length is 6 / (2 · 0.5) = 6.
    const one = { ...run('a', 1, 0), records: [{ step: 0, mmOnExact: 6, tvdStudent: 0.5 }] };
    expect(makeResults([one], { ...info, seeds: 1 }).at('a', 'studentLen').mean).toBe(6);
  });

  it('checkpoints include the last step', () => {
    expect(checkpoints({ ...info, steps: 12, evalEvery: 5 })).toEqual([0, 5, 10, 12]);
    expect(checkpoints(info)).toEqual([0, 5, 10]);
  });
});

describe('publishing for the playground', () => {
  it('writes the page as HTML with sibling links rewritten, copies the chart, and merges the summary', async () => {
    const { mkdtempSync, writeFileSync, readFileSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { publishStudy } = await import('../src/cli/studies/publish');
    const docs = mkdtempSync(join(tmpdir(), 'alembic-docs-'));
    const pub = join(docs, 'public');
    writeFileSync(join(docs, 'README.md'), '# Findings\n\n- see [A](a.md)\n');
    writeFileSync(join(docs, 'a.md'), '# Study A\n\n| arm | x |\n| --- | --- |\n| one | 1 |\n\nSee [B](b.md) and [the paper](https://example.org/p.md).\n');
    writeFileSync(join(docs, 'a.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const study = { name: 'a', title: 'Study A', arms: [{}, {}] } as unknown as Parameters<typeof publishStudy>[0];
    const claims = [{ claim: 'X helps', verdict: 'partly' as const, line: '1 vs 2' }];
    publishStudy(study, claims, { seeds: 3, steps: 100 }, docs, pub);
    const html = readFileSync(join(pub, 'a.html'), 'utf8');
    expect(html).toContain('<table>');
    expect(html).toContain('href="b.html"');
    expect(html).toContain('href="https://example.org/p.md"'); // only sibling pages change
    expect(readFileSync(join(pub, 'index.html'), 'utf8')).toContain('href="a.html"');
    expect(existsSync(join(pub, 'a.svg'))).toBe(true);
    // A second study is added beside the first, not over it.
    writeFileSync(join(docs, 'b.md'), '# Study B\n');
    writeFileSync(join(docs, 'b.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    publishStudy({ ...study, name: 'b', title: 'Study B' } as typeof study, [], { seeds: 5, steps: 50 }, docs, pub);
    const summary = JSON.parse(readFileSync(join(pub, 'summary.json'), 'utf8'));
    expect(Object.keys(summary).sort()).toEqual(['a', 'b']);
    expect(summary.a).toEqual({ title: 'Study A', seeds: 3, steps: 100, arms: 2, claims, page: 'a.html', chart: 'a.svg' });
    expect(summary.b.seeds).toBe(5);
  });
});
