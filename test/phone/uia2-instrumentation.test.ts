/**
 * `am instrument` runs the UiAutomator2 server on device port 6790 while it stays open: reached
 * here through a loopback listener that connects to the phone's port, as `adb forward` does.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { VirtualPhone } from '../../harness/phone/phone.ts';
import { UIA2_INSTRUMENTATION, UIA2_PORT, UIA2_SERVER_PACKAGE, UIA2_TEST_PACKAGE } from '../../harness/phone/uia2/instrumentation.ts';
import { bootPhone } from './fakes.ts';
import { UIA2_SERVER_APK, UIA2_TEST_APK } from '../adb/apks.ts';

/** The real server and test APKs the driver ships, installed as `adb install` does. */
async function installServer(phone: VirtualPhone, which: Array<'server' | 'test'> = ['server', 'test']): Promise<void> {
  for (const apk of which) await phone.installApk([readFileSync(apk === 'server' ? UIA2_SERVER_APK : UIA2_TEST_APK)]);
}

/** A host port forwarded to the phone's device port (refused while nothing listens there). */
async function forward(t: TestContext, phone: VirtualPhone): Promise<string> {
  const listener = createServer((socket) => {
    if (!phone.ports.connect(UIA2_PORT, socket)) socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => listener.close(resolve)));
  return `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
}

/**
 * Whether a GET is refused (the connection closed without an answer), as node:http reports it —
 * what the driver's axios sees. (undici's fetch never settles on a connection closed unanswered.)
 */
function refused(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      resolve(false);
    }).on('error', () => resolve(true));
  });
}

/** `am instrument …` in the phone's shell, as `adb shell` runs it: output as it streams, the exit code, the client closing. */
function instrument(phone: VirtualPhone, line = INSTRUMENT) {
  const session = phone.spawn(line);
  session.stdin.end();
  let stdout = '';
  let stderr = '';
  session.stdout.on('data', (c: Buffer) => void (stdout += c.toString()));
  session.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
  // The server is up once am has printed the test's start line (it listens before printing).
  const started = new Promise<void>((resolve) => {
    const check = () => {
      if (stdout.includes('AppiumUiAutomator2Server:')) resolve();
      else session.stdout.once('data', () => setImmediate(check));
    };
    check();
  });
  return { exit: session.exitCode, started, close: () => session.close(), stdout: () => stdout, stderr: () => stderr };
}

const INSTRUMENT = `am instrument -w -e disableAnalytics true ${UIA2_INSTRUMENTATION}`;

test('without the server APKs am instrument fails as Android does and nothing listens on 6790', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  const none = instrument(phone);
  assert.equal(await none.exit, 1);
  assert.match(none.stderr(), /^android\.util\.AndroidException: INSTRUMENTATION_FAILED: io\.appium\.uiautomator2\.server\.test\/androidx\.test\.runner\.AndroidJUnitRunner\n/);
  assert.equal(phone.ports.isListening(UIA2_PORT), false);
  await installServer(phone, ['server']);
  assert.equal(await instrument(phone).exit, 1, 'the test APK (which declares the instrumentation) is needed too');
  assert.equal(phone.apkPackages.process(UIA2_SERVER_PACKAGE), undefined);
  await installServer(phone, ['test']);
  assert.equal(await instrument(phone, 'am instrument -w io.appium.uiautomator2.server.test/org.junit.Other').exit, 1, 'an instrumentation the APK does not declare');
  assert.match((await phone.shell('pm list instrumentation')).stdout, /instrumentation:io\.appium\.uiautomator2\.server\.test\/androidx\.test\.runner\.AndroidJUnitRunner \(target=io\.appium\.uiautomator2\.server\)/);
});

test('the server serves while am instrument -w runs; DELETE /session ends it and the process leaves ps', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  await installServer(phone);
  const base = await forward(t, phone);
  assert.equal(await refused(`${base}/status`), true, 'refused before the instrumentation runs');

  const run = instrument(phone);
  await run.started;
  assert.equal(run.stdout(), '\nio.appium.uiautomator2.server.test.AppiumUiAutomator2Server:');
  assert.match((await phone.shell('ps -A')).stdout, / io\.appium\.uiautomator2\.server\n/);
  const status = (await (await fetch(`${base}/status`)).json()) as { value: { build: { version: string } } };
  assert.equal(status.value.build.version, phone.apkPackages.get(UIA2_SERVER_PACKAGE)!.manifest.versionName, 'the installed APK version');
  const created = (await (await fetch(`${base}/session`, { method: 'POST', body: JSON.stringify({ capabilities: { firstMatch: [{}] } }) })).json()) as { sessionId: string };
  const deleted = await fetch(`${base}/session/${created.sessionId}`, { method: 'DELETE' });
  assert.equal(deleted.status, 200);
  assert.equal(await run.exit, 0);
  assert.match(run.stdout(), /AppiumUiAutomator2Server:\.\n\nTime: \d+\.\d{3}\n\nOK \(1 test\)\n\n\n$/);
  assert.doesNotMatch((await phone.shell('ps -A')).stdout, / io\.appium\.uiautomator2\.server\n/);
  assert.equal(phone.ports.isListening(UIA2_PORT), false);
  assert.equal(await refused(`${base}/status`), true, 'refused again once the server stopped');
});

test('am force-stop of either package ends the server; the client closing the shell ends it too', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  await installServer(phone);
  for (const pkg of [UIA2_SERVER_PACKAGE, UIA2_TEST_PACKAGE]) {
    const run = instrument(phone);
    await run.started;
    assert.equal(phone.ports.isListening(UIA2_PORT), true);
    assert.equal((await phone.shell(`am force-stop ${pkg}`)).exitCode, 0);
    assert.equal(await run.exit, 0);
    assert.match(run.stdout(), /INSTRUMENTATION_RESULT: shortMsg=Process crashed\.\nINSTRUMENTATION_CODE: 0\n$/);
    assert.equal(phone.ports.isListening(UIA2_PORT), false, `force-stop ${pkg} closes the port`);
    assert.equal(phone.apkPackages.process(UIA2_SERVER_PACKAGE), undefined);
  }
  const run = instrument(phone);
  await run.started;
  run.close();
  await run.exit;
  assert.equal(phone.ports.isListening(UIA2_PORT), false);
  assert.equal(phone.apkPackages.process(UIA2_SERVER_PACKAGE), undefined);
});

test('without -w am instrument returns at once; the server runs on until a force-stop', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  await installServer(phone);
  const base = await forward(t, phone);
  const run = instrument(phone, `am instrument -e disableAnalytics true ${UIA2_INSTRUMENTATION}`);
  assert.equal(await run.exit, 0);
  assert.equal(run.stdout(), '');
  assert.equal(await refused(`${base}/status`), false, 'the server runs on after am returned');
  await phone.shell(`am force-stop ${UIA2_SERVER_PACKAGE}`);
  assert.equal(await refused(`${base}/status`), true);
});
