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
import { EXIT_ENV_NOT_READY } from '../../harness/device/checks.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

test('an Android 9 stand-in phone: environment not ready, exit 3, the failed check says what to do, no test runs', async (t) => {
  const reports = mkdtempSync(join(tmpdir(), 'env-not-ready-'));
  t.after(() => rmSync(reports, { recursive: true, force: true }));
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@wdio/cli/bin/wdio.js'), 'run', 'wdio.conf.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      E2E_PROFILE: 'emulator',
      E2E_EMULATOR: 'virtual',
      E2E_DEVICE_PROFILE: 'reno2',
      E2E_REPORTS_DIR: reports,
      // Appium "elsewhere": the run never gets as far as a session, so none needs to start here.
      E2E_APPIUM_URL: 'http://127.0.0.1:9/',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = await once(child, 'close');
  assert.equal(code, EXIT_ENV_NOT_READY, output);
  assert.match(output, /FAIL {2}emulator-5554: Android version supports the delivery\n {6}API 28 \(Android 9\) has no `cmd notification post`/);
  assert.match(output, /fix: use an Android 10\+ emulator image or phone/);
  assert.match(output, /PASS {2}emulator-5554: app installed/);
  assert.match(output, /environment not ready: fix the failed checks above \(exit code 3\)/);
  assert.doesNotMatch(output, /passing|failing/, 'no test ran');
});
