/** `npm run e2e:emulator` without Debian's adb and aapt: one line naming the packages, exit 0, nothing started. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

test('no adb/aapt under ANDROID_HOME: the emulator run is skipped with a line saying what to install', (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'no-sdk-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'harness/scenario/e2e-emulator.ts'], { cwd: ROOT, env: { ...process.env, ANDROID_HOME: empty }, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^# skipped: the emulator profile's e2e run \(the real UiAutomator2 driver over ADB\) needs Debian's adb and aapt: apt-get install -y adb aapt \(missing: .*platform-tools\/adb/m);
  assert.doesNotMatch(run.stdout, /passing/);
});
