/**
 * `mock-oppo contract record|verify`: record a backend's real exchanges with OPPO through a
 * proxy, then replay them against the mock and list every difference.
 */
import { readFile } from 'node:fs/promises';
import { parseAppsFile, type AppConfig } from '../core/apps.ts';
import { readCliArgs } from '../transport/cli-args.ts';
import { readSettings, SETTINGS_FLAGS } from '../transport/settings-args.ts';
import { oppoAdapter, verifyOppo } from './oppo.ts';
import { readPairs } from './pairs.ts';
import { recordUntilSignal } from './record.ts';
import { formatReport } from './replay.ts';

const HELP = `Usage:
  mock-oppo contract record --out <dir> [--target <url>] [--port <n>] [--host <addr>]
  mock-oppo contract verify <dir> [--apps <file>] [--settings <file>] [--set name=value]... [--json]

record  a proxy: point your backend's OPPO host at the printed URL; every request goes to --target
        (default https://api.push.oppomobile.com; the intl host for overseas apps) and every
        answer back, unchanged; each pair is stored in <dir> with auth_token/sign replaced by
        placeholders and the values of OPPO_MASTER_SECRET / OPPO_APP_SECRET (env) removed.
        Stops on SIGINT/SIGTERM.
verify  replays <dir> against a fresh mock (its apps: --apps as on your console, by default one
        released app per recorded app_key) and lists every difference in HTTP status, field
        names, JSON types and the code; ids, tokens and times are compared by type.
        Exits 0 when there is none, 1 when there are, 2 on a usage error.`;

export async function contractMain(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === 'record') {
    const args = readCliArgs({ out: { type: 'string' }, target: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean' } } as const, HELP, rest);
    if ('exit' in args) return args.exit;
    const { out, target = 'https://api.push.oppomobile.com', port = '0', host = '127.0.0.1' } = args.values;
    if (out === undefined) {
      console.error(`--out <dir> is required\n\n${HELP}`);
      return 2;
    }
    return recordUntilSignal('contract recorder', { target, dir: out, adapter: oppoAdapter, port: Number(port), host, secrets: [process.env.OPPO_MASTER_SECRET, process.env.OPPO_APP_SECRET] });
  }
  if (verb === 'verify') {
    const args = readCliArgs({ apps: { type: 'string' }, json: { type: 'boolean' }, ...SETTINGS_FLAGS, help: { type: 'boolean' } } as const, HELP, rest, true);
    if ('exit' in args) return args.exit;
    const [dir, ...extra] = args.positionals;
    if (dir === undefined || extra.length > 0) {
      console.error(`verify takes one recording directory\n\n${HELP}`);
      return 2;
    }
    let apps: AppConfig[] | undefined;
    let settings;
    try {
      if (args.values.apps !== undefined) apps = parseAppsFile(await readFile(args.values.apps, 'utf8'));
      settings = await readSettings(args.values.settings, args.values.set ?? []);
    } catch (err) {
      console.error((err as Error).message);
      return 2;
    }
    const pairs = await readPairs(dir);
    const report = await verifyOppo(pairs, { settings, ...(apps ? { apps } : {}) });
    console.log(args.values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.failed.length === 0 ? 0 : 1;
  }
  if (verb === '--help' || verb === undefined) {
    console.log(HELP);
    return verb === undefined ? 2 : 0;
  }
  console.error(`unknown contract command ${verb}\n\n${HELP}`);
  return 2;
}
