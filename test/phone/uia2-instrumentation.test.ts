/**
 * `am instrument` runs the UiAutomator2 server on device port 6790 while it stays open: reached
 * here through a loopback listener that connects to the phone's port, as `adb forward` does.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import type { AppProfile } from '../../harness/phone/profiles.ts';
import type { VirtualPhone } from '../../harness/phone/phone.ts';
import { amInstrument } from '../../harness/phone/uia2/am-instrument.ts';
import { UIA2_INSTRUMENTATION, UIA2_PORT, UIA2_SERVER_PACKAGE, UIA2_TEST_PACKAGE } from '../../harness/phone/uia2/instrumentation.ts';
import { bootPhone } from './fakes.ts';

/** A package as an APK install registers it (name and version only; no activities of its own). */
function apkPackage(packageName: string, versionName: string, versionCode: number): AppProfile {
  return {
    id: packageName,
    label: packageName,
    packageName,
    versionName,
    versionCode,
    targetSdk: 33,
    activities: [],
    channels: [],
    push: { appKey: '', appSecret: '' },
    im: { sdkAppId: 0, certificateId: 0, sdkVersion: '' },
    behaviour: {} as AppProfile['behaviour'],
  };
}

function installServer(phone: VirtualPhone): void {
  phone.install(apkPackage(UIA2_SERVER_PACKAGE, '10.6.6', 216));
  phone.install(apkPackage(UIA2_TEST_PACKAGE, '10.6.6', 216));
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

function shell() {
  const abort = new AbortController();
  let stdout = '';
  let stderr = '';
  return {
    io: { out: (c: string) => void (stdout += c), err: (c: string) => void (stderr += c), signal: abort.signal },
    close: () => abort.abort(),
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

const ARGS = ['-w', '-e', 'disableAnalytics', 'true', UIA2_INSTRUMENTATION];

test('without the server APKs am instrument fails as Android does and nothing listens on 6790', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  const sh = shell();
  assert.equal(await amInstrument(phone, ARGS, sh.io), 1);
  assert.match(sh.stderr(), /^android\.util\.AndroidException: INSTRUMENTATION_FAILED: io\.appium\.uiautomator2\.server\.test\/androidx\.test\.runner\.AndroidJUnitRunner\n/);
  assert.equal(phone.ports.isListening(UIA2_PORT), false);
  phone.install(apkPackage(UIA2_SERVER_PACKAGE, '10.6.6', 216));
  assert.equal(await amInstrument(phone, ARGS, shell().io), 1, 'the test APK is needed too');
  assert.equal(phone.processes.byName(UIA2_SERVER_PACKAGE).length, 0);
});

test('the server serves while am instrument -w runs; DELETE /session ends it and the process leaves the table', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  installServer(phone);
  const base = await forward(t, phone);
  assert.equal(await refused(`${base}/status`), true, 'refused before the instrumentation runs');

  const sh = shell();
  const exit = amInstrument(phone, ARGS, sh.io);
  assert.equal(sh.stdout(), '\nio.appium.uiautomator2.server.test.AppiumUiAutomator2Server:');
  assert.equal(phone.processes.byName(UIA2_SERVER_PACKAGE).length, 1);
  const status = (await (await fetch(`${base}/status`)).json()) as { value: { build: { version: string } } };
  assert.equal(status.value.build.version, '10.6.6', 'the installed APK version');
  const created = (await (await fetch(`${base}/session`, { method: 'POST', body: JSON.stringify({ capabilities: { firstMatch: [{}] } }) })).json()) as { sessionId: string };
  const deleted = await fetch(`${base}/session/${created.sessionId}`, { method: 'DELETE' });
  assert.equal(deleted.status, 200);
  assert.equal(await exit, 0);
  assert.match(sh.stdout(), /AppiumUiAutomator2Server:\.\n\nTime: \d+\.\d{3}\n\nOK \(1 test\)\n\n\n$/);
  assert.equal(phone.processes.byName(UIA2_SERVER_PACKAGE).length, 0);
  assert.equal(phone.ports.isListening(UIA2_PORT), false);
  assert.equal(await refused(`${base}/status`), true, 'refused again once the server stopped');
});

test('am force-stop of either package ends the server; the client closing the shell ends it too', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  installServer(phone);
  for (const pkg of [UIA2_SERVER_PACKAGE, UIA2_TEST_PACKAGE]) {
    const sh = shell();
    const exit = amInstrument(phone, ARGS, sh.io);
    assert.equal(phone.ports.isListening(UIA2_PORT), true);
    const stop = await phone.shell(`am force-stop ${pkg}`);
    assert.equal(stop.exitCode, 0);
    assert.equal(await exit, 0);
    assert.match(sh.stdout(), /INSTRUMENTATION_RESULT: shortMsg=Process crashed\.\nINSTRUMENTATION_CODE: 0\n$/);
    assert.equal(phone.ports.isListening(UIA2_PORT), false, `force-stop ${pkg} closes the port`);
    assert.equal(phone.processes.byName(UIA2_SERVER_PACKAGE).length, 0);
  }
  const sh = shell();
  const exit = amInstrument(phone, ARGS, sh.io);
  sh.close();
  assert.equal(await exit, 0);
  assert.equal(phone.ports.isListening(UIA2_PORT), false);
  assert.equal(phone.processes.byName(UIA2_SERVER_PACKAGE).length, 0);
});

test('a keep-alive connection is cut when the server stops; without -w am instrument returns at once', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  installServer(phone);
  const base = await forward(t, phone);
  const sh = shell();
  assert.equal(await amInstrument(phone, ['-e', 'disableAnalytics', 'true', UIA2_INSTRUMENTATION], sh.io), 0);
  assert.equal(sh.stdout(), '');
  assert.equal(await refused(`${base}/status`), false, 'the server runs on after am returned');
  await phone.shell(`am force-stop ${UIA2_SERVER_PACKAGE}`);
  assert.equal(await refused(`${base}/status`), true);
  await phone.shutdown();
  assert.equal(phone.processes.list().length, 0);
});
