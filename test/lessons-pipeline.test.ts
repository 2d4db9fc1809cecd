// The lesson pipeline end to end on one small lesson (a tiny random teacher, a d8 student, a few
// steps, two seeds, cpu backend): every student × seed runs, the trajectories and the check come
// from the runs' own records, and the page's reference, index, markdown page and chart are written.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLesson } from '../src/cli/lessons/run';
import { writeLesson } from '../src/cli/lessons/render';
import type { Preset } from '../src/state/presets';
import type { LessonIndex, LessonReference } from '../src/state/lessons';
import { tinyTeacher } from './helpers/tinyRun';

const dir = mkdtempSync(join(tmpdir(), 'alembic-lessons-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny: Preset = {
  id: 'tiny',
  title: 'Tiny',
  question: 'Which is lower?',
  lesson: 'SFT against word-level KD on a random teacher: the check compares the forward KL on teacher samples.',
  effect: { metric: 'fklTeacher', lower: 1, higher: 0, checkpoint: 4, steps: 4 },
  spec: {
    settings: { task: 'addition', studentWidth: 8, studentHeads: 2, batchSize: 4, evalEvery: 2, seed: 1, lr: 0.01 },
    lanes: [{ method: 'sft' }, { method: 'kd' }],
  },
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

describe('npm run lessons machinery', () => {
  it('runs every student over the seeds, summarises, checks and writes the reference', async () => {
    const teacher = tinyTeacher('addition', 3, 8);
    const { runs, reference } = await verifyLesson(tiny, { seeds: 2, teacher, backend: 'cpu', cacheDir: join(dir, 'cache'), evalPrompts: 8 });
    teacher.dispose();

    expect(runs.map((r) => r.map((x) => x.seed))).toEqual([
      [1, 2],
      [1, 2],
    ]);
    // Every run recorded step 0 and the checkpoint.
    for (const r of runs.flat()) expect(r.records.map((x) => x.step)).toEqual(expect.arrayContaining([0, 4]));
    // The two seeds differ (a seed changes the run).
    expect(runs[0][0].records.at(-1)!.fklTeacher).not.toBe(runs[0][1].records.at(-1)!.fklTeacher);

    // The check's numbers are the mean and sample sd of the seeds' values at step 4.
    const at4 = (lane: number) => runs[lane].map((r) => r.records.find((x) => x.step === 4)!.fklTeacher as number);
    const kd = at4(1);
    const sft = at4(0);
    expect(reference.check.lower.label).toBe('KD (word level)');
    expect(reference.check.lower.mean).toBeCloseTo(mean(kd), 12);
    expect(reference.check.lower.sd).toBeCloseTo(sd(kd), 12);
    expect(reference.check.higher.mean).toBeCloseTo(mean(sft), 12);
    expect(reference.check.holds).toBe(mean(kd) + sd(kd) < mean(sft) - sd(sft));

    // Trajectories: one per student, the mean at each recorded step.
    const t = reference.trajectories[1];
    const i4 = t.steps.indexOf(4);
    expect(t.metrics.fklTeacher.mean[i4]).toBeCloseTo(mean(kd), 4);
    expect(t.metrics.fklTeacher.sd[i4]).toBeCloseTo(sd(kd), 4);
    expect(reference.trajectories[0].metrics.criticLoss).toBeUndefined(); // null-only metrics are left out

    const ref: LessonReference = { ...reference, commit: 'abc', command: 'npm run lessons -- --lesson tiny' };
    writeLesson(tiny, ref, join(dir, 'docs'), join(dir, 'public'));
    const back = JSON.parse(readFileSync(join(dir, 'public', 'tiny.json'), 'utf8')) as LessonReference;
    expect(back.check).toEqual(ref.check);
    const index = JSON.parse(readFileSync(join(dir, 'public', 'index.json'), 'utf8')) as LessonIndex;
    expect(index.tiny).toEqual({ title: 'Tiny', holds: ref.check.holds, seeds: 2, checkpoint: 4 });
    const md = readFileSync(join(dir, 'docs', 'tiny.md'), 'utf8');
    expect(md).toContain(`**The check ${ref.check.holds ? 'holds' : 'does not hold'}.**`);
    // One panel for the checked metric plus score (and partial credit where recorded), one mean line per student in each.
    const panels = 1 + ['score', 'partialCredit'].filter((m) => reference.trajectories[0].metrics[m]).length;
    expect(readFileSync(join(dir, 'docs', 'tiny.svg'), 'utf8').match(/<polyline /g)?.length).toBe(2 * panels);

    // A second verification reads the cached runs instead of training again.
    const again = await verifyLesson(tiny, { seeds: 2, teacher: tinyTeacher('addition', 3, 8), backend: 'cpu', cacheDir: join(dir, 'cache'), evalPrompts: 8 });
    expect(again.reference.check).toEqual(reference.check);
  });

  it('a lesson that starts its students from scratch runs them from scratch, as the page would', async () => {
    // At the default size the shipped SFT student exists, so the two starts give different
    // students at step 0; before this was fixed the verification ran every lesson from SFT.
    const at = (init: string) => ({
      ...tiny,
      id: `start-${init}`,
      spec: { ...tiny.spec, settings: { ...tiny.spec.settings, studentWidth: 32, studentInit: init } },
    });
    const step0 = async (init: string) => {
      const teacher = tinyTeacher('addition', 3, 8);
      const { runs } = await verifyLesson(at(init), { seeds: 2, teacher, backend: 'cpu', cacheDir: join(dir, 'starts'), evalPrompts: 8 });
      teacher.dispose();
      return runs.map((r) => r.map((x) => x.records[0].fklTeacher as number));
    };
    const sft = await step0('sft');
    const scratch = await step0('scratch');
    // The same seed starts from the same student under both lanes' methods, so lanes agree at step 0 …
    expect(scratch[0]).toEqual(scratch[1]);
    // … and a scratch student is not the SFT one.
    for (const seed of [0, 1]) expect(scratch[0][seed]).not.toBeCloseTo(sft[0][seed], 3);
    expect(
      readdirSync(join(dir, 'starts'))
        .filter((f) => f.startsWith('start-scratch'))
        .every((f) => f.includes('__scratch')),
    ).toBe(true);
  });
});
