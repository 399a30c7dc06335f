/**
 * The argument handling every command-line entry shares: strict flags, `--help` prints the usage
 * and exits 0, a bad flag prints the problem plus the usage and exits 2 (a usage error, not a crash).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];

/** The parsed flags, or the exit code the command should end with right away. */
export function readCliArgs<O extends Options>(options: O, help: string, args?: string[], allowPositionals = false): { values: Values<O>; positionals: string[] } | { exit: number } {
  let values: Values<O>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ options, strict: true, allowPositionals, ...(args ? { args } : {}) }) as { values: Values<O>; positionals: string[] });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${help}`);
    return { exit: 2 };
  }
  if ((values as { help?: unknown }).help) {
    console.log(help);
    return { exit: 0 };
  }
  return { values, positionals };
}
