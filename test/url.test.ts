import { describe, expect, test } from 'vitest';
import { MAX_PROBLEMS, decodeHash, encodeHash } from '../src/state/url';
import { defaultSpec, resolveSpec } from '../src/shared/runSpec';
import { getPreset } from '../src/state/presets';

describe('URL hash codec', () => {
  test('an empty hash gives the defaults with no problems', () => {
    const d = decodeHash('');
    expect(d.empty).toBe(true);
    expect(d.problems).toEqual([]);
    expect(d.spec).toEqual(defaultSpec());
    expect(d.hidden).toEqual([]);
  });

  test('round trip: a race with non-default values and hidden controls comes back equal', () => {
    const { spec, problems } = resolveSpec({
      settings: { task: 'grammar', seed: 42, lr: 0.0005, batchSize: 16, evalEvery: 5 },
      lanes: [
        { method: 'kd', hyper: { temperature: 2.5 } },
        { method: 'rkl', hyper: {} },
        { method: 'ammd', hyper: { criticSteps: 5, penalty: 0, policyGradient: true } },
      ],
    });
    expect(problems).toEqual([]);
    const hash = encodeHash(spec, ['lr', 'seed']);
    const back = decodeHash(hash);
    expect(back.problems).toEqual([]);
    expect(back.spec).toEqual(spec);
    expect(back.hidden).toEqual(['lr', 'seed']);
    // The link is readable: bare settings, numbered students, their params prefixed.
    expect(hash).toContain('task=grammar');
    expect(hash).toContain('seed=42');
    expect(hash).toContain('s1=kd');
    expect(hash).toContain('s1.temperature=2.5');
    expect(hash).toContain('s3.policyGradient=true');
    expect(hash).toContain('hide=lr,seed');
  });

  test('values out of range are clamped, with a notice naming each', () => {
    // lr is declared in [1e-5, 0.05]; batchSize in [4, 128] in steps of 4; criticSteps K in [0, 10].
    const d = decodeHash('#lr=5&batchSize=1&s1=ammd&s1.criticSteps=99');
    expect(d.spec.settings.lr).toBe(0.05);
    expect(d.spec.settings.batchSize).toBe(4);
    expect(d.spec.lanes[0].hyper.criticSteps).toBe(10);
    expect(d.problems.length).toBe(3);
    expect(d.problems.join(' ')).toMatch(/Learning rate/);
    expect(d.problems.join(' ')).toMatch(/Batch size/);
    expect(d.problems.join(' ')).toMatch(/Critic steps/);
  });

  test('unknown keys, methods, choices and hidden ids are dropped with notices, never thrown', () => {
    const d = decodeHash('#task=banana&zzz=1&s1=magic&s1.nope=3&s7=kd&hide=lr,bogus');
    expect(d.spec.settings.task).toBe('addition');
    expect(d.spec.lanes.length).toBe(1);
    expect(d.spec.lanes[0].method).toBe('ammd'); // the default method
    expect(d.hidden).toEqual(['lr']);
    const text = d.problems.join('\n');
    expect(text).toMatch(/banana/);
    expect(text).toMatch(/zzz/);
    expect(text).toMatch(/magic/);
    expect(text).toMatch(/nope/);
    expect(text).toMatch(/s7/);
    expect(text).toMatch(/bogus/);
  });

  test('malformed pieces (bad percent-encoding, no "=") are reported and the rest still applies', () => {
    const d = decodeHash('#%E0%A4%A&seed=7&justaword');
    expect(d.spec.settings.seed).toBe(7);
    expect(d.problems.length).toBe(2);
    expect(d.problems[0]).toMatch(/URL encoding/);
    expect(d.problems[1]).toMatch(/name=value/);
  });

  test('a non-number for a number setting falls back to its default', () => {
    const d = decodeHash('#seed=abc');
    expect(d.spec.settings.seed).toBe(defaultSpec().settings.seed);
    expect(d.problems).toHaveLength(1);
  });

  test('students are ordered by number and gaps close up', () => {
    const d = decodeHash('#s3=rkl&s1=kd');
    expect(d.spec.lanes.map((l) => l.method)).toEqual(['kd', 'rkl']);
    expect(d.problems).toEqual([]);
  });

  test('student heads that do not divide the width are fixed, with a notice', () => {
    const d = decodeHash('#studentWidth=24&studentHeads=5');
    expect(d.spec.settings.studentHeads).toBe(4); // 24 % 5 ≠ 0; the largest divisor below is 4
    expect(d.problems).toHaveLength(1);
  });

  test('a fractional width is snapped to its step, not left to freeze the head search', () => {
    const d = decodeHash('#studentWidth=12.5');
    // Width is declared in steps of 8: 12.5 is nearest 16 (12.5 / 8 = 1.56 → 2 × 8).
    expect(d.spec.settings.studentWidth).toBe(16);
    expect(d.spec.settings.studentHeads).toBe(2);
    expect(d.problems).toEqual(['Student width: 12.5 is not a multiple of 8; using 16']);
  });

  test('fractional batch size, evaluation prompts and seed are named as such', () => {
    const d = decodeHash('#batchSize=4.5&evalPrompts=12&seed=1.5');
    expect(d.spec.settings.batchSize).toBe(4);
    expect(d.spec.settings.evalPrompts).toBe(16); // 12 / 8 = 1.5 rounds up to 2 × 8
    expect(d.spec.settings.seed).toBe(2);
    const text = d.problems.join('\n');
    expect(text).toContain('Batch size: 4.5 is not a multiple of 4; using 4');
    expect(text).toContain('Evaluation prompts: 12 is not a multiple of 8; using 16');
    expect(text).toContain('Seed: 1.5 is not a whole number; using 2');
    expect(text).not.toMatch(/outside/);
  });

  test('a huge learning rate clamps the same way whether or not it overflows to Infinity', () => {
    for (const raw of ['1e9', '1e309']) {
      const d = decodeHash(`#lr=${raw}`);
      expect(d.spec.settings.lr).toBe(0.05);
      expect(d.problems).toEqual([`Learning rate: ${raw} is above the maximum 0.05; using 0.05`]);
    }
    expect(decodeHash('#lr=-1e309').spec.settings.lr).toBe(0.00001);
  });

  test('prototype keys and repeated keys are reported, never dropped silently', () => {
    const d = decodeHash('#s1=kd&s1.__proto__=x&__proto__=y&hide=lr&hide=seed&seed=3&seed=4');
    expect(Object.getPrototypeOf(d.spec.lanes[0].hyper)).toBe(Object.prototype);
    expect(Object.keys(d.spec.lanes[0].hyper)).toEqual(['temperature']);
    expect(d.hidden).toEqual(['lr', 'seed']);
    expect(d.spec.settings.seed).toBe(4);
    const text = d.problems.join('\n');
    expect(text).toContain("'__proto__' is not a parameter of kd");
    expect(text).toContain("Ignored unknown setting '__proto__'");
    expect(text).toMatch(/'hide' was given more than once/);
    expect(text).toMatch(/'seed' was given more than once; using the last value/);
  });

  test('a long value is quoted in part, never echoed whole', () => {
    const long = 'x'.repeat(100_000);
    const d = decodeHash(`#seed=${long}&task=${long}&s1=${long}&${long}=1`);
    expect(d.problems).toHaveLength(4);
    for (const p of d.problems) {
      expect(p.length).toBeLessThan(300);
      expect(p).toContain('(100000 characters)');
    }
  });

  test('present=1 opens presenter mode, round-trips, and alone still counts as no experiment', () => {
    const d = decodeHash('#present=1');
    expect(d.present).toBe(true);
    expect(d.empty).toBe(true); // a saved run still restores under a presenter link
    expect(d.problems).toEqual([]);
    expect(decodeHash('#seed=3').present).toBe(false);
    const hash = encodeHash(d.spec, ['share'], true);
    expect(hash).toMatch(/&hide=share&present=1$/);
    expect(decodeHash(hash)).toMatchObject({ present: true, hidden: ['share'], problems: [] });
    expect(decodeHash('#present=maybe').problems).toEqual(["Ignored 'present=maybe': use present=1 for presenter mode"]);
  });
  test('lesson=ID opens a lesson on its own experiment; the link’s own settings and students win; an unknown one is named', () => {
    const preset = getPreset('critic-adversary')!;
    const own = decodeHash(`#lesson=${preset.id}`);
    expect(own).toMatchObject({ lesson: preset.id, problems: [], empty: false });
    expect(own.spec).toEqual(resolveSpec(preset.spec).spec);
    // A seed given by the link replaces the lesson's; its students stay.
    const reseeded = decodeHash(`#lesson=${preset.id}&seed=9`);
    expect(reseeded.spec.settings.seed).toBe(9);
    expect(reseeded.spec.settings.task).toBe('addition');
    expect(reseeded.spec.lanes.map((l) => l.hyper.criticFeatures)).toEqual(['probs', 'own']);
    // Students given by the link replace the lesson's.
    expect(decodeHash(`#lesson=${preset.id}&s1=kd`).spec.lanes.map((l) => l.method)).toEqual(['kd']);
    // The page's own link round-trips, the lesson included.
    const hash = encodeHash(own.spec, ['lr'], true, preset.id);
    expect(hash).toMatch(/&lesson=critic-adversary&hide=lr&present=1$/);
    expect(decodeHash(hash)).toMatchObject({ lesson: preset.id, hidden: ['lr'], present: true, problems: [] });
    expect(decodeHash(hash).spec).toEqual(own.spec);
    expect(decodeHash('#seed=3').lesson).toBeNull();
    const unknown = decodeHash('#lesson=nope&seed=2');
    expect(unknown.lesson).toBeNull();
    expect(unknown.problems).toEqual(["Ignored unknown lesson 'nope'"]);
  });

  test('numbers are plain decimal text: hex and padding are named, with what was read', () => {
    const hex = decodeHash('#batchSize=0x10');
    expect(hex.spec.settings.batchSize).toBe(32); // the default, not 16
    expect(hex.problems).toEqual(["Batch size: '0x10' is not a plain decimal number; using 32"]);
    for (const raw of ['1_000', 'Infinity', '0b11', '1e', '.']) expect(decodeHash(`#seed=${raw}`).problems[0]).toMatch(/is not a plain decimal number/);
    const padded = decodeHash('#seed=%207%20');
    expect(padded.spec.settings.seed).toBe(7);
    expect(padded.problems).toEqual(["Seed: ' 7 ' has spaces around the number; read as 7"]);
    // Exponents are decimal too (the codec itself writes small rates as 1e-5).
    expect(decodeHash('#lr=1e-5&seed=+3&s1=kd&s1.temperature=2.').problems).toEqual([]);
  });

  test('a link with thousands of problems lists a dozen and counts the rest', () => {
    const d = decodeHash('#' + Array.from({ length: 2000 }, () => 'zzz=1').join('&'));
    // 2,000 unknown keys and one note that the key was repeated: 2,001 problems.
    expect(d.problems).toHaveLength(MAX_PROBLEMS);
    expect(d.problems[MAX_PROBLEMS - 1]).toBe(`…and ${2001 - (MAX_PROBLEMS - 1)} more`);
    expect(d.problems.join('\n').length).toBeLessThan(1000);
    expect(d.problems.filter((p) => p.includes('more than once'))).toHaveLength(1);
  });
});
