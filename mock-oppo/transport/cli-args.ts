/**
 * The argument handling every command-line entry shares: strict flags, `--help` prints the usage
 * and exits 0, a bad flag prints the problem plus the usage and exits 2 (a usage error, not a crash).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { tokenFromEnv } from '../access/client.ts';
import { checkToken } from '../access/guard.ts';
import { maskSecret } from '../core/apps.ts';

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

/**
 * The one line a CLI prints when a port it must bind is taken (instead of a stack trace), or
 * undefined for any other error. The CLIs then exit 2, like any other usage error.
 */
export function portInUseMessage(err: unknown, what: string): string | undefined {
  const e = err as { code?: unknown; address?: unknown; port?: unknown } | null;
  if (e?.code !== 'EADDRINUSE') return undefined;
  const where = typeof e.port === 'number' ? `${typeof e.address === 'string' ? e.address : '127.0.0.1'}:${e.port}` : 'the port';
  return `${what}: ${where} is already in use (EADDRINUSE); choose another port, or 0 for any free one`;
}

/**
 * Resolves at the first SIGINT or SIGTERM, and from then on ignores both, so the shutdown that
 * follows finishes: a terminal's Ctrl-C reaches npm and the server alike, and npm forwards its own
 * copy, so a server started through `npm run` gets the signal twice.
 */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => resolve(signal);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * The control token a command-line entry was given: `--token`, else the environment variable.
 * Undefined when neither; a number (the exit code 2) after printing why a token is unusable.
 */
export function tokenFromCli(flag: string | undefined, envName: string, env: Record<string, string | undefined> = process.env): string | undefined | number {
  const token = flag ?? tokenFromEnv(envName, env);
  if (token === undefined) return undefined;
  try {
    return checkToken(token);
  } catch (err) {
    // Never echo the value: it is meant to be a secret.
    console.error(`${flag !== undefined ? '--token' : envName}: ${(err as Error).message}`);
    return 2;
  }
}

/** What the start-up output says of the token: a generated one in full (printed this once), a given one masked. */
export function describeToken(required: string | undefined, given: string | undefined, envName: string): string | undefined {
  if (required === undefined) return undefined;
  const how = `control calls send 'Authorization: Bearer <token>'; our clients read ${envName}`;
  if (given !== undefined) return `${maskSecret(given)} (the one given with --token / ${envName}; ${how})`;
  return `${required}   (generated; printed only now; ${how})`;
}
