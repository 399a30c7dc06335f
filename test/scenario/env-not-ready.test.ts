/**
 * The checks before a run on phones over adb: a failed one stops `npm run e2e` before any session
 * as "environment not ready", with its own exit code (3; a failed test is 1, a bad setting 2), each
 * failure with what to do — here an Android 9 phone, which has no `cmd notification post`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_ENV_NOT_READY, failed } from '../../harness/device/checks.ts';
import { formatResults } from '../../harness/doctor/cli.ts';
import { startLabForRun } from '../../harness/scenario/lab-starter.ts';
import { resolveProfile } from '../../harness/scenario/profiles.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A `wdio run` of the suite with `env` added; its exit code and everything it printed. */
async function run(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const reports = mkdtempSync(join(tmpdir(), 'env-not-ready-'));
  try {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/@wdio/cli/bin/wdio.js'), 'run', 'wdio.conf.ts'], {
      cwd: ROOT,
      env: { ...process.env, E2E_REPORTS_DIR: reports, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const [code] = await once(child, 'close');
    return { code: code as number, output };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

test('an Android 9 stand-in phone: environment not ready, exit 3, the failed check says what to do, no test runs', async () => {
  const { code, output } = await run({
    E2E_PROFILE: 'emulator',
    E2E_EMULATOR: 'virtual',
    E2E_DEVICE_PROFILE: 'reno2',
    // Appium "elsewhere": the run never gets as far as a session, so none needs to start here.
    E2E_APPIUM_URL: 'http://127.0.0.1:9/',
  });
  assert.equal(code, EXIT_ENV_NOT_READY, output);
  assert.match(output, /FAIL {2}emulator-5554: Android version supports the delivery\n {6}API 28 \(Android 9\) has no `cmd notification post`/);
  assert.match(output, /fix: use an Android 10\+ emulator image or phone/);
  assert.match(output, /PASS {2}emulator-5554: app installed/);
  assert.match(output, /environment not ready: fix the failed checks above \(exit code 3\)/);
  assert.doesNotMatch(output, /passing|failing/, 'no test ran');
});

test('a farm phone with the lab backend and no adb route: no push can reach it, and the checks before the run fail saying so (the run stops with exit 3, as above)', async (t) => {
  const profile = resolveProfile({ E2E_PROFILE: 'farm', E2E_FARM: 'grid', E2E_FARM_HOSTNAME: '127.0.0.1', E2E_FARM_BACKEND: 'lab', E2E_LAB_PORT_BASE: '0' });
  assert.ok(profile.backend.kind === 'lab');
  const lab = await startLabForRun(profile.backend, { appProfile: 'tim-demo', localAppium: false, shell: profile.shell });
  t.after(() => lab.stop());
  const report = formatResults(lab.checks ?? [], 'Checks before the run:');
  assert.deepEqual(failed(lab.checks ?? []).map((c) => c.id), ['delivery_route'], report);
  assert.match(report, /FAIL {2}a route for the pushes to the phone\n {6}a farm phone with the lab backend gets no push: mock-oppo reaches a phone outside the lab only through the adb delivery agent/);
  assert.match(report, /fix: give the farm's adb route to the phone \(E2E_ADB_HOST, E2E_ADB_PORT, E2E_UDID/);
});
