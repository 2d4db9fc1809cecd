// The lesson flow's pure parts: when the experiment stops being the lesson's, when the run has
// reached the checkpoint, which ghosts a lesson draws (and cut where), and how long a lesson takes
// here, each against values worked out by hand.
import { describe, expect, test } from 'vitest';
import { lessonGhosts, ownsExperiment, reachedCheckpoint } from '../src/ui/lesson/lessonFlow';
import { formatDuration, lessonTime, noteLessonRate, referenceSecondsPerStep, speedFactor } from '../src/ui/lesson/lessonDuration';
import { getPreset } from '../src/state/presets';
import { resolveSpec, type RunSpec } from '../src/shared/runSpec';
import type { Ghost } from '../src/state/runs';
import type { MetricRecord } from '../src/engine/metrics/record';
import type { LessonReference } from '../src/state/lessons';

const preset = getPreset('critic-adversary')!; // AMMD vs AMMD (own critic) on addition, checkpoint 60
const own = resolveSpec(preset.spec).spec;
const edit = (f: (s: RunSpec) => void): RunSpec => {
  const s = structuredClone(own);
  f(s);
  return resolveSpec(s).spec;
};
const rec = (step: number, mmOffExact: number | null) => ({ step, mmOffExact }) as unknown as MetricRecord;

describe('lesson flow', () => {
  test('the experiment stays the lesson’s under another seed or width, not with other students or another task', () => {
    expect(ownsExperiment(preset, own)).toBe(true);
    expect(
      ownsExperiment(
        preset,
        edit((s) => (s.settings.seed = 7)),
      ),
    ).toBe(true);
    expect(
      ownsExperiment(
        preset,
        edit((s) => (s.settings.studentWidth = 8)),
      ),
    ).toBe(true);
    expect(
      ownsExperiment(
        preset,
        edit((s) => (s.lanes[1] = { method: 'gkd', hyper: {} })),
      ),
    ).toBe(false);
    expect(
      ownsExperiment(
        preset,
        edit((s) => s.lanes.pop()),
      ),
    ).toBe(false);
    expect(
      ownsExperiment(
        preset,
        edit((s) => (s.settings.task = 'reverse')),
      ),
    ).toBe(false);
  });

  test('the checkpoint is reached when both compared students have a value there', () => {
    expect(reachedCheckpoint(preset, [[rec(0, 3), rec(60, 2)], [rec(60, 4)]])).toBe(true);
    expect(reachedCheckpoint(preset, [[rec(60, 2)], [rec(50, 4)]])).toBe(false);
    expect(reachedCheckpoint(preset, [[rec(60, 2)], [rec(60, null)]])).toBe(false);
    expect(reachedCheckpoint(preset, [[rec(60, 2)]])).toBe(false);
  });

  test('a lesson draws only its own earlier runs on its task, cut at the checkpoint', () => {
    const steps = [0, 10, 50, 60, 70, 500];
    const ghost = (id: number, lesson: string | null | undefined, spec: RunSpec): Ghost => ({
      id,
      label: `g${id}`,
      spec,
      lesson,
      records: spec.lanes.map(() => steps.map((s) => rec(s, 1))),
    });
    const ghosts = [
      ghost(1, preset.id, own),
      ghost(2, 'exposure-bias', own),
      ghost(3, null, own),
      ghost(4, undefined, own), // saved before ghosts were tagged
      ghost(
        5,
        preset.id,
        edit((s) => (s.settings.task = 'reverse')),
      ),
      ghost(
        6,
        preset.id,
        edit((s) => (s.settings.seed = 4)),
      ),
    ];
    const drawn = lessonGhosts(ghosts, preset, own);
    expect(drawn.map((g) => g.id)).toEqual([1, 6]);
    for (const g of drawn) for (const recs of g.records) expect(recs.map((r) => r.step)).toEqual([0, 10, 50, 60]);
    expect(ghosts[0].records[0]).toHaveLength(6); // the kept ghost itself is untouched
  });
});

describe('a lesson’s time here', () => {
  // 3 seeds × 2 students summed to 90 s for 60 steps: 0.5 s per step of the race.
  const ref = { runMs: 90_000, seeds: [1, 2, 3], effect: { ...preset.effect, steps: 60, checkpoint: 60 } } as LessonReference;
  const longer = { runMs: 60_000, seeds: [1, 2, 3], effect: { ...preset.effect, steps: 100, checkpoint: 50 } } as LessonReference;

  test('from the verification’s timing until this page measured its own rate, then scaled by it', () => {
    expect(referenceSecondsPerStep(ref)).toBeCloseTo(0.5, 12);
    expect(speedFactor()).toBeNull();
    expect(lessonTime(ref, null)).toEqual({ seconds: 30, here: false });
    expect(lessonTime(longer, null)!.seconds).toBeCloseTo(10, 12); // 60 s / 3 / 100 steps × 50

    // 1 step/s here against 0.5 s per step there: this machine takes twice as long.
    noteLessonRate(ref, 1);
    expect(speedFactor()).toBe(2);
    expect(lessonTime(ref, speedFactor())).toEqual({ seconds: 60, here: true });
    expect(lessonTime(longer, speedFactor())!.seconds).toBeCloseTo(20, 12);
    // A later rate moves it part of the way: 0.7 × 2 + 0.3 × 1.
    noteLessonRate(ref, 2);
    expect(speedFactor()).toBe(1.7);
    noteLessonRate(ref, 0); // no rate measured: nothing learned
    expect(speedFactor()).toBe(1.7);
  });

  test('durations read as a person says them', () => {
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(4.4)).toBe('4 s');
    expect(formatDuration(32)).toBe('30 s');
    expect(formatDuration(33)).toBe('35 s');
    expect(formatDuration(300)).toBe('5 min');
  });
});
