/**
 * The `farm` profile's Grid mode (`E2E_FARM=grid`) through a local Selenium Grid 4: a hub and a relay
 * node in front of our Appium (the real UiAutomator2 driver), started as the clouds run it — without
 * `--allow-insecure adb_shell`, so the profile's `E2E_SHELL=off` default is what carries the suite:
 * page objects, the lab's device side and the checks before the run use only Appium commands, and
 * the checks list what they cannot run. The emulator profile's spec files (`any`, `fakes`) go in two
 * runs at once, each with its own lab and its own stand-in farm phone (`E2E_FARM_STANDIN=virtual`,
 * reached only over ADB; the adb delivery agent is the pushes' route to it). Needs Java (the Grid
 * jar) and Debian's adb and aapt (the UiAutomator2 driver's adb layer); without them it is skipped
 * with a line saying what to install.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostToolsMissing, DEBIAN_ANDROID_HOME } from '../../harness/device/checks.ts';
import { startAppium, type AppiumServer } from '../driver/appium-server.ts';
import { javaMissing, startGrid, type Grid } from './selenium-grid.ts';
import { startSessionBarrier, type SessionBarrier } from './session-barrier.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const toolsMissing = hostToolsMissing(process.env.ANDROID_HOME || DEBIAN_ANDROID_HOME);
const skip = javaMissing ?? (toolsMissing.length > 0 ? `needs Debian's adb and aapt (apt-get install -y adb aapt): ${toolsMissing.join(', ')} missing` : false);
if (skip) console.log(`# skipped: the suite through Selenium Grid 4 ${skip}`);

/** The two halves of the emulator profile's spec files (`any` and `fakes`), one per parallel run. */
const HALVES = [
  ['specs/any/killed-app.e2e.ts', 'specs/fakes/foreground-background.e2e.ts', 'specs/fakes/logout-and-kick.e2e.ts', 'specs/fakes/queries-change-nothing.e2e.ts', 'specs/fakes/vendor-faults.e2e.ts'],
  ['specs/fakes/reset-from-any-screen.e2e.ts'],
];

/**
 * Spec files of those groups the Grid run leaves out, each with why (printed, never silent): the YAML
 * flows replay the spec files' scenarios, at the cost of a third run's time in CI.
 */
const LEFT_OUT: Record<string, string> = {
  'specs/any/flows.e2e.ts': "the YAML flows replay these spec files' scenarios: they run green on the emulator profile with npm run e2e:emulator -- --spec specs/any/flows.e2e.ts, not in CI, to hold its time",
};
for (const [spec, why] of Object.entries(LEFT_OUT)) console.log(`# left out of the Grid run: ${spec} (${why})`);

interface Run {
  code: number;
  output: string;
}

/** The farm profile's settings for a Grid at `hub`, on a stand-in phone `udid`; E2E_SHELL is left to the profile's default (off). */
function farmEnv(hub: URL, udid: string, reports: string): NodeJS.ProcessEnv {
  const { E2E_APPIUM_URL: _a, E2E_SHELL: _s, E2E_ADB_PORT: _p, E2E_ADB_HOST: _h, ...rest } = process.env;
  return {
    ...rest,
    E2E_PROFILE: 'farm',
    E2E_FARM: 'grid',
    E2E_FARM_HOSTNAME: hub.hostname,
    E2E_FARM_PORT: hub.port,
    E2E_FARM_BACKEND: 'lab',
    E2E_FARM_STANDIN: 'virtual',
    E2E_UDID: udid,
    E2E_REPORTS_DIR: reports,
  };
}

function suiteRun(env: NodeJS.ProcessEnv, specs: string[], children: ChildProcess[], exited: () => void): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@wdio/cli/bin/wdio.js'), 'run', 'wdio.conf.ts', ...specs.flatMap((s) => ['--spec', s])], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.once('exit', exited);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return once(child, 'close').then(([code]) => ({ code: code as number, output }));
}

/** The most sessions the hub had open at once, from its log: each created session until its deletion. */
function mostAtOnce(hubLog: string): number {
  let open = 0;
  let most = 0;
  for (const line of hubLog.split('\n')) {
    if (/Session created by the Distributor/.test(line)) most = Math.max(most, ++open);
    else if (/Deleted session/i.test(line)) open--;
  }
  return most;
}

test("the two halves are exactly the emulator profile's spec files (a new spec file must join one)", () => {
  const groups = ['any', 'fakes'].flatMap((g) => readdirSync(join(ROOT, 'specs', g)).filter((f) => f.endsWith('.e2e.ts')).map((f) => `specs/${g}/${f}`));
  assert.deepEqual([...HALVES.flat(), ...Object.keys(LEFT_OUT)].sort(), groups.sort());
});

/** What the checks before the run print for a farm phone reached only through Appium (E2E_SHELL=off). */
function assertShellOffChecks(output: string, udid: string): void {
  const cannot = (title: string) => new RegExp(`SKIP {2}${udid}: ${title}\n {6}cannot run without shell \\(E2E_SHELL=off: only Appium commands reach the phone\\)`);
  for (const title of ['app installed', 'notification permission on', "the app's channel tuikit", 'notification access for mobile: getNotifications', 'lab port \\d+ reachable from the phone']) assert.match(output, cannot(title));
  assert.match(output, new RegExp(`PASS {2}${udid}: device reachable over adb`), "the delivery agent's route is checked");
  assert.match(output, /PASS {2}adb server\n.*only the delivery agent's posts use it: E2E_SHELL=off/);
  assert.match(output, /SKIP {2}adb and aapt next to Appium/);
}

test("the farm profile's Grid mode through a local hub and relay node, no mobile: shell: two sessions at once, every test green", { skip }, async (t) => {
  const env = { ANDROID_HOME: process.env.ANDROID_HOME };
  process.env.ANDROID_HOME ||= DEBIAN_ANDROID_HOME;
  const reports = mkdtempSync(join(tmpdir(), 'grid-reports-'));
  let appium: AppiumServer | undefined;
  let barrier: SessionBarrier | undefined;
  let grid: Grid | undefined;
  const children: ChildProcess[] = [];
  t.after(async () => {
    // A run still going (the node never came up) is stopped with everything it started.
    await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => (c.kill('SIGTERM'), once(c, 'close'))));
    await grid?.stop();
    await barrier?.close();
    await appium?.close();
    rmSync(reports, { recursive: true, force: true });
    if (env.ANDROID_HOME === undefined) delete process.env.ANDROID_HOME;
  });
  // As a farm runs it: no --allow-insecure, so mobile: shell is refused.
  const [appiumStart, gridStart] = await Promise.allSettled([startAppium({ useDrivers: ['uiautomator2'] }), startGrid()]);
  if (appiumStart.status === 'fulfilled') appium = appiumStart.value.server;
  if (gridStart.status === 'fulfilled') grid = gridStart.value;
  if (appiumStart.status === 'rejected') throw appiumStart.reason;
  if (gridStart.status === 'rejected') throw gridStart.reason;
  barrier = await startSessionBarrier(`http://127.0.0.1:${appiumStart.value.port}`, HALVES.length);

  const hub = new URL(grid!.url);
  const udids = ['emulator-5554', 'emulator-5556'];
  const began = Date.now();
  // The runs start while the node comes up: their sessions wait in the hub's queue until it is added.
  // A run that ends before its session was made must not hold the other's session back.
  const runs = Promise.all(
    HALVES.map(async (specs, i) => {
      const r = await suiteRun(farmEnv(hub, udids[i]!, join(reports, String(i))), specs, children, () => barrier!.release());
      console.log(`# half ${i + 1} (${specs.length} spec files) done after ${((Date.now() - began) / 1000).toFixed(1)} s`);
      return r;
    }),
  );
  await grid!.addNode({ appiumUrl: barrier.url, maxSessions: HALVES.length, stereotype: { platformName: 'Android', 'appium:automationName': 'UiAutomator2' } });
  const [a, b] = await runs;
  // A number to read, not to assert on (speed is measured in bench/, never asserted).
  console.log(`# the suite through the Grid, two halves at once: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  assert.equal(a!.code, 0, a!.output.slice(-4000));
  assert.equal(b!.code, 0, b!.output.slice(-4000));
  const passing = (r: Run) => Number(r.output.match(/^\s*(\d+) passing/m)?.[1] ?? 0);
  assert.ok(passing(a!) > 0 && passing(b!) > 0, 'both halves ran tests');
  assert.doesNotMatch(a!.output + b!.output, /failing/);
  assertShellOffChecks(a!.output, udids[0]!);
  assertShellOffChecks(b!.output, udids[1]!);
  // What needs mobile: shell is skipped with a printed reason, not run and not silently dropped.
  assert.match(a!.output, /# skipped: .*swiped away \(process death\).*: a process death \(am kill\) needs mobile: shell \(E2E_SHELL=off\)/);
  assert.match(a!.output, /# skipped: .*the default sound: the notification record \(dumpsys notification\) needs mobile: shell/);
  assert.equal(barrier.mostAtOnce(), 2, 'both sessions existed at Appium at the same time');
  assert.equal(mostAtOnce(grid!.hubLog()), 2, "the hub's log shows both sessions open at once");
});
