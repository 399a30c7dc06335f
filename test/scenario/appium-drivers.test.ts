/** The up-front check that the Appium the run starts has the profile's drivers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appiumHome, installedDrivers, missingDriverProblems } from '../../harness/scenario/appium-drivers.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

test('the project is its own APPIUM_HOME and has both drivers; an empty APPIUM_HOME has none, and the problem says what to run', async (t) => {
  assert.equal(appiumHome({}), ROOT);
  assert.deepEqual(installedDrivers(ROOT).filter((d) => ['uiautomator2', 'virtualoppo'].includes(d)), ['uiautomator2', 'virtualoppo']);
  assert.deepEqual(missingDriverProblems(['virtualoppo', 'uiautomator2'], {}), []);
  const empty = await mkdtemp(join(tmpdir(), 'appium-home-'));
  t.after(() => rm(empty, { recursive: true, force: true }));
  assert.deepEqual(missingDriverProblems(['uiautomator2'], { APPIUM_HOME: empty }), [
    `Appium has no 'uiautomator2' driver in ${empty} (installed: none): run \`npx appium driver install uiautomator2\` with this APPIUM_HOME, or set E2E_APPIUM_URL to an Appium that has it`,
  ]);
});

test('E2E_PROFILE=emulator without the UiAutomator2 driver stops before anything starts: the reason, exit 2', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'appium-home-'));
  t.after(() => rm(empty, { recursive: true, force: true }));
  const child = spawn(join(ROOT, 'node_modules/.bin/wdio'), ['run', 'wdio.conf.ts'], {
    cwd: ROOT,
    env: { ...process.env, E2E_PROFILE: 'emulator', APPIUM_HOME: empty },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = await once(child, 'close');
  assert.equal(code, 2, output);
  assert.match(output, /E2E profile 'emulator' cannot start:\n {2}- Appium has no 'uiautomator2' driver in /);
});
