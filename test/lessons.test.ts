// The lesson check against hand-worked numbers, the declarations every lesson must satisfy, and
// the shipped references: each offered lesson's numbers pass the rule for the lesson as declared.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEffect, effectProblems } from '../src/cli/lessons/check';
import { checkAt } from '../src/cli/lessons/run';
import type { RunResult } from '../src/cli/studies/runner';
import { lessonHolds, lessonSeeds } from '../src/state/lessons';
import type { Preset } from '../src/state/presets';
import type { LessonEffect, LessonIndex, LessonReference } from '../src/state/lessons';
import { PRESETS, getPreset } from '../src/state/presets';
import { resolveSpec } from '../src/shared/runSpec';

const effect: LessonEffect = { metric: 'm', lower: 0, higher: 1, checkpoint: 10, steps: 10 };
const arm = (lane: number, values: Array<number | null>) => ({ lane, label: `s${lane + 1}`, values });

describe('checkEffect: means in the stated direction and ±1 sd bands apart', () => {
  it('holds when the bands are apart', () => {
    // [1, 2, 3]: mean 2, sample sd 1. [5, 6, 7]: mean 6, sd 1. 2 + 1 = 3 < 6 − 1 = 5.
    const c = checkEffect(effect, arm(0, [1, 2, 3]), arm(1, [5, 6, 7]));
    expect(c.lower).toMatchObject({ mean: 2, sd: 1, n: 3 });
    expect(c.higher).toMatchObject({ mean: 6, sd: 1, n: 3 });
    expect([c.direction, c.bandsApart, c.holds]).toEqual([true, true, true]);
    expect(c.reason).toBe('');
  });

  it('holds with unequal spreads when the gap still exceeds both sds', () => {
    // [3.5, 4, 4.5]: mean 4, sd 0.5; 2 + 1 = 3 < 4 − 0.5 = 3.5.
    expect(checkEffect(effect, arm(0, [1, 2, 3]), arm(1, [3.5, 4, 4.5])).holds).toBe(true);
  });

  it('fails when the means are right but the bands overlap, and says by how much', () => {
    // [2, 3, 4]: mean 3, sd 1; 2 + 1 = 3 is not below 3 − 1 = 2.
    const c = checkEffect(effect, arm(0, [1, 2, 3]), arm(1, [2, 3, 4]));
    expect([c.direction, c.bandsApart, c.holds]).toEqual([true, false, false]);
    expect(c.reason).toBe('bands overlap: 2.000 + 1.000 = 3.000 is not below 3.000 − 1.000 = 2.000');
  });

  it('bands that only touch count as overlapping', () => {
    // 2 + 1 = 3 and 4 − 1 = 3.
    expect(checkEffect(effect, arm(0, [1, 2, 3]), arm(1, [3, 4, 5])).holds).toBe(false);
  });

  it('fails in the wrong direction even with bands apart', () => {
    const c = checkEffect(effect, arm(0, [5, 6, 7]), arm(1, [1, 2, 3]));
    expect([c.direction, c.holds]).toEqual([false, false]);
    expect(c.reason).toMatch(/^wrong direction/);
  });

  it('fails when a seed has no value at the checkpoint (a halted run)', () => {
    const c = checkEffect(effect, arm(0, [1, null, 3]), arm(1, [50, 60, 70]));
    expect(c.holds).toBe(false);
    expect(c.lower.n).toBe(2);
    expect(c.reason).toMatch(/missing values at step 10: s1 2\/3/);
  });
});

describe('lesson declarations', () => {
  it('each lesson states one effect between two of its students, checked by step 400', () => {
    for (const p of PRESETS) {
      const lanes = resolveSpec(p.spec).spec.lanes.length;
      expect(effectProblems(p.effect, lanes), p.id).toEqual([]);
      // The run's planned length is the lesson's budget, as in the verification.
      expect(p.spec.settings?.steps, p.id).toBe(p.effect.steps);
    }
  });

  it('flags a checkpoint past 400, a missing student and a budget below the checkpoint', () => {
    expect(effectProblems({ metric: 'm', lower: 0, higher: 2, checkpoint: 500, steps: 500 }, 2)).toEqual([
      'checkpoint 500 is past 400 steps',
      'student 3 does not exist (2 students)',
    ]);
    expect(effectProblems({ metric: 'm', lower: 1, higher: 1, checkpoint: 100, steps: 50 }, 2)).toEqual([
      'budget 50 is below the checkpoint 100',
      'compares a student with itself on m',
    ]);
    // Each further comparison is held to the same: students that exist, two different ones.
    const also = [
      { metric: 'a', lower: 0, higher: 3 },
      { metric: 'b', lower: 1, higher: 1 },
    ];
    expect(effectProblems({ metric: 'm', lower: 0, higher: 1, checkpoint: 10, steps: 10, also }, 2)).toEqual([
      'student 4 does not exist (2 students)',
      'compares a student with itself on b',
    ]);
    expect(effectProblems({ metric: 'm', lower: 0, higher: 1, checkpoint: 10, steps: 10, seeds: 2, firstSeed: 0 }, 2)).toEqual([
      '2 seeds: a lesson is checked over at least 3',
      'first seed 0 is not a whole number ≥ 1',
    ]);
  });

  it('a lesson runs 3 seeds from seed 1 unless it declares its own count or first seed', () => {
    const base = { metric: 'm', lower: 0, higher: 1, checkpoint: 10, steps: 10 };
    expect(lessonSeeds(base)).toEqual([1, 2, 3]);
    expect(lessonSeeds({ ...base, seeds: 5 })).toEqual([1, 2, 3, 4, 5]);
    expect(lessonSeeds({ ...base, seeds: 5, firstSeed: 6 })).toEqual([6, 7, 8, 9, 10]);
    // --seeds on the command line overrides the count, not the first seed.
    expect(lessonSeeds({ ...base, seeds: 5, firstSeed: 6 }, 3)).toEqual([6, 7, 8]);
  });
});

describe('a lesson with further comparisons (effect.also)', () => {
  const run = (values: Record<string, number>) => ({ records: [{ step: 10, ...values }] }) as unknown as RunResult;
  // Student 1 lower on m (1, 2, 3 against 7, 8, 9) and on a; student 2 lower on b, but by a hair.
  const runs = [
    [run({ m: 1, a: 1, b: 5 }), run({ m: 2, a: 1.1, b: 6 }), run({ m: 3, a: 0.9, b: 7 })],
    [run({ m: 7, a: 3, b: 4 }), run({ m: 8, a: 3.1, b: 5 }), run({ m: 9, a: 2.9, b: 6 })],
  ];
  const preset = (also: LessonEffect['also']) => ({ effect: { ...effect, also } }) as unknown as Preset;

  it('checks each at the checkpoint by the same rule, and holds only when every one does', () => {
    const ok = checkAt(preset([{ metric: 'a', lower: 0, higher: 1 }]), runs, ['s1', 's2']);
    expect(ok.check.holds).toBe(true);
    expect(ok.alsoChecks!.map((c) => [c.metric, c.lower.mean, c.higher.mean, c.holds])).toEqual([['a', 1, 3, true]]);
    expect(lessonHolds(ok)).toBe(true);
    // b: means 5 and 6 (sd 1 each) the other way round: 5 + 1 is not below 6 − 1.
    const thin = checkAt(
      preset([
        { metric: 'a', lower: 0, higher: 1 },
        { metric: 'b', lower: 1, higher: 0 },
      ]),
      runs,
      ['s1', 's2'],
    );
    expect(thin.alsoChecks![1]).toMatchObject({ metric: 'b', direction: true, bandsApart: false, holds: false });
    expect(thin.alsoChecks![1].lower.label).toBe('s2');
    expect(lessonHolds(thin)).toBe(false);
  });

  it('a lesson without further comparisons has none', () => {
    expect(checkAt(preset(undefined), runs, ['s1', 's2']).alsoChecks).toBeUndefined();
  });
});

describe('checkEffect with one seed', () => {
  it('never holds: one value has no spread to compare', () => {
    const c = checkEffect(effect, arm(0, [1]), arm(1, [9]));
    expect([c.direction, c.bandsApart, c.holds]).toEqual([true, true, false]);
    expect(c.reason).toBe('one seed has no spread: the check needs at least two');
  });
});

describe('shipped lesson references (public/lessons)', () => {
  const dir = join(__dirname, '..', 'public', 'lessons');
  const index: LessonIndex = existsSync(join(dir, 'index.json')) ? JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) : {};

  it('every lesson offered was checked as declared now, over at least 3 seeds, and its numbers pass the rule', () => {
    for (const [id, entry] of Object.entries(index)) {
      const preset = getPreset(id);
      if (!entry.holds) continue;
      expect(preset, `${id} is offered but no longer declared`).toBeDefined();
      const ref = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as LessonReference;
      // A lesson redesigned after its check must be checked again before it ships.
      expect(ref.effect, id).toEqual(preset!.effect);
      expect(ref.spec, id).toEqual(preset!.spec);
      expect(ref.seeds.length, id).toBeGreaterThanOrEqual(3);
      const { lower, higher } = ref.check;
      expect([lower.lane, higher.lane], id).toEqual([preset!.effect.lower, preset!.effect.higher]);
      expect([lower.n, higher.n], id).toEqual([ref.seeds.length, ref.seeds.length]);
      expect(lower.mean + lower.sd, id).toBeLessThan(higher.mean - higher.sd);
      // Each further comparison too, as declared.
      expect(ref.alsoChecks?.length ?? 0, id).toBe(preset!.effect.also?.length ?? 0);
      for (const [i, c] of (ref.alsoChecks ?? []).entries()) {
        const declared = preset!.effect.also![i];
        expect([c.metric, c.lower.lane, c.higher.lane], id).toEqual([declared.metric, declared.lower, declared.higher]);
        expect(c.lower.mean + c.lower.sd, `${id} ${c.metric}`).toBeLessThan(c.higher.mean - c.higher.sd);
      }
      // The trajectory at the checkpoint is the same mean and sd (rounded to 5 significant digits).
      for (const side of [lower, higher]) {
        const t = ref.trajectories[side.lane];
        const i = t.steps.indexOf(ref.effect.checkpoint);
        expect(t.metrics[ref.effect.metric].mean[i]!, id).toBeCloseTo(side.mean, 3);
        expect(t.metrics[ref.effect.metric].sd[i]!, id).toBeCloseTo(side.sd, 3);
      }
    }
  });

  it('every offered lesson’s text states its verified means ± sd and their seeds, briefly, and names a seed the band is not from', () => {
    const offered = Object.entries(index).filter(([, e]) => e.holds);
    expect(offered.length).toBeGreaterThan(0);
    for (const [id] of offered) {
      const preset = getPreset(id)!;
      const ref = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as LessonReference;
      const band = (a: { mean: number; sd: number }) => `${a.mean.toFixed(3)} ± ${a.sd.toFixed(3)}`;
      // The short text a projector shows carries the numbers; the detail waits behind "More".
      expect(preset.lesson, id).toContain(band(ref.check.lower));
      expect(preset.lesson, id).toContain(band(ref.check.higher));
      for (const c of ref.alsoChecks ?? []) {
        expect(preset.lesson, `${id} ${c.metric}`).toContain(band(c.lower));
        expect(preset.lesson, `${id} ${c.metric}`).toContain(band(c.higher));
      }
      const seeds = ref.seeds;
      expect(preset.lesson, id).toContain(`seeds ${seeds[0]}–${seeds[seeds.length - 1]}`);
      expect(seeds, id).toEqual(Array.from({ length: seeds.length }, (_, i) => seeds[0] + i)); // a range, as written
      expect(preset.lesson.length, id).toBeLessThanOrEqual(420);
      expect(preset.more?.length ?? 0, id).toBeGreaterThan(0);
      const pageSeed = Number(resolveSpec(preset.spec).spec.settings.seed);
      if (!seeds.includes(pageSeed)) expect(preset.lesson, id).toContain(`runs seed ${pageSeed}`);
      // Words, not code names: no knob=value in what a learner reads.
      for (const text of [preset.question, preset.lesson]) expect(text, id).not.toMatch(/[a-z]=[a-z]/i);
    }
    // The head-to-head says only what its check shows: a smaller distance, not a faster race.
    const head = getPreset('ammd-vs-gkd')!;
    expect(`${head.lesson} ${head.more}`).not.toMatch(/faster/);
  });
});
