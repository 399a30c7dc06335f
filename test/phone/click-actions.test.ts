import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveredNotification } from '../../mock-oppo/device-link/protocol.ts';
import { EXTRAS_TAG } from '../../harness/phone/demo-app.ts';
import { bootPhone, findNode, loginThroughUi, PKG, type Rig } from './fakes.ts';

const EXTRAS = { orderId: '42', from: 'alice' };

/** Logs in, kills the app, delivers a push, opens the shade and taps the entry by its title. */
async function tapPush(rig: Rig, notification: Partial<DeliveredNotification>): Promise<void> {
  const { phone, push } = rig;
  await loginThroughUi(phone, 'alice');
  await phone.terminateApp(PKG);
  push.deliver({ notification: { title: 'alice', content: 'new message', actionParameters: EXTRAS, ...notification } });
  await phone.openNotifications();
  const title = await findNode(phone, (n) => n.resourceId === 'android:id/title' && n.text === 'alice');
  assert.ok(title, 'the shade shows the title under android:id/title');
  assert.equal(title.packageName, 'com.android.systemui');
  assert.ok(await findNode(phone, (n) => n.resourceId === 'android:id/text' && n.text === 'new message'));
  await phone.tap(title.id);
}

async function extrasLogged(rig: Rig): Promise<string[]> {
  return (await rig.phone.logcat()).filter((e) => e.tag === EXTRAS_TAG).map((e) => e.message);
}

test('type 0 opens the launcher activity; the demo logs each extra and shows them; the entry auto-cancels', async (t) => {
  const rig = await bootPhone();
  t.after(() => rig.phone.shutdown());
  await tapPush(rig, { clickActionType: 0 });
  assert.deepEqual(await extrasLogged(rig), ['key = orderId:value = 42', 'key = from:value = alice']);
  assert.equal(rig.phone.shadeOpen, false);
  assert.equal(rig.phone.notifications.entries.length, 0);
  assert.equal(rig.phone.notifications.removed[0]!.reason, 'click');
  assert.equal(await rig.phone.currentActivity(), '.push.OfflinePushClickActivity');
  assert.ok(await findNode(rig.phone, (n) => n.resourceId === `${PKG}:id/push_extra` && n.text === 'orderId = 42'));
  assert.equal(rig.phone.receivedExtras(PKG)[0]!.activity, `${PKG}.SplashActivity`);
  const line = (await rig.phone.logcat()).find((e) => e.tag === EXTRAS_TAG)!.line;
  assert.match(line, /^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +\d+ +\d+ D oppo push custom data: key = orderId:value = 42$/);
});

test('type 0 without extras when the launcherClickExtras setting is off', async (t) => {
  const rig = await bootPhone({ settings: { launcherClickExtras: false } });
  t.after(() => rig.phone.shutdown());
  await tapPush(rig, { clickActionType: 0 });
  assert.deepEqual(await extrasLogged(rig), []);
  assert.equal(await rig.phone.currentActivity(), '.main.MainActivity');
});

test('type 4 starts the activity by class name with the extras', async (t) => {
  const rig = await bootPhone();
  t.after(() => rig.phone.shutdown());
  await tapPush(rig, { clickActionType: 4, clickActionActivity: `${PKG}.push.OfflinePushClickActivity` });
  assert.equal(await rig.phone.currentActivity(), '.push.OfflinePushClickActivity');
  assert.deepEqual(rig.phone.receivedExtras(PKG).at(-1)!.extras, EXTRAS);
  assert.equal((await extrasLogged(rig)).length, 2);
});

test('type 1 resolves the intent action with category DEFAULT', async (t) => {
  const rig = await bootPhone();
  t.after(() => rig.phone.shutdown());
  await tapPush(rig, { clickActionType: 1, clickActionActivity: 'com.tencent.qcloud.tim.demo.intent.action.OFFLINE_PUSH' });
  assert.equal(await rig.phone.currentActivity(), '.push.OfflinePushClickActivity');
  assert.deepEqual(rig.phone.receivedExtras(PKG).at(-1)!.extras, EXTRAS);
});

test('type 1 with an action no activity declares opens nothing and logs why', async (t) => {
  const rig = await bootPhone();
  t.after(() => rig.phone.shutdown());
  await tapPush(rig, { clickActionType: 1, clickActionActivity: 'com.example.NOPE' });
  assert.equal(await rig.phone.queryAppState(PKG), 1);
  assert.ok((await rig.phone.logcat()).some((e) => e.level === 'E' && /unable to resolve Intent/.test(e.message)));
});

test('type 2 opens the URL in the browser with the parameters appended', async (t) => {
  const rig = await bootPhone();
  t.after(() => rig.phone.shutdown());
  await tapPush(rig, { clickActionType: 2, clickActionUrl: 'https://example.com/promo?x=1#top' });
  assert.equal(await rig.phone.currentPackage(), 'com.heytap.browser');
  const bar = await findNode(rig.phone, (n) => n.resourceId === 'com.heytap.browser:id/url_bar');
  assert.equal(bar!.text, 'https://example.com/promo?x=1&orderId=42&from=alice#top');
  assert.equal(await rig.phone.queryAppState(PKG), 1, 'the app is not started');
});

test('type 5 with a custom scheme URL starts the VIEW/BROWSABLE activity; the demo reads the query', async (t) => {
  const rig = await bootPhone();
  t.after(() => rig.phone.shutdown());
  await tapPush(rig, { clickActionType: 5, clickActionUrl: 'timdemo://push/open' });
  assert.equal(await rig.phone.currentActivity(), '.push.OfflinePushClickActivity');
  const received = rig.phone.receivedExtras(PKG).at(-1)!;
  assert.equal(received.data, 'timdemo://push/open?orderId=42&from=alice');
  assert.deepEqual(received.extras, EXTRAS);
});

test('type 5 with an intent: URI carries its S. extras and component', async (t) => {
  const rig = await bootPhone();
  t.after(() => rig.phone.shutdown());
  await tapPush(rig, {
    clickActionType: 5,
    actionParameters: {},
    clickActionUrl: `intent://push/open#Intent;scheme=timdemo;component=${PKG}/.push.OfflinePushClickActivity;S.chat=bob;end`,
  });
  assert.equal(await rig.phone.currentActivity(), '.push.OfflinePushClickActivity');
  assert.deepEqual(rig.phone.receivedExtras(PKG).at(-1)!.extras, { chat: 'bob' });
  assert.deepEqual(await extrasLogged(rig), ['key = chat:value = bob']);
});

test('a tap on a vanished shade entry is a stale node', async (t) => {
  const rig = await bootPhone();
  t.after(() => rig.phone.shutdown());
  await rig.phone.activateApp(PKG);
  rig.push.deliver({ notification: { showTtl: 10 } });
  await rig.phone.openNotifications();
  const row = await findNode(rig.phone, (n) => n.resourceId === 'com.android.systemui:id/expandableNotificationRow');
  rig.clock.advance('10s');
  await assert.rejects(rig.phone.tap(row!.id), { name: 'StaleNodeError', code: 'stale element reference' });
});
