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
});
