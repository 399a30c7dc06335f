/**
 * `npm run bench:uia2` — how long an Appium session takes to start (createSession until the first
 * command can run; the session is deleted untimed), side by side in one run against one lab:
 *
 * 1. baseline: the VirtualOppo driver attaching to a phone (`appium:labUrl` + `appium:udid`);
 * 2. the real UiAutomator2 driver with `skipServerInstallation` + `skipDeviceInitialization` on a phone
 *    that already has its APKs (what a CI job sets once the server is installed);
 * 3. the real UiAutomator2 driver with default capabilities on a fresh phone each time (the three APKs,
 *    ~21 MB, streamed in over ADB; the settings helper started, the listener granted).
 *
 * Both UiA2 rows reach the phone only over the lab's ADB endpoint. `--runs N` (default 5) per row.
 * Needs Debian's `adb` and `aapt` (`apt-get install -y adb aapt`).
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { readCliArgs } from '../mock-oppo/transport/cli-args.ts';

const HELP = `Usage: npm run bench:uia2 [-- --runs N] [-- --help]

Appium session start against one lab: VirtualOppo attaching to a phone (baseline), the real
UiAutomator2 driver over the lab's ADB endpoint with skip capabilities, and with default
capabilities on a fresh phone each time. Medians; no target. Needs apt-get install -y adb aapt.

Options:
  --runs N   sessions per row (default 5)
  --help     show this help`;

const parsed = readCliArgs({ runs: { type: 'string', default: '5' }, help: { type: 'boolean' } } as const, HELP);
if ('exit' in parsed) process.exit(parsed.exit);
// Loaded after the flags are read, so --help and a usage error answer without loading the lab.
const { remote } = await import('webdriverio');
const { startLab } = await import('../harness/lab/lab.ts');
const RUNS = Number(parsed.values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`--runs takes a whole number of at least 1, got '${parsed.values.runs}'\n\n${HELP}`);
  process.exit(2);
}
const ANDROID_HOME = '/usr/lib/android-sdk';
if (!existsSync(`${ANDROID_HOME}/platform-tools/adb`) || !existsSync(`${ANDROID_HOME}/build-tools/debian/aapt2`)) {
  console.error(`bench:uia2 needs Debian's adb and aapt under ${ANDROID_HOME}: apt-get install -y adb aapt`);
  process.exit(2);
}
process.env.ANDROID_HOME = ANDROID_HOME;

const APPIUM: string = 'appium';
const { main } = (await import(APPIUM)) as { main: (a: Record<string, unknown>) => Promise<import('node:http').Server & { close(): Promise<void> }> };

const lab = await startLab({ phones: 1, adb: true });
const appium = await main({ port: 0, address: '127.0.0.1', useDrivers: ['virtualoppo', 'uiautomator2'], loglevel: 'error' });
const port = (appium.address() as AddressInfo).port;
const adbPort = lab.adb.info()!.port;

async function timedSession(capabilities: Record<string, unknown>): Promise<number> {
  const started = performance.now();
  const driver = await remote({ hostname: '127.0.0.1', port, logLevel: 'silent', connectionRetryCount: 0, capabilities: { platformName: 'Android', ...capabilities } as WebdriverIO.Capabilities });
  await driver.getWindowSize();
  const ms = performance.now() - started;
  await driver.deleteSession();
  return ms;
}

const uia2 = (serial: string, extra: Record<string, unknown> = {}) => ({
  'appium:automationName': 'UiAutomator2',
  'appium:udid': serial,
  'appium:adbPort': adbPort,
  'appium:remoteAdbHost': '127.0.0.1',
  'appium:uiautomator2ServerLaunchTimeout': 60_000,
  ...extra,
});

function summary(name: string, samples: number[], baseline?: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const ratio = baseline ? `  ${(median / baseline).toFixed(1)}× the baseline` : '';
  return `${name.padEnd(66)} median ${median.toFixed(0).padStart(6)} ms  (min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}, n=${samples.length})${ratio}`;
}

try {
  const [first] = lab.farm.list();
  const serial = first!.serial;
  const rows: Array<[string, number[]]> = [];
  const virtual: number[] = [];
  for (let i = 0; i < RUNS; i++) virtual.push(await timedSession({ 'appium:automationName': 'VirtualOppo', 'appium:labUrl': lab.url, 'appium:udid': serial }));
  rows.push(['VirtualOppo (labUrl + udid) — baseline', virtual]);

  await timedSession(uia2(serial)); // installs the APKs on this phone for the skip row
  const skip: number[] = [];
  for (let i = 0; i < RUNS; i++) skip.push(await timedSession(uia2(serial, { 'appium:skipServerInstallation': true, 'appium:skipDeviceInitialization': true })));
  rows.push(['UiAutomator2, skipServerInstallation + skipDeviceInitialization', skip]);

  const fresh: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const phone = await lab.farm.boot({});
    fresh.push(await timedSession(uia2(phone.serial)));
    await lab.farm.shutdown(phone.serial);
  }
  rows.push(['UiAutomator2, default caps, fresh phone (3 APKs over ADB)', fresh]);

  const base = [...virtual].sort((a, b) => a - b)[Math.floor(virtual.length / 2)]!;
  console.log(`session start (createSession + first command), ${RUNS} runs each, same lab and Appium:`);
  for (const [name, samples] of rows) console.log(summary(name, samples, samples === virtual ? undefined : base));
} finally {
  await appium.close();
  await lab.stop();
}
