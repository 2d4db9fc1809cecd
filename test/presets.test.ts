import { describe, expect, test } from 'vitest';
import { PRESETS, getPreset } from '../src/state/presets';
import { resolveSpec, MAX_LANES } from '../src/shared/runSpec';
import { decodeHash, encodeHash } from '../src/state/url';

describe('presets', () => {
  test('every preset resolves without a single clamped or unknown value, and survives a link', () => {
    for (const p of PRESETS) {
      const { spec, problems } = resolveSpec(p.spec);
      expect(problems, p.id).toEqual([]);
      expect(spec.lanes.length).toBeLessThanOrEqual(MAX_LANES);
      expect(p.lesson.length).toBeGreaterThan(40);
      const back = decodeHash(encodeHash(spec));
      expect(back.spec, p.id).toEqual(spec);
    }
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });

  test('the lessons the issue asks for compare what they say they compare', () => {
    const lanes = (id: string) => resolveSpec(getPreset(id)!.spec).spec;
    const modes = lanes('mode-covering-vs-seeking');
    expect(modes.settings.task).toBe('grammar');
    expect(modes.lanes.map((l) => l.method)).toEqual(['kd', 'rkl']);

    const exposure = lanes('exposure-bias');
    expect(exposure.settings.task).toBe('grammar');
    expect(exposure.lanes.map((l) => [l.method, l.hyper.lambda])).toEqual([
      ['gkd', 0],
      ['gkd', 1],
    ]);

    const critic = lanes('critic-adversary');
    // The default critic against one on a trunk of its own, the only difference between them.
    expect(critic.lanes.map((l) => l.method)).toEqual(['ammd', 'ammd']);
    expect(critic.lanes[0].hyper.criticFeatures).not.toBe('own');
    expect(critic.lanes[1].hyper.criticFeatures).toBe('own');
    const differing = Object.keys(critic.lanes[0].hyper).filter((k) => critic.lanes[0].hyper[k] !== critic.lanes[1].hyper[k]);
    expect(differing).toEqual(['criticFeatures']);

    const skew = lanes('skew-kl');
    expect(skew.lanes.every((l) => l.method === 'distillm')).toBe(true);
    expect(new Set(skew.lanes.map((l) => l.hyper.alpha)).size).toBe(skew.lanes.length);

    const head = lanes('ammd-vs-gkd');
    expect(head.lanes.map((l) => l.method)).toEqual(['ammd', 'gkd']);

    const unpenalised = lanes('unpenalised-critic');
    expect(unpenalised.lanes.some((l) => l.method === 'ammd' && l.hyper.penalty === 0)).toBe(true);
  });
});
