/**
 * The `emulator` profile's suite through a local Selenium Grid 4: a hub and a relay node in front of
 * our Appium (the real UiAutomator2 driver), and two runs of the suite at once — the spec files split
 * between them, each run with its own lab and its own stand-in phone reached only over ADB — so the
 * node serves more than one session in parallel. Needs Java (the Grid jar) and Debian's adb and aapt
 * (the UiAutomator2 driver's adb layer); without them it is skipped with a line saying what to install.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostToolsMissing, DEBIAN_ANDROID_HOME } from '../../harness/device/checks.ts';
import { startAppium, type AppiumServer } from '../driver/appium-server.ts';
import { javaMissing, startGrid, type Grid } from './selenium-grid.ts';

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
 * flows are the flows layer's, not yet run on the UiAutomator2 path.
 */
const LEFT_OUT: Record<string, string> = {
  'specs/any/flows.e2e.ts': 'the YAML flows have not been proven on the UiAutomator2 path yet',
};
for (const [spec, why] of Object.entries(LEFT_OUT)) console.log(`# left out of the Grid run: ${spec} (${why})`);

interface Run {
  code: number;
  output: string;
}

function suiteRun(hub: string, udid: string, specs: string[], reports: string): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@wdio/cli/bin/wdio.js'), 'run', 'wdio.conf.ts', ...specs.flatMap((s) => ['--spec', s])], {
    cwd: ROOT,
    env: { ...process.env, E2E_PROFILE: 'emulator', E2E_EMULATOR: 'virtual', E2E_UDID: udid, E2E_APPIUM_URL: hub, E2E_REPORTS_DIR: reports },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

test('the emulator suite through a Grid 4 hub and relay node: two sessions at once, every test green', { skip }, async (t) => {
  const env = { ANDROID_HOME: process.env.ANDROID_HOME };
  process.env.ANDROID_HOME ||= DEBIAN_ANDROID_HOME;
  const reports = mkdtempSync(join(tmpdir(), 'grid-reports-'));
  let appium: AppiumServer | undefined;
  let grid: Grid | undefined;
  t.after(async () => {
    await grid?.stop();
    await appium?.close();
    rmSync(reports, { recursive: true, force: true });
    if (env.ANDROID_HOME === undefined) delete process.env.ANDROID_HOME;
  });
  const started = await startAppium({ useDrivers: ['uiautomator2'], allowInsecure: ['uiautomator2:adb_shell'] });
  appium = started.server;
  grid = await startGrid({ appiumUrl: `http://127.0.0.1:${started.port}`, maxSessions: 2, stereotype: { platformName: 'Android', 'appium:automationName': 'UiAutomator2' } });

  const began = Date.now();
  const [a, b] = await Promise.all([
    suiteRun(grid.url, 'emulator-5554', HALVES[0]!, join(reports, 'a')),
    suiteRun(grid.url, 'emulator-5556', HALVES[1]!, join(reports, 'b')),
  ]);
  // A number to read, not to assert on (speed is measured in bench/, never asserted).
  console.log(`# the suite through the Grid, two halves at once: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  assert.equal(a.code, 0, a.output.slice(-4000));
  assert.equal(b.code, 0, b.output.slice(-4000));
  const passing = (r: Run) => Number(r.output.match(/^\s*(\d+) passing/m)?.[1] ?? 0);
  assert.ok(passing(a) > 0 && passing(b) > 0, 'both halves ran tests');
  assert.doesNotMatch(a.output + b.output, /failing/);
  assert.equal(mostAtOnce(grid.hubLog()), 2, 'the node ran both sessions at the same time');
});
