/**
 * `push-lab start` (also `npm run lab`): mock-oppo and the IM server together on loopback, with the
 * fixtures' apps, certificate and users. Prints one line per service once ready and serves until
 * SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { parseAppsFile, type AppConfig } from '../../mock-oppo/core/apps.ts';
import { parseImApp, readJson } from '../im/fixtures.ts';
import type { ImApp } from '../im/rules/accounts.ts';
import { LAB_TOKEN_ENV } from './access.ts';
import type { startLab as StartLab } from './lab.ts';
import type { startWebView as StartWebView } from '../web/server.ts';
import { describeToken, portInUseMessage, readCliArgs, tokenFromCli, untilStopSignal } from '../../mock-oppo/transport/cli-args.ts';
import { parseRetention } from '../../mock-oppo/core/settings.ts';

const HELP = `Usage: npx push-lab start [options]   (or: npm run lab -- [options])

Starts mock-oppo, the fake Tencent IM server and virtual OPPO phones on one virtual clock, wired
together, plus the lab's control API (clock, phones) that the VirtualOppo Appium driver attaches to
with appium:labUrl.

Options:
  --im <file>      IM app JSON {"sdkAppId", "secretKey", "admin"} (default fixtures/im-app.json)
  --apps <file>    mock-oppo apps, a JSON array as for npm run mock-oppo (default fixtures/oppo-apps.json)
  --host <addr>    address to bind (default 127.0.0.1); any other address makes every control
                   API need a token (generated and printed once unless given)
  --port-base <n>  fixed ports: mock-oppo n, IM n+1, the lab API n+2 (what adb reverse needs; default:
                   any free port each)
  --oppo-port <n>, --im-port <n>, --lab-port <n>
                   pin one service's port (wins over --port-base; 0 = any free port)
  --token <t>      the control APIs' token, also on loopback (or PUSH_LAB_TOKEN; 16+ chars)
  --allow-host <name>  a Host name a loopback lab also answers (repeatable; a tunnel's name)
  --allow-usersig  serve POST /_im/v1/usersig even when --im has a key that is not the fixtures'
  --phones <n>     boot n virtual phones of the default profile and print their serials (default 0)
  --retention <n>  messages mock-oppo keeps for its control API's list (default 10000); its totals
                   (GET /_mock/v1/totals) count every message whatever this is
  --adb [port]     serve the phones over ADB on 127.0.0.1 (any free port, or the one given) and print
                   how to reach them (adb -P <port>, ANDROID_ADB_SERVER_PORT, adbkit, appium:adbPort);
                   from another machine only with the token: npx push-lab adb-tunnel --lab <lab url>
  --frozen         freeze the clock (time moves only through the control API);
                   by default it flows with real time, so backends can sign with Date.now()
  --ui             also serve the lab's web view (phones, IM, OPPO, traces, a recorder) and print its URL
  --help           show this help

Docs: harness/im/README.md`;

/** `--adb` takes an optional port: `--adb`, `--adb 5038`, `--adb=5038`. */
function adbFlag(argv: string[]): string[] {
  return argv.flatMap((a, i) => {
    if (a !== '--adb') return argv[i - 1] === '--adb' && /^\d+$/.test(a) ? [] : [a];
    const next = argv[i + 1];
    return [`--adb=${next !== undefined && /^\d+$/.test(next) ? next : '0'}`];
  });
}

export async function runLab(argv: string[]): Promise<number> {
  const args = readCliArgs(
    {
      im: { type: 'string' },
      apps: { type: 'string' },
      host: { type: 'string' },
      'port-base': { type: 'string' },
      'oppo-port': { type: 'string' },
      'im-port': { type: 'string' },
      'lab-port': { type: 'string' },
      phones: { type: 'string' },
      retention: { type: 'string' },
      adb: { type: 'string' },
      frozen: { type: 'boolean' },
      token: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'allow-usersig': { type: 'boolean' },
      ui: { type: 'boolean' },
      help: { type: 'boolean' },
    } as const,
    HELP,
    adbFlag(argv),
  );
  if ('exit' in args) return args.exit;
  const { values } = args;
  const ports: { oppo?: number; im?: number; lab?: number } = {};
  let portBase: number | undefined;
  for (const [flag, max] of [['port-base', 65533], ['oppo-port', 65535], ['im-port', 65535], ['lab-port', 65535]] as const) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n > max) {
      console.error(`--${flag} takes a port from 0 to ${max}, got '${raw}'`);
      return 2;
    }
    if (flag === 'port-base') portBase = n;
    else ports[flag.slice(0, -'-port'.length) as keyof typeof ports] = n;
  }
  const phones = values.phones === undefined ? 0 : Number(values.phones);
  if (!Number.isInteger(phones) || phones < 0 || phones > 64) {
    console.error(`--phones takes a whole number from 0 to 64, got '${values.phones}'`);
    return 2;
  }
  const retention = values.retention === undefined ? undefined : parseRetention(values.retention);
  if (typeof retention === 'object') {
    console.error(retention.problem);
    return 2;
  }
  const adbPort = values.adb === undefined ? undefined : Number(values.adb);
  if (adbPort !== undefined && (!Number.isInteger(adbPort) || adbPort < 0 || adbPort > 65535)) {
    console.error(`--adb takes a port from 1 to 65535 (or none for any free port), got '${values.adb}'`);
    return 2;
  }
  let imApp: ImApp | undefined;
  let oppoApps: AppConfig[] | undefined;
  try {
    if (values.im !== undefined) imApp = parseImApp(readJson(values.im));
  } catch (err) {
    console.error(`cannot load the IM app from ${values.im}: ${(err as Error).message}`);
    return 2;
  }
  try {
    if (values.apps !== undefined) {
      oppoApps = parseAppsFile(readFileSync(values.apps, 'utf8'));
    }
  } catch (err) {
    console.error(`cannot load apps from ${values.apps}: ${(err as Error).message}`);
    return 2;
  }

  const token = tokenFromCli(values.token, LAB_TOKEN_ENV);
  if (typeof token === 'number') return token;

  // Loaded once the arguments are good, so --help and a usage error answer without loading the lab.
  const { startLab } = await import('./lab.ts');
  const { startWebView, webViewLine } = await import('../web/server.ts');
  const clock = new VirtualClock({ flowing: !values.frozen });
  let lab: Awaited<ReturnType<typeof StartLab>>;
  try {
    lab = await startLab({
      clock,
      ...(values.host ? { host: values.host } : {}),
      ...(portBase !== undefined ? { portBase } : {}),
      ports,
      ...(imApp ? { imApp } : {}),
      ...(oppoApps ? { oppoApps } : {}),
      ...(retention !== undefined ? { oppoSettings: { messageRetention: retention } } : {}),
      ...(token !== undefined ? { token } : {}),
      ...(values['allow-usersig'] ? { imSettings: { userSigEndpoint: 'on' as const } } : {}),
      allowedHosts: values['allow-host'] ?? [],
      phones,
      ...(adbPort !== undefined ? { adb: { port: adbPort } } : {}),
    });
  } catch (err) {
    clock.dispose();
    const inUse = portInUseMessage(err, 'lab');
    if (!inUse) throw err;
    console.error(`${inUse} (--port-base, --oppo-port, --im-port, --lab-port, --adb)`);
    return 2;
  }
  let web: Awaited<ReturnType<typeof StartWebView>> | undefined;
  try {
    web = values.ui ? await startWebView({ urls: { lab: lab.url, im: lab.im.url, oppo: lab.oppo.url, ...(lab.access.token !== undefined ? { token: lab.access.token } : {}) }, access: lab.access }) : undefined;
  } catch (err) {
    await lab.stop();
    clock.dispose();
    throw err;
  }
  // Listening before the ready lines: whoever reads them may press Ctrl-C at once.
  const stopped = untilStopSignal();
  const width = Math.max(...lab.services.map((s) => s.name.length)) + 2;
  for (const s of lab.services) console.log(`${s.name.padEnd(width)}${s.url}`);
  if (web) console.log(`${'web'.padEnd(width)}${webViewLine(web, lab.access)}`);
  for (const phone of lab.farm.list()) console.log(`${'phone'.padEnd(width)}${phone.serial}`);
  const tokenLine = describeToken(lab.access.token, token, LAB_TOKEN_ENV);
  if (tokenLine) console.log(`${'token'.padEnd(width)}${tokenLine}`);
  const adb = lab.adb.info();
  if (adb) {
    console.log(`ADB: the phones are adb devices of the server at ${adb.host}:${adb.port} (loopback only):`);
    console.log(`  ${adb.clients.adb}      or  export ${adb.clients.env}`);
    console.log(`  adbkit: ${adb.clients.adbkit}    Appium: ${adb.clients.appium}`);
    if (!lab.access.loopback) console.log(`  from another machine (with the token): npx push-lab adb-tunnel --lab ${lab.url}`);
  }
  console.log('Ctrl-C to stop.');
  await stopped;
  await web?.close();
  await lab.stop();
  lab.clock.dispose();
  console.log('lab stopped.');
  return 0;
}
