/** `push-lab im-contract record|verify`: the contract check for the Tencent IM REST API. */
import { readFile } from 'node:fs/promises';
import { readPairs } from '../../mock-oppo/contract/pairs.ts';
import { recordUntilSignal } from '../../mock-oppo/contract/record.ts';
import { formatReport } from '../../mock-oppo/contract/replay.ts';
import { readCliArgs } from '../../mock-oppo/transport/cli-args.ts';
import { imAdapter, verifyIm } from './contract.ts';
import type { ImSettings } from './settings.ts';

const HELP = `Usage:
  push-lab im-contract record --out <dir> [--target <url>] [--port <n>] [--host <addr>]
  push-lab im-contract verify <dir> [--settings <file>] [--json]

record  a proxy to the real IM REST host (default https://console.tim.qq.com): point your
        backend's IM base URL at the printed URL; requests and answers pass unchanged, each pair
        is stored in <dir> with the admin UserSig replaced by a placeholder and the value of
        IM_SECRET_KEY (env) removed. Stops on SIGINT/SIGTERM.
verify  replays <dir> against a fresh fake IM server (--settings: a JSON object of IM settings)
        and lists every difference in HTTP status, field names, JSON types, ErrorCode and
        ActionStatus. Exits 0 when there is none, 1 when there are, 2 on a usage error.`;

export async function imContractMain(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === 'record') {
    const args = readCliArgs({ out: { type: 'string' }, target: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean' } } as const, HELP, rest);
    if ('exit' in args) return args.exit;
    const { out, target = 'https://console.tim.qq.com', port = '0', host = '127.0.0.1' } = args.values;
    if (out === undefined) {
      console.error(`--out <dir> is required\n\n${HELP}`);
      return 2;
    }
    return recordUntilSignal('im contract recorder', { target, dir: out, adapter: imAdapter, port: Number(port), host, secrets: [process.env.IM_SECRET_KEY] });
  }
  if (verb === 'verify') {
    const args = readCliArgs({ settings: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } as const, HELP, rest, true);
    if ('exit' in args) return args.exit;
    const [dir, ...extra] = args.positionals;
    if (dir === undefined || extra.length > 0) {
      console.error(`verify takes one recording directory\n\n${HELP}`);
      return 2;
    }
    let settings: Partial<ImSettings> | undefined;
    try {
      if (args.values.settings !== undefined) settings = JSON.parse(await readFile(args.values.settings, 'utf8')) as Partial<ImSettings>;
    } catch (err) {
      console.error(`cannot load IM settings from ${args.values.settings}: ${(err as Error).message}`);
      return 2;
    }
    const report = await verifyIm(await readPairs(dir), settings ? { settings } : {});
    console.log(args.values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.failed.length === 0 ? 0 : 1;
  }
  if (verb === '--help') {
    console.log(HELP);
    return 0;
  }
  console.error(`${verb === undefined ? 'im-contract needs record or verify' : `unknown im-contract command ${verb}`}\n\n${HELP}`);
  return 2;
}
