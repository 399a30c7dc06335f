/**
 * The real, unmodified UiAutomator2 driver (appium-uiautomator2-driver) in a real Appium 3 server,
 * against a virtual phone it reaches only over ADB (the lab's ADB endpoint, `appium:adbPort`): the
 * three APKs streamed in on a fresh phone, the UiAutomator2 server instrumented and reached through
 * `adb forward`, the Appium Settings helper answering `mobile: getNotifications`. Needs Debian's
 * `adb` and `aapt` (appium-adb runs the host `adb` for `mobile: shell` and reads APK versions with
 * `aapt2`); without them the tests are skipped with a line saying what to install.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab, type Lab } from '../../harness/lab/lab.ts';
import { Phone } from '../../harness/scenario/phone.ts';
import { timDemoApp } from '../../harness/scenario/apps/tim-demo.ts';
import { genUserSig } from '../../harness/im/usersig.ts';
import { ImRestClient } from '../../harness/scenario/im-rest.ts';
import { UIA2_SERVER_PACKAGE, UIA2_TEST_PACKAGE } from '../../harness/phone/uia2/instrumentation.ts';
import { SETTINGS_PACKAGE } from '../../harness/phone/uia2/settings-app.ts';
import { openSession, startAppium, type AppiumServer } from './appium-server.ts';
import { SETTINGS_APK } from '../adb/apks.ts';

/** Where Debian's adb and aapt put the SDK layout appium-adb looks for. */
const ANDROID_HOME = '/usr/lib/android-sdk';
const missing = [`${ANDROID_HOME}/platform-tools/adb`, `${ANDROID_HOME}/build-tools/debian/aapt2`].filter((f) => !existsSync(f));
const skip = missing.length > 0 ? `needs Debian's adb and aapt (apt-get install -y adb aapt): ${missing.join(', ')} missing` : false;
if (skip) console.log(`# skipped: the real UiAutomator2 driver tests ${skip}`);

const PKG = timDemoApp.packageName;

interface Rig {
  lab: Lab;
  port: number;
  adbPort: number;
  serial: string;
  session(caps?: Record<string, unknown>): Promise<WebdriverIO.Browser>;
}

async function rig(t: TestContext): Promise<Rig> {
  const env = { ANDROID_HOME: process.env.ANDROID_HOME, ANDROID_SDK_ROOT: process.env.ANDROID_SDK_ROOT };
  process.env.ANDROID_HOME = ANDROID_HOME;
  delete process.env.ANDROID_SDK_ROOT;
  const lab = await startLab({ clock: new VirtualClock({ start: Date.UTC(2026, 2, 1, 9, 0, 0) }), phones: 1, adb: true });
  let appium: AppiumServer | undefined;
  const sessions: WebdriverIO.Browser[] = [];
  t.after(async () => {
    for (const s of sessions) await s.deleteSession().catch(() => undefined);
    await appium?.close();
    await lab.stop();
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  });
  const started = await startAppium({ useDrivers: ['uiautomator2'], allowInsecure: ['uiautomator2:adb_shell'] });
  appium = started.server;
  const adbPort = lab.adb.info()!.port;
  const serial = lab.farm.list()[0]!.serial;
  return {
    lab,
    port: started.port,
    adbPort,
    serial,
    async session(caps = {}) {
      const driver = await openSession(started.port, {
        'appium:automationName': 'UiAutomator2',
        'appium:udid': serial,
        'appium:adbPort': adbPort,
        'appium:remoteAdbHost': '127.0.0.1',
        // A loaded CI machine is slower than a phone: give the server time to come up.
        'appium:uiautomator2ServerLaunchTimeout': 60_000,
        'appium:adbExecTimeout': 60_000,
        ...caps,
      });
      sessions.push(driver);
      return driver;
    },
  };
}

/** The IM server's REST API as an app backend calls it (sendmsg with the admin's UserSig). */
function imRest(lab: Lab): ImRestClient {
  const { sdkAppId, secretKey, admin } = lab.im.server.imApp;
  return new ImRestClient({ baseUrl: lab.im.url, sdkAppId, admin, userSig: () => genUserSig({ sdkAppId, secretKey, userId: admin, now: lab.clock.now() }) });
}

test('default capabilities on a fresh phone: the three APKs go in over ADB, the command tour runs, deleteSession ends the server', { skip }, async (t) => {
  const r = await rig(t);
  const phone = r.lab.farm.get(r.serial)!;
  assert.equal(phone.app(UIA2_SERVER_PACKAGE), undefined);
  const driver = await r.session();
  await driver.activateApp(PKG);
  for (const pkg of [SETTINGS_PACKAGE, UIA2_SERVER_PACKAGE, UIA2_TEST_PACKAGE]) assert.equal(await driver.isAppInstalled(pkg), true, `${pkg} was installed`);

  // find by id, accessibility id, UiSelector and xpath; click, getText
  // No appPackage capability: a bare id would resolve against the server's own package, so ids are full.
  const field = await driver.$(`id=${PKG}:id/login_user`);
  await field.setValue('bob');
  assert.equal(await field.getText(), 'bob');
  assert.equal(await driver.$('~login').getText(), 'Login');
  assert.equal(await driver.$('android=new UiSelector().text("Login")').isDisplayed(), true);
  await driver.$(`//android.widget.Button[@resource-id='${PKG}:id/login_btn']`).click();
  await driver.$(`id=${PKG}:id/logout_btn`).waitForDisplayed();
  assert.equal(await driver.$(`id=${PKG}:id/no_such_view`).isExisting(), false);
  await assert.rejects(driver.findElement('id', `${PKG}:id/no_such_view`).then((e) => { if ('error' in e) throw new Error(String(e.error)); }), /no such element/);

  assert.match(await driver.getPageSource(), new RegExp(`resource-id="${PKG}:id/logout_btn"`));
  assert.ok(Buffer.from(await driver.takeScreenshot(), 'base64').subarray(1, 4).toString() === 'PNG');
  assert.equal(String(await driver.execute('mobile: shell', { command: 'getprop', args: ['ro.product.model'] })).trim(), phone.device.props['ro.product.model']);

  // the shade, a shell-posted notification, getNotifications through the Appium Settings helper
  await driver.execute('mobile: shell', { command: 'cmd', args: ['notification', 'post', '-t', 'alice', 'tag1', 'hi there'] });
  await driver.openNotifications();
  await driver.$("//*[@resource-id='android:id/title' and @text='alice']").waitForExist();
  const seen = (await driver.execute('mobile: getNotifications')) as { statusBarNotifications: Array<{ packageName: string; notification: { title: string | null; text: string | null } }> };
  assert.ok(seen.statusBarNotifications.some((n) => n.packageName === 'com.android.shell' && n.notification.title === 'alice' && n.notification.text === 'hi there'));
  await driver.back();
  assert.equal(phone.shadeOpen, false);

  // app lifecycle, keys
  assert.equal(await driver.queryAppState(PKG), 4);
  await driver.pressKeyCode(3);
  assert.equal(await driver.queryAppState(PKG), 3);
  assert.equal(await driver.terminateApp(PKG), true);
  assert.equal(await driver.queryAppState(PKG), 1);
  await driver.activateApp(PKG);
  assert.equal(await driver.queryAppState(PKG), 4);

  // install/uninstall a real APK (the helper itself: out and back in)
  await driver.removeApp(SETTINGS_PACKAGE);
  assert.equal(await driver.isAppInstalled(SETTINGS_PACKAGE), false);
  await driver.installApp(SETTINGS_APK);
  assert.equal(await driver.isAppInstalled(SETTINGS_PACKAGE), true);

  await driver.deleteSession();
  assert.equal(phone.ports.isListening(6790), false, 'the server stopped with the session');
  assert.equal(phone.apkPackages.process(UIA2_SERVER_PACKAGE), undefined, 'its process left ps');
});

test("skip capabilities: the Phone and app page objects' whole flow (login, kill, push, shade, tap, extras) on UiAutomator2", { skip }, async (t) => {
  const r = await rig(t);
  // A first session installs the server and the helper; the second one skips both, as a CI job does.
  await (await r.session()).deleteSession();
  // ColorOS refuses `pm clear` (the reset UiA2 does before launching an app): QA teams set noReset on OPPO phones.
  const driver = await r.session({
    'appium:skipServerInstallation': true,
    'appium:skipDeviceInitialization': true,
    'appium:appPackage': PKG,
    'appium:appActivity': '.SplashActivity',
    'appium:noReset': true,
  });
  const phone = new Phone('phoneA', driver, timDemoApp, r.serial);
  await phone.reset();
  await phone.login('bob');
  await phone.kill('force-stop');
  assert.equal(await phone.appState(), 1);
  await phone.markLogcat();
  await imRest(r.lab).sendText('alice', 'bob', 'parcel 42 shipped', { Ext: JSON.stringify({ orderId: '42', conv: 'c2c_alice' }) });
  const shown = await phone.waitForNotification({ title: 'Alice', text: 'parcel 42 shipped' }, { withChannel: true });
  assert.equal(shown.packageName, PKG);
  assert.equal(shown.channel, 'tuikit');
  await phone.tapNotification({ title: 'Alice' });
  assert.equal(await phone.launchedActivity(), timDemoApp.launcherActivity);
  assert.deepEqual(await phone.extras(), { orderId: '42', conv: 'c2c_alice' });
  const focused = r.lab.farm.get(r.serial)!.focusedComponent()!.split('/')[1];
  assert.equal(await phone.currentActivity(), focused, 'what dumpsys window says is what the phone shows');
  await phone.kill('process-death');
  await phone.launch();
  assert.equal(await timDemoApp.isLoggedIn(driver), true, 'the demo logs in again by itself');
  await phone.logout();
});
