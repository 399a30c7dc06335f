/**
 * The driver behind a real Appium 3 server, driven by a real WebdriverIO client: what a spec
 * author's calls return must have UiAutomator2's shapes. One server for the file, several sessions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { remote } from 'webdriverio';
import { APP } from './fake-phone.ts';
import { startFakeLab } from './fake-lab.ts';
import { startAppium } from './appium-server.ts';
import type { AppiumServer } from './appium-server.ts';

const SPLASH = `${APP}/com.tencent.qcloud.tim.demo.SplashActivity`;

test('VirtualOppo behind Appium 3 and WebdriverIO', async (t) => {
  const lab = await startFakeLab();
  const sessions: WebdriverIO.Browser[] = [];
  let server: AppiumServer | undefined;
  // one hook, so the order is certain: sessions, then Appium, then the lab
  t.after(async () => {
    for (const session of sessions) await session.deleteSession().catch(() => undefined);
    await server?.close();
    await lab.close();
  });
  const started = await startAppium({ allowInsecure: ['virtualoppo:adb_shell'] });
  server = started.server;
  const { port } = started;

  const open = async (caps: Record<string, unknown>) => {
    const driver = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'silent',
      connectionRetryCount: 0,
      capabilities: { platformName: 'Android', 'appium:automationName': 'VirtualOppo', 'appium:labUrl': lab.url, ...caps } as WebdriverIO.Capabilities,
    });
    sessions.push(driver);
    return driver;
  };

  const driver = await open({ 'appium:appPackage': APP, 'appium:appActivity': '.SplashActivity' });
  const serial = (driver.capabilities as Record<string, unknown>).udid as string;
  const phone = lab.phones.get(serial)!;
  assert.ok(phone, 'a fresh phone was booted in the lab');

  await t.test('the session boots a phone, launches the app and reports the device in its capabilities', async () => {
    assert.deepEqual(lab.boots, [{}]);
    const caps = driver.capabilities as Record<string, unknown>;
    assert.equal(caps.deviceUDID, serial);
    assert.equal(caps.deviceManufacturer, 'OPPO');
    assert.equal(caps.deviceApiLevel, 34);
    assert.equal(caps.platformVersion, '14');
    assert.equal(await driver.queryAppState(APP), 4);
    assert.equal(await driver.getCurrentActivity(), '.SplashActivity');
    assert.equal(await driver.getCurrentPackage(), APP);
  });

  await t.test('logs in through the app UI with UiA2 locators', async () => {
    const user = await driver.$('id=user_id'); // bare id, resolved against the app package like UiA2
    await user.setValue('alice');
    assert.equal(await user.getText(), 'alice');
    assert.equal(await driver.$('~login').getAttribute('resource-id'), `${APP}:id/login_btn`);
    const remember = await driver.$('android=new UiSelector().className("android.widget.CheckBox")');
    assert.equal(await remember.getAttribute('checked'), 'true');
    assert.equal(await remember.getAttribute('className'), 'android.widget.CheckBox');
    assert.equal(await remember.getAttribute('bounds'), '[60,960][600,1040]');
    assert.equal(await remember.isSelected(), false);
    assert.equal(await remember.isEnabled(), true);
    assert.deepEqual(await remember.getSize(), { width: 540, height: 80 });
    assert.deepEqual(await remember.getLocation(), { x: 60, y: 960 });
    assert.equal((await driver.$$('class name:android.widget.EditText')).length, 1);
    const button = await driver.$(`//android.widget.Button[@resource-id='${APP}:id/login_btn']`);
    assert.equal(await button.isDisplayed(), true);
    await button.click();
    assert.equal(phone.loggedInAs, 'alice');
    assert.match(await driver.getPageSource(), /text="Conversations of alice"/);
  });

  await t.test('finding: misses, bad selectors, stale and unknown elements use the WebDriver errors', async () => {
    assert.equal((await driver.$$('~no-such-thing')).length, 0);
    // WebdriverIO hands some errors (no such element) back as values rather than throwing them
    const outcome = async (call: Promise<unknown>) => {
      try {
        return JSON.stringify(await call);
      } catch (err) {
        return String(err);
      }
    };
    const findError = (using: string, value: string) => outcome(driver.findElement(using, value));
    assert.match(await findError('id', 'nope'), /no such element/i);
    assert.match(await findError('xpath', '//*[@text='), /invalid selector/i);
    assert.match(await findError('xpath', 'count(//*)'), /invalid selector.*must select elements/is);
    assert.match(await findError('-android uiautomator', 'new UiScrollable(new UiSelector())'), /invalid selector.*UiScrollable is not supported/is);
    assert.match(await findError('css selector', 'a'), /invalid selector/i);
    const title = await driver.findElement('id', `${APP}:id/title`);
    const again = await driver.findElement('id', `${APP}:id/title`);
    assert.deepEqual(again, title, 'the same node keeps the same element id');
    const id = Object.values(title)[0] as string;
    await driver.terminateApp(APP);
    await assert.rejects(driver.getElementText(id), /stale element reference/i);
    assert.match(await outcome(driver.getElementText('not-an-element')), /no such element.*not-an-element/i);
    await driver.activateApp(APP);
    await assert.rejects(driver.getElementAttribute(Object.values(await driver.findElement('id', 'title'))[0] as string, 'hint'), /does not have the 'hint' attribute/);
  });

  await t.test('app management answers like UiAutomator2', async () => {
    assert.equal(await driver.queryAppState(APP), 4);
    assert.equal(await driver.terminateApp(APP), true);
    assert.equal(await driver.queryAppState(APP), 1);
    assert.equal(await driver.execute('mobile: terminateApp', { appId: APP }), false);
    assert.equal(await driver.execute('mobile: queryAppState', { appId: 'com.nope' }), 0);
    assert.equal(await driver.execute('mobile: isAppInstalled', { appId: APP }), true);
    assert.equal(await driver.isAppInstalled('com.nope'), false);
    await driver.execute('mobile: activateApp', { appId: APP });
    assert.equal(await driver.queryAppState(APP), 4);
    await driver.pressKeyCode(3);
    assert.deepEqual(phone.keys.at(-1), 3);
    assert.equal(await driver.queryAppState(APP), 3);
    await driver.activateApp(APP);
    await driver.execute('mobile: backgroundApp', { seconds: -1 });
    assert.equal(await driver.queryAppState(APP), 3);
    await assert.rejects(driver.execute('mobile: activateApp', { appId: 'com.nope' }), /not installed/);
    const out = await driver.execute('mobile: startActivity', { component: SPLASH, wait: true });
    assert.match(out as string, /Status: ok/);
    await assert.rejects(driver.execute('mobile: startActivity', {}), /give at least one of/);
    await assert.rejects(driver.execute('mobile: warpDrive', {}), /Unsupported execute method 'mobile: warpDrive'/);
  });

  await t.test('the notification is found in the shade by a real-device xpath, and tapping it opens the app with the extras', async () => {
    await driver.terminateApp(APP);
    phone.postNotification('alice', 'hello from alice', { chatId: 'c1', from: 'alice' });
    await driver.getLogs('logcat'); // drain: only what follows counts
    await driver.openNotifications();
    const notes = (await driver.execute('mobile: getNotifications')) as { statusBarNotifications: Array<Record<string, unknown>> };
    assert.equal(notes.statusBarNotifications.length, 1);
    const [note] = notes.statusBarNotifications;
    assert.deepEqual(Object.keys(note!).sort(), ['groupKey', 'id', 'isClearable', 'isGroup', 'isOngoing', 'isRemoved', 'key', 'notification', 'overrideGroupKey', 'packageName', 'postTime', 'tag', 'userHandle']);
    assert.equal((note!.notification as Record<string, unknown>).title, 'alice');

    const title = await driver.$("//*[@resource-id='android:id/title' and @text='alice']");
    const row = await driver.$(
      "//*[@resource-id='android:id/title' and @text='alice']/ancestor::*[@clickable='true'][.//*[@resource-id='android:id/text' and contains(@text,'hello')]]",
    );
    assert.equal(await row.getAttribute('clickable'), 'true');
    assert.equal(await title.getText(), 'alice');
    await title.click();
    assert.deepEqual(phone.openedWithExtras, { chatId: 'c1', from: 'alice' });
    assert.equal(await driver.queryAppState(APP), 4);

    const logs = (await driver.getLogs('logcat')) as Array<{ timestamp: number; level: string; message: string }>;
    assert.ok(logs.length > 0);
    for (const entry of logs) {
      assert.deepEqual(Object.keys(entry).sort(), ['level', 'message', 'timestamp']);
      assert.equal(typeof entry.timestamp, 'number');
      assert.equal(entry.level, 'ALL');
    }
    assert.ok(logs.some((e) => /I oppo push custom data: key = chatId:value = c1$/.test(e.message)));
    assert.deepEqual(await driver.getLogs('logcat'), [], 'a read drains the buffer');
    assert.deepEqual(await driver.getLogTypes(), ['logcat']);
  });

  await t.test('device commands: shade, keys, shell, device info, screenshot, window', async () => {
    await driver.execute('mobile: statusBar', { command: 'expandNotifications' });
    assert.equal(phone.shadeOpen, true);
    assert.equal(await driver.execute('mobile: statusBar', { command: 'collapse' }), '');
    assert.equal(phone.shadeOpen, false);
    await driver.execute('mobile: statusBar', { command: 'clickTile', component: 'com.x/.Tile' });
    assert.equal(phone.shellCommands.at(-1), 'cmd statusbar click-tile com.x/.Tile');
    await assert.rejects(driver.execute('mobile: statusBar', { command: 'explode' }), /status bar command is unknown/);
    await driver.execute('mobile: pressKey', { keycode: 4 });
    assert.equal(phone.keys.at(-1), 4);
    await assert.rejects(driver.execute('mobile: pressKey', { keycode: 'HOME' }), /keycode/);

    assert.equal(await driver.execute('mobile: shell', { command: 'getprop', args: ['ro.product.brand'] }), 'OPPO\n');
    assert.deepEqual(await driver.execute('mobile: shell', { command: 'getprop ro.product.brand', includeStderr: true }), { stdout: 'OPPO\n', stderr: '' });
    await assert.rejects(driver.execute('mobile: shell', { command: 'frobnicate' }), /exit code 127.*frobnicate: inaccessible or not found/s);

    const info = (await driver.execute('mobile: deviceInfo')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(info).sort(), ['androidId', 'apiVersion', 'bluetooth', 'brand', 'carrierName', 'displayDensity', 'locale', 'manufacturer', 'model', 'networks', 'platformVersion', 'realDisplaySize', 'timeZone']);
    assert.deepEqual(await driver.execute('mobile: getDeviceInfo'), info);

    const png = PNG.sync.read(Buffer.from(await driver.takeScreenshot(), 'base64'));
    assert.ok(png.width > 0 && png.height > 0);
    assert.deepEqual(await driver.getWindowRect(), { x: 0, y: 0, width: 1080, height: 2400 });
  });

  await t.test('a second session attaches to the same phone by udid and, with noReset, leaves it as it is', async () => {
    await driver.terminateApp(APP);
    const second = await open({ 'appium:udid': serial, 'appium:appPackage': APP, 'appium:noReset': true, 'appium:autoLaunch': false });
    assert.equal(lab.boots.length, 1, 'no phone was booted');
    assert.equal(await second.queryAppState(APP), 1);
    await second.activateApp(APP);
    await second.deleteSession();
    assert.equal(await driver.queryAppState(APP), 4, 'noReset: the app keeps running after the session');
  });

  await t.test('without noReset the app is force-stopped before the launch and at session end', async () => {
    const third = await open({ 'appium:udid': serial, 'appium:appPackage': APP });
    assert.equal(await third.queryAppState(APP), 4);
    await third.deleteSession();
    assert.equal(await driver.queryAppState(APP), 1);
  });

  await t.test('an implicit wait polls the phone until the element shows up', async () => {
    await driver.setTimeout({ implicit: 10_000 });
    try {
      let reads = 0;
      phone.onUiTree = () => {
        if (++reads === 2) {
          phone.postNotification('late', 'arrives while the driver waits', {});
          phone.shadeOpen = true;
        }
      };
      const late = await driver.$("//*[@resource-id='android:id/title' and @text='late']");
      assert.equal(await late.getText(), 'late');
      assert.ok(reads >= 2);
    } finally {
      phone.onUiTree = undefined;
      await driver.setTimeout({ implicit: 0 });
    }
  });

  await t.test('appProfile alone names the app under test and is passed to the boot', async () => {
    const fourth = await open({ 'appium:appProfile': 'tim-demo' });
    assert.deepEqual(lab.boots.at(-1), { appProfiles: ['tim-demo'] });
    const caps = fourth.capabilities as Record<string, unknown>;
    assert.equal(caps.appPackage, APP);
    assert.equal(await fourth.queryAppState(APP), 4);
    await fourth.deleteSession();
  });

  await t.test('uninstall and install: removeApp, installApp, isAppInstalled and their mobile: forms', async (tt) => {
    assert.equal(await driver.removeApp(APP), true);
    assert.equal(await driver.isAppInstalled(APP), false);
    assert.equal(await driver.execute('mobile: isAppInstalled', { appId: APP }), false);
    assert.equal(await driver.execute('mobile: removeApp', { appId: APP }), false, 'nothing left to remove');
    await driver.installApp('tim-demo');
    assert.equal(await driver.isAppInstalled(APP), true);
    assert.equal(await driver.execute('mobile: removeApp', { appId: APP, keepData: false }), true);
    // A profile file on the Appium host is read there and sent as the profile.
    const dir = await mkdtemp(join(tmpdir(), 'vo-install-'));
    tt.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'my-variant.json');
    await writeFile(file, JSON.stringify({ id: 'tim-demo', label: 'from a file' }));
    await driver.execute('mobile: installApp', { appPath: file });
    assert.deepEqual(phone.installs.at(-1), { id: 'tim-demo', label: 'from a file' });
    assert.equal(await driver.execute('mobile: isAppInstalled', { appId: APP }), true);
    await assert.rejects(driver.installApp('no-such-app'), /cannot install 'no-such-app': the fake phone knows only 'tim-demo'/);
    await writeFile(file, '{not json');
    await assert.rejects(driver.execute('mobile: installApp', { appPath: file }), /is not an app profile/);
    await assert.rejects(driver.execute('mobile: removeApp', {}), /appId/);
  });

  await t.test('sessions that cannot get a phone fail with SessionNotCreatedError and a reason', async () => {
    await assert.rejects(open({ 'appium:udid': 'ghost' }), /session could not be created.*no phone with udid 'ghost'/is);
    await assert.rejects(open({ 'appium:deviceProfile': 'no-such-model' }), /session could not be created.*could not boot a phone.*no-such-model/is);
    await assert.rejects(open({ 'appium:udid': serial, 'appium:appPackage': 'com.nope' }), /session could not be created.*'com\.nope' is not installed/is);
    await assert.rejects(open({ 'appium:labUrl': 'http://127.0.0.1:9', 'appium:udid': serial }), /session could not be created.*cannot reach the lab/is);
    await assert.rejects(open({ 'appium:udid': 5 }), /session could not be created.*udid/is);
  });

  await t.test('a bare session (only platformName and automationName) gets a phone from an in-process lab', async () => {
    const bare = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'silent',
      connectionRetryCount: 0,
      capabilities: { platformName: 'Android', 'appium:automationName': 'VirtualOppo' },
    });
    try {
      assert.equal(((await bare.execute('mobile: deviceInfo')) as { brand: string }).brand, 'OPPO');
      // No app capability: like UiAutomator2, nothing is launched; the demo app is installed, not running.
      assert.equal(await bare.execute('mobile: queryAppState', { appId: 'com.tencent.qcloud.tim.demo' }), 1);
    } finally {
      await bare.deleteSession();
    }
  });
});
