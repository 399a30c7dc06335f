/**
 * `npx push-lab adb-tunnel --lab <url>`: the phones of a lab on another machine as ADB devices of a
 * port on this one, through the lab's token-guarded tunnel (adb-tunnel.ts). Serves until SIGINT/SIGTERM.
 */
import { readCliArgs, tokenFromCli } from '../../mock-oppo/transport/cli-args.ts';
import { LAB_TOKEN_ENV } from './access.ts';
import { openAdbTunnel } from './adb-tunnel.ts';

const HELP = `Usage: npx push-lab adb-tunnel --lab <url> [options]

Carries ADB connections from a port on this machine's loopback to the ADB endpoint of a lab
elsewhere (started with --host <addr> --adb), over the lab's HTTP server and its token. Then
adb -P <port>, adbkit and appium:adbPort reach that lab's phones as local devices.

Options:
  --lab <url>      the lab's URL (the 'lab' line the lab prints)
  --token <t>      the lab token (or ${LAB_TOKEN_ENV})
  --port <n>       the local port (default 0 = any free port)
  --help           show this help

Docs: harness/adb/README.md`;

export async function runAdbTunnel(argv: string[]): Promise<number> {
  const args = readCliArgs({ lab: { type: 'string' }, token: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean' } } as const, HELP, argv);
  if ('exit' in args) return args.exit;
  const { values } = args;
  if (values.lab === undefined || !URL.canParse(values.lab)) {
    console.error(`--lab <url> is required (the lab's URL), got '${values.lab ?? ''}'\n\n${HELP}`);
    return 2;
  }
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be 0–65535, got '${values.port}'`);
    return 2;
  }
  const token = tokenFromCli(values.token, LAB_TOKEN_ENV);
  if (typeof token === 'number') return token;
  const tunnel = await openAdbTunnel(values.lab, { token }, port);
  console.log(`adb-tunnel  127.0.0.1:${tunnel.port} -> ${values.lab}`);
  console.log(`  adb -P ${tunnel.port} devices -l      or  export ANDROID_ADB_SERVER_PORT=${tunnel.port}`);
  console.log('Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await tunnel.close();
  return 0;
}
