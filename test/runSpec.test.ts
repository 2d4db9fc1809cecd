import { describe, expect, test } from 'vitest';
import { MAX_LANES, PAGE_PARAMS, resolveRun, splitSettings } from '../src/shared/runSpec';
import { resolveConfig } from '../src/engine/runConfig';

describe('run spec', () => {
  test('resolveRun gives each lane the trainer config resolveConfig gives for its engine settings', () => {
    const run = resolveRun({
      settings: { task: 'reverse', seed: 7, studentWidth: 48, evalPrompts: 16, backend: 'cpu' },
      lanes: [{ method: 'gkd', hyper: { beta: 0.3 } }, { method: 'sft' }],
    });
    expect(run.problems).toEqual([]);
    expect(run.page).toEqual({ evalPrompts: 16, backend: 'cpu' });
    expect(run.configs.length).toBe(2);
    const { engine } = splitSettings(run.spec.settings);
    run.spec.lanes.forEach((lane, i) => {
      const direct = resolveConfig({ method: lane.method, settings: engine, hyper: lane.hyper });
      expect(direct.problems).toEqual([]);
      expect(run.configs[i]).toEqual(direct.config);
    });
    // The page's own options never reach a trainer config.
    for (const p of PAGE_PARAMS) expect(run.configs[0].settings).not.toHaveProperty(p.id);
    expect(run.spec.settings.evalPrompts).toBe(16);
  });

  test('problems are worded per student only when several race, and extra students are dropped', () => {
    const lanes = Array.from({ length: MAX_LANES + 1 }, () => ({ method: 'sft' }));
    lanes[1] = { method: 'nope' };
    const run = resolveRun({ lanes });
    expect(run.configs.length).toBe(MAX_LANES);
    expect(run.problems.some((p) => p.startsWith('Student 2: Unknown method'))).toBe(true);
    expect(run.problems.some((p) => p.includes(`dropped 1`))).toBe(true);
    const single = resolveRun({ lanes: [{ method: 'nope' }] });
    expect(single.problems[0].startsWith('Unknown method')).toBe(true);
  });

  test('an empty spec gets one default student and the default page options', () => {
    const run = resolveRun({});
    expect(run.spec.lanes.length).toBe(1);
    expect(run.page).toEqual({ evalPrompts: 64, backend: 'auto' });
  });
});
