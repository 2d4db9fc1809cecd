import { describe, expect, test } from 'vitest';
import { PRESETS, getPreset } from '../src/state/presets';
import { resolveSpec, MAX_LANES } from '../src/shared/runSpec';
import { decodeHash, encodeHash } from '../src/state/url';
import { laneLabel } from '../src/state/config';

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
    // Forward KL on grammar sentences against reverse KL on the student's own samples.
    const modes = lanes('mode-covering-vs-seeking');
    expect(modes.settings.task).toBe('grammar');
    expect(modes.lanes.map((l) => [l.method, l.hyper.lambda ?? null, l.hyper.divergence ?? null])).toEqual([
      ['kd', null, null],
      ['gkd', 1, 'rkl'],
    ]);
    // The same two sides on the instructions task: GKD with only λ and the divergence differing.
    const small = lanes('small-student-seeking');
    expect(small.settings.task).toBe('instructions');
    expect(small.lanes.map((l) => [l.method, l.hyper.lambda, l.hyper.divergence])).toEqual([
      ['gkd', 0, 'fkl'],
      ['gkd', 1, 'rkl'],
    ]);
    const differs = Object.keys(small.lanes[0].hyper).filter((k) => small.lanes[0].hyper[k] !== small.lanes[1].hyper[k]);
    expect(differs.sort()).toEqual(['divergence', 'lambda']);

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

    // On-policy distillation's two forms, nothing else apart.
    const opd = lanes('opd-dense-vs-sampled');
    expect(opd.lanes.map((l) => [l.method, l.hyper.variant])).toEqual([
      ['opd', 'sampled'],
      ['opd', 'dense'],
    ]);
    expect(Object.keys(opd.lanes[0].hyper).filter((k) => opd.lanes[0].hyper[k] !== opd.lanes[1].hyper[k])).toEqual(['variant']);

    const unpenalised = lanes('unpenalised-critic');
    expect(unpenalised.lanes.some((l) => l.method === 'ammd' && l.hyper.penalty === 0)).toBe(true);
  });

  test('students are named in words a learner knows: a choice by what it means, a number by its symbol', () => {
    const names = (id: string) => {
      const spec = resolveSpec(getPreset(id)!.spec).spec;
      return spec.lanes.map((_, i) => laneLabel(spec, i));
    };
    expect(names('critic-adversary')).toEqual(['AMMD (critic on hidden states and probabilities)', 'AMMD (critic with a transformer of its own)']);
    expect(names('unpenalised-critic')).toEqual(['AMMD c=0.3', 'AMMD c=0']);
    expect(names('exposure-bias')).toEqual(['GKD λ=0', 'GKD λ=1']);
    expect(names('ammd-vs-gkd')).toEqual(['AMMD', 'GKD']);
    expect(names('opd-dense-vs-sampled')).toEqual(['On-policy distillation (sampled token)', 'On-policy distillation (whole vocabulary)']);
    const race = (a: Record<string, unknown>, b: Record<string, unknown>, method = 'gkd') => {
      const spec = resolveSpec({
        lanes: [
          { method, hyper: a },
          { method, hyper: b },
        ],
      } as never).spec;
      return [laneLabel(spec, 0), laneLabel(spec, 1)];
    };
    expect(race({ divergence: 'fkl' }, { divergence: 'rkl' })).toEqual(['GKD (forward KL)', 'GKD (reverse KL)']);
    // β does nothing beside forward KL, so it does not name the students apart.
    expect(race({ divergence: 'fkl', beta: 0.2 }, { divergence: 'fkl', beta: 0.8 })).toEqual(['GKD', 'GKD']);
    expect(race({ divergence: 'jsd', beta: 0.2 }, { divergence: 'jsd', beta: 0.8 })).toEqual(['GKD β=0.2', 'GKD β=0.8']);
    expect(race({ lambda: 1, divergence: 'fkl' }, { lambda: 0, divergence: 'jsd' })).toEqual(['GKD λ=1 (forward KL)', 'GKD λ=0 (generalized JSD)']);
    expect(race({ policyGradient: true }, {}, 'ammd')).toEqual(['AMMD (with policy-gradient term)', 'AMMD (without policy-gradient term)']);
    // No lesson names a student by a knob=word code, nor with a comma (the panel's sentences hold names between commas).
    for (const p of PRESETS) for (const n of names(p.id)) expect(n, p.id).not.toMatch(/=[a-z]|,/i);
  });
});
