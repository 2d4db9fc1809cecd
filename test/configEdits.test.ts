// The page's edits of the experiment as pure functions: what a changed setting resolves to and
// whether it restarts the run, how live changes are marked on the charts, what a restart says,
// and how metric records from the worker join a lane's history.
import { describe, expect, test } from 'vitest';
import { RestartChanges, editParam, withAddedLane, withLiveMark, withMethod, withoutLane } from '../src/ui/configEdits';
import { allHalted, mergeRecords } from '../src/ui/playgroundState';
import { MAX_LANES, resolveSpec } from '../src/shared/runSpec';
import type { MetricRecord } from '../src/engine/metrics/record';

const spec = resolveSpec({ settings: { lr: 0.003, seed: 1 }, lanes: [{ method: 'ammd' }, { method: 'ammd' }] }).spec;

describe('editing the experiment', () => {
  test('a live setting keeps the run; its value is clamped to the declared range', () => {
    const edit = editParam(spec, null, 'lr', 1)!;
    expect(edit.live).toBe(true);
    expect(edit.before).toBe(0.003);
    expect(edit.after).toBe(0.05); // the declared maximum
    expect(edit.problems.length).toBe(1);
    expect(edit.name).toBe('lr');
    expect(spec.settings.lr).toBe(0.003); // the spec given is not touched
  });

  test("a student's hyperparameter in a race is named by its student; an unknown setting is no edit", () => {
    const edit = editParam(spec, 1, 'criticSteps', 3)!;
    expect(edit.name).toBe('S2 criticSteps');
    expect(edit.spec.lanes[1].hyper.criticSteps).toBe(3);
    expect(edit.spec.lanes[0].hyper.criticSteps).toBe(spec.lanes[0].hyper.criticSteps);
    expect(editParam(spec, null, 'noSuchSetting', 1)).toBeNull();
  });

  test('a restart setting remembers where it started, across several moves', () => {
    const changes = new RestartChanges();
    changes.note(null, editParam(spec, null, 'seed', 2)!, 'seed');
    changes.note(null, { ...editParam(spec, null, 'seed', 5)!, before: 2 }, 'seed');
    expect(changes.take()).toBe('seed 1 → 5');
    expect(changes.take()).toBe('');
  });

  test('lanes: added as a copy of the last up to the limit, removed down to one, switched to a method with its defaults', () => {
    let s = spec;
    while (s.lanes.length < MAX_LANES) s = withAddedLane(s)!;
    expect(s.lanes[MAX_LANES - 1]).toEqual(spec.lanes[1]);
    expect(withAddedLane(s)).toBeNull();
    const one = withoutLane(spec, 0)!;
    expect(one.lanes).toHaveLength(1);
    expect(withoutLane(one, 0)).toBeNull();
    expect(withMethod(spec, 0, 'sft').lanes[0].method).toBe('sft');
  });
});

describe('chart marks', () => {
  test('a slider dragged at one step keeps one mark, which goes if dragged back', () => {
    let marks = withLiveMark([], 10, null, 'lr', 'lr', '3e-3', '5e-3');
    marks = withLiveMark(marks, 10, null, 'lr', 'lr', '3e-3', '8e-3');
    expect(marks).toEqual([{ step: 10, kind: 'live', id: 'lr', lane: null, from: '3e-3', text: 'lr 3e-3 → 8e-3' }]);
    expect(withLiveMark(marks, 10, null, 'lr', 'lr', '8e-3', '3e-3')).toEqual([]);
    expect(withLiveMark(marks, 11, null, 'lr', 'lr', '8e-3', '3e-3')).toHaveLength(2);
  });
});

describe('records and halts', () => {
  const rec = (step: number) => ({ step }) as MetricRecord;

  test('records append in order; one at or before the last step (a reset) replaces what follows', () => {
    const once = mergeRecords(
      [[rec(0), rec(1)], []],
      [
        { lane: 0, record: rec(2) },
        { lane: 1, record: rec(0) },
        { lane: 5, record: rec(0) }, // no such lane: ignored
      ],
    );
    expect(once.map((r) => r.map((x) => x.step))).toEqual([[0, 1, 2], [0]]);
    const reset = mergeRecords(once, [{ lane: 0, record: rec(1) }]);
    expect(reset[0].map((x) => x.step)).toEqual([0, 1]);
  });

  test('play is blocked only when every built student stands halted', () => {
    expect(allHalted({ halts: ['nan', 'nan'], lanesReady: 2 })).toBe(true);
    expect(allHalted({ halts: ['nan', null], lanesReady: 2 })).toBe(false);
    expect(allHalted({ halts: ['nan'], lanesReady: 0 })).toBe(false);
  });
});
