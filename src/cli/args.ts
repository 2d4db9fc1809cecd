// What every command line here does the same way: parse with node's parseArgs; on any problem
// print one line saying what was wrong followed by the usage, then exit with a usage error (2);
// read numbers strictly (plain decimal text only, so '--steps abc' or '--batch 0x10' is a usage
// error, not NaN or 16); and end any failure it did not foresee with one line too: exit 5 for an
// output that cannot be written (./outputFiles), 1 for anything else (ALEMBIC_DEBUG=1 adds the
// stack trace).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isPlainDecimal, quote } from '../engine/params';
import { OutputError } from './outputFiles';

/** Exit code of a command line the user must correct. */
export const USAGE_EXIT = 2;
/** Exit code of a failure nobody foresaw. */
export const INTERNAL_EXIT = 1;

/** How a command fails on bad input; give the variable this type so TypeScript knows it never returns. */
export type Fail = (message: string, code?: number) => never;

export interface NumberRange {
  min?: number;
  max?: number;
  /** The number must be strictly above this. */
  above?: number;
}

export interface CommandLine<T extends ParseArgsConfig> {
  values: ReturnType<typeof parseArgs<T>>['values'];
  positionals: string[];
  /** Print `message` and the usage, and exit with `code` (a usage error unless given). */
  fail: Fail;
  /** A whole number ≥ `min` (≤ `max`) from an option's text, written as decimal digits, or fail naming the option. */
  whole(option: string, text: string | undefined, min?: number, max?: number): number;
  /** A plain decimal number in the range, or fail naming the option. */
  number(option: string, text: string | undefined, range?: NumberRange): number;
  /** One of `allowed`, or fail naming the option and the choices. */
  oneOf<V extends string>(option: string, text: string | undefined, allowed: readonly V[]): V;
}

/** The command's name for its messages, read from its usage line ('usage: npm run NAME …'). */
function commandName(usage: string): string {
  return /npm run ([\w:-]+)/.exec(usage)?.[1] ?? 'command';
}

let handling = false;

/**
 * From now on, an error nobody caught ends the process with one line on stderr: code 5 when it
 * is an output that cannot be written, 1 otherwise.
 */
export function endFailuresInOneLine(name: string): void {
  if (handling) return;
  handling = true;
  const end = (e: unknown) => {
    const output = e instanceof OutputError;
    const text = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    console.error(output ? `${name}: ${text}` : `${name}: unexpected error: ${text}`);
    if (process.env.ALEMBIC_DEBUG) console.error(e);
    process.exit(output ? e.exitCode : INTERNAL_EXIT);
  };
  process.on('uncaughtException', end);
  process.on('unhandledRejection', end);
}

function describeRange({ min, max, above }: NumberRange): string {
  const low = above !== undefined ? `> ${above}` : min !== undefined ? `≥ ${min}` : '';
  const high = max !== undefined ? `≤ ${max}` : '';
  return [low, high].filter(Boolean).join(' and ');
}

/**
 * Parse the process's arguments (strict: unknown options are errors) against `config`. Given no
 * `argv` (a real command, not a test), it also ends unforeseen failures in one line.
 */
export function commandLine<T extends ParseArgsConfig>(usage: string, config: T, argv?: string[]): CommandLine<T> {
  if (!argv) endFailuresInOneLine(commandName(usage));
  const fail = (message: string, code = USAGE_EXIT): never => {
    console.error(`${message}\n${usage}`);
    process.exit(code);
  };
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs({ strict: true, ...config, ...(argv ? { args: argv } : {}) }) as ReturnType<typeof parseArgs<T>>;
  } catch (e) {
    return fail((e as Error).message);
  }
  const shown = (text: string | undefined) => JSON.stringify(quote(text ?? '')).slice(1, -1);
  return {
    values: parsed.values,
    positionals: (parsed as { positionals?: string[] }).positionals ?? [],
    fail,
    whole(option, text, min = 1, max = Number.MAX_SAFE_INTEGER) {
      const ok = text !== undefined && /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text));
      const n = Number(text);
      if (!ok || n < min || n > max) {
        const bounds = describeRange({ min: min > Number.MIN_SAFE_INTEGER ? min : undefined, max: max < Number.MAX_SAFE_INTEGER ? max : undefined });
        fail(`--${option} must be a whole number${bounds ? ` ${bounds}` : ''}, got '${shown(text)}'`);
      }
      return n;
    },
    number(option, text, range = {}) {
      const n = Number(text);
      const ok =
        text !== undefined &&
        isPlainDecimal(text) &&
        Number.isFinite(n) &&
        (range.min === undefined || n >= range.min) &&
        (range.max === undefined || n <= range.max) &&
        (range.above === undefined || n > range.above);
      if (!ok) {
        const bounds = describeRange(range);
        fail(`--${option} must be a decimal number${bounds ? ` ${bounds}` : ''}, got '${shown(text)}'`);
      }
      return n;
    },
    oneOf(option, text, allowed) {
      if (text === undefined || !(allowed as readonly string[]).includes(text)) fail(`--${option} must be one of ${allowed.join(', ')}, got '${shown(text)}'`);
      return text as (typeof allowed)[number];
    },
  };
}
