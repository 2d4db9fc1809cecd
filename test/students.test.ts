// Partial credit against hand-worked values, and the shipped warm-start students: loading one
// reproduces the score its training run recorded, scratch differs, and a size without a
// shipped checkpoint falls back to scratch with a notice.
import { describe, expect, it } from 'vitest';
import { positionalAccuracy } from '../src/engine/tasks/partialCredit';
import { grammaticalPrefixFraction } from '../src/engine/tasks/grammar';
import { TASKS } from '../src/engine/tasks';
import { Rng } from '../src/engine/rng';
import { scoreModel } from '../src/engine/scoring';
import { DEFAULT_STUDENT } from '../src/engine/model/sizes';
import { Trainer, resolveConfig, isEvalStep } from '../src/engine/trainer';
import { loadModelDir, loadStudentStart, studentDir } from '../src/cli/nodeModel';
import { tinyTeacher } from './helpers/tinyRun';

describe('partial credit', () => {
  it('per-position accuracy counts missing and extra characters as wrong', () => {
    expect(positionalAccuracy('0168', '0168')).toBe(1);
    expect(positionalAccuracy('0178', '0168')).toBe(3 / 4); // one digit wrong
    expect(positionalAccuracy('016', '0168')).toBe(3 / 4); // one missing
    expect(positionalAccuracy('01680', '0168')).toBe(4 / 5); // one extra
    expect(positionalAccuracy('1680', '0168')).toBe(0); // shifted by one: no position right
    expect(positionalAccuracy('', 'abc')).toBe(0);
    expect(positionalAccuracy('', '')).toBe(1);
  });

  it('addition and reverse compare with their reference answers', () => {
    // 045 + 123 = 0168
    expect(TASKS.addition.partialCredit('045+123=', '0168')).toBe(1);
    expect(TASKS.addition.partialCredit('045+123=', '0160')).toBe(3 / 4);
    // 'abcd' reversed is 'dcba'; 'dcxa' has 3 of 4 right, an unfinished 'dcba…' 4 of 5.
    expect(TASKS.reverse.partialCredit('abcd>', 'dcxa')).toBe(3 / 4);
    expect(TASKS.reverse.partialCredit('abcd>', 'dcba…')).toBe(4 / 5);
  });

  it('grammar: the share of the sample (and its end) before it leaves the grammar', () => {
    expect(grammaticalPrefixFraction('the cat ran')).toBe(1); // 11 characters + end
    expect(grammaticalPrefixFraction('the cat saw')).toBe(11 / 12); // "saw" needs an object
    expect(grammaticalPrefixFraction('the cqt ran')).toBe(5 / 12); // "the c" starts a sentence, "the cq" none
    expect(grammaticalPrefixFraction('xyz')).toBe(0);
    expect(grammaticalPrefixFraction('he ran…')).toBe(6 / 8); // unfinished: the marker and the end are wrong
    expect(TASKS.grammar.partialCredit('', 'she hid here')).toBe(1);
  });
});

describe('dense early evaluation', () => {
  it('records steps 1, 2, 4, 8, 16 and then every evalEvery', () => {
    const steps = Array.from({ length: 60 }, (_, i) => i + 1).filter((s) => isEvalStep(s, 25));
    expect(steps).toEqual([1, 2, 4, 8, 16, 25, 50]);
  });
});

describe('shipped warm-start students', () => {
  for (const task of ['addition', 'reverse'] as const) {
    it(`the ${task} student scores what its training run recorded, from the file and as a run's step 0`, async () => {
      const { model, meta } = loadModelDir(studentDir(task, DEFAULT_STUDENT));
      expect(meta.role).toBe('student');
      const recorded = meta.score64 as number;
      // Well below the teacher (exact match 1.0), above nothing: a partly trained student.
      expect(recorded).toBeGreaterThan(0.1);
      expect(recorded).toBeLessThan(0.9);
      const scored = await scoreModel(model, TASKS[task], new Rng(1234), { limit: 64 });
      model.dispose();
      expect(scored.score).toBeCloseTo(recorded, 10);
      expect(scored.partialCredit).toBeCloseTo(meta.partialCredit64 as number, 6);

      // The same checkpoint through the run setting: the first record is its score; scratch is not.
      // The step-0 score depends on the student alone, so a tiny random teacher will do (fast).
      const teacher = tinyTeacher(task);
      const first = async (studentInit: string) => {
        const { config } = resolveConfig({ method: 'sft', settings: { task, studentInit } });
        const start = loadStudentStart(config);
        expect(start.notice).toBeNull();
        const trainer = await Trainer.create(config, teacher, { initialStudent: start.model, evalPrompts: 64 });
        start.model?.dispose();
        const record = await trainer.evaluate();
        const started = trainer.studentStart;
        trainer.dispose();
        return { record, started };
      };
      const warm = await first('sft');
      const cold = await first('scratch');
      teacher.dispose();
      expect(warm.started).toBe('sft');
      expect(warm.record.score).toBeCloseTo(recorded, 10);
      expect(cold.started).toBe('scratch');
      expect(cold.record.score).toBe(0); // random weights never write a whole answer right
      expect(cold.record.partialCredit!).toBeLessThan(warm.record.partialCredit! - 0.2);
    });
  }

  it('a size without a shipped checkpoint starts from scratch with a notice', async () => {
    const { config } = resolveConfig({ method: 'sft', settings: { task: 'addition', studentWidth: 8, studentHeads: 2 } });
    expect(config.settings.studentInit).toBe('sft');
    const start = loadStudentStart(config);
    expect(start.model).toBeNull();
    expect(start.notice).toMatch(/No warm-start addition student ships for width 8, 1 layer, 2 heads/);
  });
});
