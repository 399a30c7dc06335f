/**
 * `npm run bench:adb`: the lab's ADB endpoint against the in-process phone it fronts, in one run.
 * Shell round trip (`echo ping`): phone.shell() in-process (baseline), adbkit over the endpoint,
 * and Debian's `adb -P` CLI (a process per call, as appium-adb does) when installed. Install of the
 * 18 MB UiAutomator2 server APK: phone.installApk() in-process (baseline: manifest parse and
 * bookkeeping), `adb install` streaming over abb_exec, adbkit's push + `pm install`. Prints
 * medians and p95; no targets are asserted (the UiAutomator2 driver's own install timeout is 20 s).
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readCliArgs } from '../mock-oppo/transport/cli-args.ts';

const HELP = `Usage: npm run bench:adb [-- --help]

The lab's ADB endpoint against the in-process phone it fronts: shell round trips (phone.shell()
baseline, adbkit, Debian's adb CLI when installed) and installs of the UiAutomator2 server APK.
Medians and p95; no target.

Environment:
  BENCH_SHELL_ROUNDS    shell round trips per row (default 200)
  BENCH_CLI_ROUNDS      adb CLI round trips (default 20)
  BENCH_INSTALL_ROUNDS  installs per row (default 3)`;

const parsed = readCliArgs({ help: { type: 'boolean' } } as const, HELP);
if ('exit' in parsed) process.exit(parsed.exit);
// Loaded after the flags are read, so --help and a usage error answer without loading the lab.
const { Adb } = await import('@devicefarmer/adbkit');
const { startLab } = await import('../harness/lab/lab.ts');

const SHELL_ROUNDS = Number(process.env.BENCH_SHELL_ROUNDS ?? 200);
const CLI_ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 20);
const INSTALL_ROUNDS = Number(process.env.BENCH_INSTALL_ROUNDS ?? 3);

const require = createRequire(import.meta.url);
const driverDir = dirname(require.resolve('appium-uiautomator2-driver/package.json'));
const serverDir = dirname(require.resolve('appium-uiautomator2-server/package.json', { paths: [driverDir] }));
const SERVER_APK = join(serverDir, 'apks', `appium-uiautomator2-server-v${(require(join(serverDir, 'package.json')) as { version: string }).version}.apk`);

async function time(rounds: number, run: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    await run();
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return ms.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const row = (name: string, sorted: number[]) => console.log(`${name.padEnd(44)} median ${pct(sorted, 0.5).toFixed(1).padStart(8)} ms   p95 ${pct(sorted, 0.95).toFixed(1).padStart(8)} ms   (n=${sorted.length})`);

const cli = spawnSync('adb', ['version'], { stdio: 'ignore' }).status === 0;
const lab = await startLab({ phones: 1, adb: true });
try {
  const port = lab.adb.info()!.port;
  const phone = lab.farm.list()[0]!;
  const client = Adb.createClient({ host: '127.0.0.1', port, bin: 'false' });
  const device = client.getDevice(phone.serial);
  const env = { ...process.env, ANDROID_ADB_SERVER_PORT: String(port) };
  const adb = (args: string[]) =>
    new Promise<string>((resolve, reject) => execFile('adb', ['-P', String(port), ...args], { env, maxBuffer: 1 << 20 }, (e, out) => (e ? reject(e) : resolve(out))));

  console.log(`ADB endpoint ${lab.adb.info()!.host}:${port}, phone ${phone.serial}; UiAutomator2 server APK ${(readFileSync(SERVER_APK).length / 1e6).toFixed(1)} MB`);
  console.log('shell round trip (echo ping):');
  row('  phone.shell() in-process (baseline)', await time(SHELL_ROUNDS, () => phone.shell('echo ping')));
  row('  adbkit shell over the endpoint', await time(SHELL_ROUNDS, async () => Adb.util.readAll(await device.shell('echo ping'))));
  if (cli) row('  adb -P <port> shell (a process per call)', await time(CLI_ROUNDS, () => adb(['shell', 'echo', 'ping'])));
  else console.log('  adb CLI: skipped (install Debian package adb)');

  const apk = readFileSync(SERVER_APK);
  console.log('install of the UiAutomator2 server APK:');
  row('  phone.installApk() in-process (baseline)', await time(INSTALL_ROUNDS, () => phone.installApk([apk])));
  if (cli) row('  adb install -r (abb_exec stream)', await time(INSTALL_ROUNDS, () => adb(['install', '-r', SERVER_APK])));
  row('  adbkit install (push + pm install)', await time(INSTALL_ROUNDS, () => device.install(SERVER_APK)));
} finally {
  await lab.stop();
}
