import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { UiNode } from '../../harness/phone/api.ts';
import { bootPhone, findNode, loginThroughUi, PKG } from './fakes.ts';

function all(node: UiNode): UiNode[] {
  return [node, ...node.children.flatMap(all)];
}

test('the launcher lists installed apps by label; tapping one launches it; BACK on the root goes home', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  const root = await phone.uiTree();
  assert.equal(root.packageName, 'com.android.launcher');
  assert.equal(await phone.currentActivity(), '.Launcher');
  const icon = await findNode(phone, (n) => n.contentDesc === 'IM Demo');
  await phone.tap(icon!.id);
  assert.equal(await phone.queryAppState(PKG), 4);
  assert.equal((await phone.uiTree()).packageName, PKG);
  await phone.pressKey(4);
  assert.equal(await phone.queryAppState(PKG), 3);
  assert.equal(await phone.currentPackage(), 'com.android.launcher');
});

test('node ids are stable across renders; bounds nest inside the screen; setText on a label is refused', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  const first = all(await phone.uiTree()).map((n) => n.id);
  const second = all(await phone.uiTree()).map((n) => n.id);
  assert.deepEqual(first, second);
  assert.equal(new Set(first).size, first.length, 'ids are unique');
  const { width, height } = await phone.windowSize();
  for (const n of all(await phone.uiTree())) {
    const [l, t0, r, b] = n.bounds;
    assert.ok(l >= 0 && t0 >= 0 && r <= width && b <= height && l < r && t0 < b, `${n.id} ${n.bounds}`);
  }
  const title = await findNode(phone, (n) => n.resourceId === `${PKG}:id/login_title`);
  await assert.rejects(phone.setText(title!.id, 'x'), { code: 'invalid element state' });
  await assert.rejects(phone.tap('window/nowhere/else'), { code: 'stale element reference' });
});

test('the shade row shows app name, relative time, title and text; Clear all empties it', async (t) => {
  const { phone, push, clock } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  push.deliver({ notification: { title: 'alice', content: 'hi' } });
  clock.advance('5m');
  await phone.pressKey(83);
  const row = await findNode(phone, (n) => n.resourceId === 'com.android.systemui:id/expandableNotificationRow');
  assert.deepEqual(
    row!.children.map((c) => [c.resourceId, c.text]),
    [
      ['android:id/app_name_text', 'IM Demo'],
      ['android:id/time', '5m'],
      ['android:id/title', 'alice'],
      ['android:id/text', 'hi'],
    ],
  );
  await phone.tap((await findNode(phone, (n) => n.text === 'Clear all'))!.id);
  assert.equal(phone.notifications.entries.length, 0);
  assert.ok(await findNode(phone, (n) => n.text === 'No notifications'));
  await phone.collapseNotifications();
  assert.equal((await phone.uiTree()).packageName, PKG);
});

test('a long-text (style 2) row expands to android:id/big_text and reports BigTextStyle', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  push.deliver({ notification: { style: 2, title: 'alice', content: 'a long story' } });
  push.deliver({ notification: { notifyId: 2, title: 'bob', content: 'short' } });
  await phone.openNotifications();
  const expanders = all(await phone.uiTree()).filter((n) => n.resourceId === 'android:id/expand_button');
  assert.equal(expanders.length, 1, 'only the long-text row has an expander');
  assert.equal(await findNode(phone, (n) => n.resourceId === 'android:id/big_text'), undefined);
  await phone.tap(expanders[0]!.id);
  assert.equal((await findNode(phone, (n) => n.resourceId === 'android:id/big_text'))!.text, 'a long story');
  assert.equal(phone.notifications.entries.length, 2, 'expanding is not a click');
  const [bob, alice] = (await phone.getNotifications()).statusBarNotifications;
  assert.deepEqual([alice!.notification.template, alice!.notification.bigText], ['android.app.Notification$BigTextStyle', 'a long story']);
  assert.deepEqual([bob!.notification.template, bob!.notification.bigText], [null, null]);
  assert.match((await phone.shell('dumpsys notification --noredact')).stdout, /android\.bigText=SpannableString \(a long story\)/);
});

test('the push screen lists the extras it was opened with', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  await loginThroughUi(phone, 'alice');
  await phone.startActivity({ component: `${PKG}/.push.OfflinePushClickActivity`, extras: [['s', 'orderId', '42']] });
  assert.ok(await findNode(phone, (n) => n.resourceId === `${PKG}:id/push_extra` && n.text === 'orderId = 42' && n.contentDesc === 'extra orderId'));
});

test('a screenshot is a PNG of the screen size', async (t) => {
  const { phone } = await bootPhone({ device: 'r15' });
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  const png = PNG.sync.read(Buffer.from(await phone.screenshot(), 'base64'));
  assert.deepEqual([png.width, png.height], [1080, 2280]);
  // The login button is drawn filled; the background is not.
  const button = (await findNode(phone, (n) => n.contentDesc === 'login'))!;
  const at = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
  assert.notDeepEqual(at(button.bounds[0] + 40, Math.round((button.bounds[1] + button.bounds[3]) / 2)), at(2, 2000));
});

test('logcat reads from a cursor and the ring buffer keeps the newest lines', async (t) => {
  const { phone } = await bootPhone({ settings: { logcatCapacity: 10 } });
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  const lines = await phone.logcat();
  assert.equal(lines.length, 10);
  const last = lines.at(-1)!;
  assert.deepEqual(await phone.logcat(last.index + 1), []);
  assert.deepEqual(await phone.logcat(last.index), [last]);
  await phone.pressKey(3);
  await phone.activateApp(PKG);
  assert.ok((await phone.logcat(last.index + 1)).length > 0);
});

test('deviceInfo reflects the profile', async (t) => {
  const { phone } = await bootPhone({ device: 'find-x7' });
  t.after(() => phone.shutdown());
  const info = await phone.deviceInfo();
  assert.deepEqual(
    [info.brand, info.manufacturer, info.model, info.apiVersion, info.platformVersion, info.realDisplaySize, info.displayDensity, info.timeZone],
    ['OPPO', 'OPPO', 'PHZ110', '34', '14', '1264x2780', 480, 'Asia/Shanghai'],
  );
});
