/**
 * What Appium Inspector sends when a person opens a session on a virtual phone, refreshes the
 * source and taps: the session's capabilities and settings, page source, screenshot, window rect,
 * orientation, contexts, then a tap on an element (find + rect + click, and a W3C tap at the
 * element's coordinates as Inspector's "tap" mode does), the back key, and the swipes a person
 * makes on the screenshot (pull the shade down, swipe a notification away).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { remote } from 'webdriverio';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { startAppium } from './appium-server.ts';

const PKG = 'com.tencent.qcloud.tim.demo';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

function tapAt(x: number, y: number) {
  return [{ type: 'pointer' as const, id: 'finger1', parameters: { pointerType: 'touch' as const }, actions: [
    { type: 'pointerMove' as const, duration: 0, x, y },
    { type: 'pointerDown' as const, button: 0 },
    { type: 'pause' as const, duration: 100 },
    { type: 'pointerUp' as const, button: 0 },
  ] }];
}

function swipe(from: { x: number; y: number }, to: { x: number; y: number }) {
  return [{ type: 'pointer' as const, id: 'finger1', parameters: { pointerType: 'touch' as const }, actions: [
    { type: 'pointerMove' as const, duration: 0, x: from.x, y: from.y },
    { type: 'pointerDown' as const, button: 0 },
    { type: 'pointerMove' as const, duration: 250, x: to.x, y: to.y },
    { type: 'pointerUp' as const, button: 0 },
  ] }];
}

test('Appium Inspector: open a session, refresh the source, tap an element, swipe the shade', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: Date.UTC(2026, 2, 1, 9, 0, 0) }), phones: 1 });
  let appium: Awaited<ReturnType<typeof startAppium>>['server'] | undefined;
  let driver: WebdriverIO.Browser | undefined;
  t.after(async () => {
    await driver?.deleteSession().catch(() => undefined);
    await appium?.close();
    await lab.stop();
  });
  const started = await startAppium();
  appium = started.server;
  const phone = lab.farm.list()[0]!;
  driver = await remote({
    hostname: '127.0.0.1',
    port: started.port,
    logLevel: 'silent',
    connectionRetryCount: 0,
    capabilities: {
      platformName: 'Android',
      'appium:automationName': 'VirtualOppo',
      'appium:labUrl': lab.url,
      'appium:udid': phone.serial,
      'appium:appPackage': PKG,
      'appium:newCommandTimeout': 3600,
    } as WebdriverIO.Capabilities,
  });
  const id = driver.sessionId;

  // -- session open: caps, settings, then the first source + screenshot + window + contexts
  const { capabilities } = (await driver.getAppiumSessionCapabilities()) as { capabilities: Record<string, unknown> };
  assert.equal(capabilities.udid, phone.serial);
  assert.equal(typeof (await driver.getSettings()), 'object');
  const source = await driver.getPageSource();
  assert.match(source, /resource-id="com\.tencent\.qcloud\.tim\.demo:id\/login_btn"[^>]*bounds="\[\d+,\d+\]\[\d+,\d+\]"/);
  const shot = PNG.sync.read(Buffer.from(await driver.takeScreenshot(), 'base64'));
  assert.deepEqual([shot.width, shot.height], [1080, 2400]);
  assert.deepEqual(await driver.getWindowRect(), { x: 0, y: 0, width: 1080, height: 2400 });
  assert.equal(await driver.getOrientation(), 'PORTRAIT');
  assert.deepEqual(await driver.getContexts(), ['NATIVE_APP']);
  assert.equal(await driver.getContext(), 'NATIVE_APP');
  await driver.switchContext('NATIVE_APP');
  await assert.rejects(driver.switchContext('WEBVIEW_com.example'), /no such context|NATIVE_APP/);

  // -- select an element in the tree: Inspector finds it by its xpath and reads its rect
  const field = await driver.findElement('xpath', "//android.widget.EditText[@resource-id='com.tencent.qcloud.tim.demo:id/login_user']");
  const fieldId = (field as Record<string, string>)[ELEMENT]!;
  const rect = await driver.getElementRect(fieldId);
  assert.ok(rect.width > 0 && rect.height > 0 && rect.y >= 0);
  await driver.elementSendKeys(fieldId, 'bob');
  // "Tap" on the element: Inspector's element action is a click
  const login = await driver.findElement('xpath', "//*[@content-desc='login']");
  await driver.elementClick((login as Record<string, string>)[ELEMENT]!);
  assert.match(await driver.getPageSource(), /text="Chats"/, 'refreshing the source shows the main screen');

  // -- tap by coordinates on the screenshot (W3C pointer actions), then back
  const logout = await driver.findElement('xpath', "//*[@content-desc='logout']");
  const logoutRect = await driver.getElementRect((logout as Record<string, string>)[ELEMENT]!);
  await driver.performActions(tapAt(logoutRect.x + logoutRect.width / 2, logoutRect.y + logoutRect.height / 2));
  await driver.releaseActions();
  assert.match(await driver.getPageSource(), /resource-id="com\.tencent\.qcloud\.tim\.demo:id\/login_btn"/, 'the coordinate tap pressed Logout');
  await driver.back();
  assert.equal(await driver.getCurrentPackage(), 'com.android.launcher');

  // -- swipe down from the status bar opens the shade; a sideways swipe dismisses the notification
  phone.postShellNotification('inspector', 'Alice', 'Swipe me away', undefined);
  await driver.performActions(swipe({ x: 540, y: 20 }, { x: 540, y: 1600 }));
  const row = await driver.findElement('xpath', "//*[@resource-id='com.android.systemui:id/expandableNotificationRow']");
  const rowRect = await driver.getElementRect((row as Record<string, string>)[ELEMENT]!);
  const y = rowRect.y + rowRect.height / 2;
  await driver.performActions(swipe({ x: 900, y }, { x: 100, y }));
  assert.doesNotMatch(await driver.getPageSource(), /Swipe me away/);
  assert.equal(phone.notifications.removed.at(-1)?.reason, 'swipe');

  // -- rotate: window rect and screenshot follow
  await driver.setOrientation('LANDSCAPE');
  assert.deepEqual(await driver.getWindowRect(), { x: 0, y: 0, width: 2400, height: 1080 });
  const landscape = PNG.sync.read(Buffer.from(await driver.takeScreenshot(), 'base64'));
  assert.deepEqual([landscape.width, landscape.height], [2400, 1080]);
  assert.ok(id);
});
