// The committed fixture of the Python parity test must be what the engine computes today: if an
// objective changes, this fails until `npm run parity-fixture` rewrites the file (and the Python
// trainers are checked against the new numbers in CI).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineLosses } from '../src/cli/parity/engineLosses';

function compare(a: unknown, b: unknown, path: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    expect(Math.abs(a - b), path).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(a)));
  } else if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, path).toBe(a.length);
    a.forEach((x, i) => compare(x, b[i], `${path}[${i}]`));
  } else if (a && typeof a === 'object' && b && typeof b === 'object') {
    expect(Object.keys(b as object).sort(), path).toEqual(Object.keys(a as object).sort());
    for (const k of Object.keys(a as object)) compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
  } else {
    expect(b, path).toEqual(a);
  }
}

describe('parity fixture', () => {
  it('recipes/tests/fixtures/engine_losses.json holds the engine’s current losses (else: npm run parity-fixture)', async () => {
    const committed: unknown = JSON.parse(readFileSync('recipes/tests/fixtures/engine_losses.json', 'utf8'));
    const fresh: unknown = JSON.parse(JSON.stringify(await engineLosses()));
    compare(fresh, committed, 'fixture');
  });

  it('the fixture covers every loss the Python side checks, on ragged masks', async () => {
    const f = (await engineLosses()) as { divergences: Array<{ kind: string; beta?: number }>; on: { mask: number[][] }; ammd: unknown[]; minillm: unknown[] };
    const betas = f.divergences.filter((d) => d.kind === 'jsd').map((d) => d.beta);
    expect(betas).toEqual(expect.arrayContaining([0, 0.1, 0.5, 0.9, 1]));
    expect(new Set(f.divergences.map((d) => d.kind))).toEqual(new Set(['fkl', 'rkl', 'tvd', 'jsd', 'skl', 'srkl']));
    expect(f.on.mask.map((r) => r.reduce((a, v) => a + v, 0))).toEqual([4, 3, 4]);
    expect(f.ammd.length).toBeGreaterThanOrEqual(3);
    expect(f.minillm.length).toBeGreaterThanOrEqual(2);
  });

  it('the fixture covers the 2025 methods: both forms of on-policy distillation, TAID, DistiLLM-2, SKD, ABKD and its limits', async () => {
    const f = (await engineLosses()) as Record<string, unknown> & {
      opd: Array<{ variant: string; gamma?: number; grad: number[][][] }>;
      taid: Array<{ t: number }>;
      taid_schedule: Array<{ adaptive: boolean; t: number[] }>;
      distillm2: Array<{ alpha1: number; beta: number }>;
      skd: { cases: Array<{ top_k: number; logits: string; accepted: number[] }> };
      abkd: Array<{ alpha: number; beta: number }>;
      V: number;
    };
    expect(f.opd.map((c) => `${c.variant}${c.gamma ?? ''}`)).toEqual(['dense', 'sampled0', 'sampled0.5', 'sampled1']);
    // Gradients are written whole: [B, T, V].
    expect([f.opd[1].grad.length, f.opd[1].grad[0].length, f.opd[1].grad[0][0].length]).toEqual([3, 6, 7]);
    expect(f.taid.map((c) => c.t)).toEqual([0, 0.4, 0.75, 1]);
    // The schedules both run ahead of the linear one and follow it, and reach t_end.
    expect(f.taid_schedule.map((c) => c.adaptive)).toEqual([true, true, false]);
    expect(f.taid_schedule[1].t.at(-1)).toBe(0.9);
    expect(f.distillm2.length).toBeGreaterThanOrEqual(3);
    expect(new Set(f.skd.cases.map((c) => c.top_k))).toEqual(new Set([1, 2, 3, f.V]));
    // K = V accepts everything, K = 1 not everything: the rule is exercised both ways.
    expect(f.skd.cases.filter((c) => c.top_k === f.V).every((c) => c.accepted.every((x) => x === 1))).toBe(true);
    expect(f.skd.cases.filter((c) => c.top_k === 1).every((c) => c.accepted.some((x) => x === 0))).toBe(true);
    const pairs = f.abkd.map((c) => `${c.alpha},${c.beta}`);
    for (const p of ['1,0', '0,1', '0,0', '0.5,-0.5', '0.2,0.7']) expect(pairs).toContain(p);
  });
});
