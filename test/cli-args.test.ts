// The shared command-line helper: values parsed as node's parseArgs does, and every problem
// reported as one line plus the usage with exit code 2.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandLine } from '../src/cli/args';

const USAGE = 'usage: npm run thing -- --n N [--mode a|b]';
const config = { options: { n: { type: 'string' }, mode: { type: 'string', default: 'a' } } } as const;

function failure(run: () => void): { code: number | undefined; printed: string } {
  const printed: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((m: string) => void printed.push(m));
  const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
    throw Object.assign(new Error('exit'), { code });
  }) as never);
  try {
    run();
  } catch (e) {
    return { code: (e as { code?: number }).code, printed: printed.join('\n') };
  } finally {
    exit.mockRestore();
  }
  throw new Error('expected the command line to fail');
}

afterEach(() => vi.restoreAllMocks());

describe('commandLine', () => {
  it('parses values and checks whole numbers and choices', () => {
    const cli = commandLine(USAGE, config, ['--n', '12', '--mode', 'b']);
    expect(cli.values).toEqual({ n: '12', mode: 'b' });
    expect(cli.whole('n', cli.values.n)).toBe(12);
    expect(cli.oneOf('mode', cli.values.mode, ['a', 'b'] as const)).toBe('b');
  });

  it('an unknown option fails with the usage and exit code 2', () => {
    const r = failure(() => commandLine(USAGE, config, ['--nope']));
    expect(r.code).toBe(2);
    expect(r.printed).toContain("'--nope'");
    expect(r.printed.endsWith(USAGE)).toBe(true);
  });

  it.each([
    ['1.5', 1],
    ['0', 1],
    ['', 1],
    ['abc', 1],
    ['-3', 0],
  ])("whole('%s', min %d) fails naming the option", (text, min) => {
    const cli = commandLine(USAGE, config, []);
    const r = failure(() => cli.whole('n', text, min));
    expect(r.code).toBe(2);
    expect(r.printed).toContain(`--n must be a whole number ≥ ${min}, got '${text}'`);
  });

  it('oneOf fails listing the choices', () => {
    const cli = commandLine(USAGE, config, []);
    const r = failure(() => cli.oneOf('mode', 'c', ['a', 'b'] as const));
    expect(r.printed).toContain("--mode must be one of a, b, got 'c'");
    expect(r.code).toBe(2);
  });
});
