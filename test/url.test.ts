import { describe, expect, test } from 'vitest';
import { decodeHash, encodeHash } from '../src/state/url';
import { defaultSpec, resolveSpec } from '../src/shared/runSpec';

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
    // lr is declared in [1e-5, 0.05]; batchSize in [4, 128] integers... step 4 is not enforced
    // by coerce, but the range is; criticSteps K in [0, 10].
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
    expect(d.spec.lanes[0].method).toBe('ammd');
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
});
