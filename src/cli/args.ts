// What every command line here does the same way: parse with node's parseArgs, and on any problem
// print one line saying what was wrong followed by the usage, then exit with a usage error (2).
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit code of a command line the user must correct. */
export const USAGE_EXIT = 2;

/** How a command fails on bad input; give the variable this type so TypeScript knows it never returns. */
export type Fail = (message: string, code?: number) => never;

export interface CommandLine<T extends ParseArgsConfig> {
  values: ReturnType<typeof parseArgs<T>>['values'];
  positionals: string[];
  /** Print `message` and the usage, and exit with `code` (a usage error unless given). */
  fail: Fail;
  /** A whole number ≥ `min` from an option's text, or fail naming the option. */
  whole(option: string, text: string | undefined, min?: number): number;
  /** One of `allowed`, or fail naming the option and the choices. */
  oneOf<V extends string>(option: string, text: string | undefined, allowed: readonly V[]): V;
}

/** Parse the process's arguments (strict: unknown options are errors) against `config`. */
export function commandLine<T extends ParseArgsConfig>(usage: string, config: T, argv?: string[]): CommandLine<T> {
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
  return {
    values: parsed.values,
    positionals: (parsed as { positionals?: string[] }).positionals ?? [],
    fail,
    whole(option, text, min = 1) {
      const n = Number(text);
      if (text === undefined || text.trim() === '' || !Number.isInteger(n) || n < min) fail(`--${option} must be a whole number ≥ ${min}, got '${text ?? ''}'`);
      return n;
    },
    oneOf(option, text, allowed) {
      if (text === undefined || !(allowed as readonly string[]).includes(text)) fail(`--${option} must be one of ${allowed.join(', ')}, got '${text ?? ''}'`);
      return text as (typeof allowed)[number];
    },
  };
}
