/**
 * The farm's phones against the real mock-oppo and IM server on loopback: the chain the issue's
 * "done" scenario walks, without Appium (that is the driver's test).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createMockOppo } from '../../mock-oppo/index.ts';
import { createImServer, defaultImApp, genUserSig } from '../../harness/im/index.ts';
import type { DeviceState } from '../../harness/im/rules/sessions.ts';
import { EXTRAS_TAG } from '../../harness/phone/demo-app.ts';
import { PhoneFarm } from '../../harness/phone/farm.ts';
import { findNode, loginThroughUi, PKG } from './fakes.ts';

async function startLab(t: TestContext) {
  const clock = new VirtualClock({ start: Date.UTC(2026, 10, 21, 16, 0, 0) });
  const mock = createMockOppo({ clock });
  const oppo = await mock.listen();
  const imApp = defaultImApp();
  const im = createImServer({ clock, app: imApp, oppoBaseUrl: oppo.url });
  const imListening = await im.listen();
  const farm = new PhoneFarm({ clock, oppoUrl: oppo.url, imUrl: imListening.url, im: { sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey } });
  t.after(async () => {
    await farm.shutdownAll();
    await imListening.close();
    await oppo.close();
    clock.dispose();
  });
  const sendmsg = async (to: string, body: Record<string, unknown>) => {
    const q = new URLSearchParams({
      sdkappid: String(imApp.sdkAppId),
      identifier: imApp.admin,
      usersig: genUserSig({ sdkAppId: imApp.sdkAppId, secretKey: imApp.secretKey, userId: imApp.admin, now: clock.now() }),
      random: '1',
      contenttype: 'json',
    });
    const res = await fetch(`${imListening.url}/v4/openim/sendmsg?${q}`, { method: 'POST', body: JSON.stringify({ To_Account: to, From_Account: 'bob', MsgRandom: 7, ...body }) });
    return (await res.json()) as { ActionStatus: string; ErrorCode: number };
  };
  const untilState = (userId: string, state: DeviceState) =>
    new Promise<void>((resolve) => {
      const listener = (e: { userId: string; to: DeviceState }) => {
        if (e.userId !== userId || e.to !== state) return;
        im.sessions.off('state', listener);
        resolve();
      };
      im.sessions.on('state', listener);
    });
  return { farm, sendmsg, untilState };
}

test('farm serials, lookup and profile errors', async (t) => {
  const { farm } = await startLab(t);
  const a = await farm.boot();
  const b = await farm.boot({ deviceProfile: 'find-x7' });
  assert.deepEqual(farm.list().map((p) => p.serial), ['virtual-oppo-5554', 'virtual-oppo-5556']);
  assert.equal(farm.get('virtual-oppo-5556'), b);
  assert.equal((await b.deviceInfo()).apiVersion, '34');
  assert.equal((await a.deviceInfo()).model, 'CPH2307');
  await assert.rejects(farm.boot({ deviceProfile: 'no-such-model' }), /no devices profile 'no-such-model' \(known: .*find-x5/);
  await assert.rejects(farm.boot({ serial: 'virtual-oppo-5554' }), /already in the lab/);
  assert.equal(await farm.shutdown('virtual-oppo-5556'), true);
  assert.equal(farm.get('virtual-oppo-5556'), undefined);
});

test('login in the app, kill it, IM pushes through mock-oppo, the shade shows it, the tap logs the extras', async (t) => {
  const { farm, sendmsg, untilState } = await startLab(t);
  const phone = await farm.boot();
  await loginThroughUi(phone, 'alice');
  await farm.syncAll();
  assert.match(phone.registrationId(PKG) ?? '', /./, 'onRegister gave the app a regId');

  const pushOnline = untilState('alice', 'push_online');
  await phone.terminateApp(PKG);
  await pushOnline;

  const sent = await sendmsg('alice', {
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'dinner at 8?' } }],
    OfflinePushInfo: { Title: 'bob', Desc: 'dinner at 8?', Ext: JSON.stringify({ orderId: '42', chat: 'bob' }) },
  });
  assert.equal(sent.ActionStatus, 'OK');
  await farm.syncAll();

  const [entry] = phone.notifications.entries;
  assert.ok(entry, `a notification is shown (dropped: ${JSON.stringify(phone.notifications.dropped)})`);
  assert.equal(entry.title, 'bob');
  assert.equal(entry.text, 'dinner at 8?');
  assert.equal(entry.channelId, 'tuikit');
  assert.ok(entry.messageId, 'posted by the push service from a mock-oppo message');

  await phone.openNotifications();
  const title = await findNode(phone, (n) => n.resourceId === 'android:id/title' && n.text === 'bob');
  await phone.tap(title!.id);
  const extras = (await phone.logcat()).filter((e) => e.tag === EXTRAS_TAG).map((e) => e.message);
  assert.ok(extras.includes('key = orderId:value = 42'), extras.join('\n'));
  assert.ok(extras.includes('key = chat:value = bob'));
  assert.equal(await phone.queryAppState(PKG), 4);
});

test('a message to a foreground app arrives online and shows in the conversation list, not as a push', async (t) => {
  const { farm, sendmsg } = await startLab(t);
  const phone = await farm.boot();
  await loginThroughUi(phone, 'alice');
  await sendmsg('alice', { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello online' } }] });
  await farm.syncAll();
  assert.ok(await findNode(phone, (n) => n.resourceId === `${PKG}:id/conversation_last_msg` && n.text === 'hello online'));
  assert.equal(phone.notifications.entries.length, 0);
});

test('a second phone logging in as the same user kicks the first back to its login screen', async (t) => {
  const { farm } = await startLab(t);
  const first = await farm.boot();
  const second = await farm.boot();
  await loginThroughUi(first, 'alice');
  await loginThroughUi(second, 'alice');
  await farm.syncAll();
  assert.equal(await first.currentActivity(), '.login.LoginForDevActivity');
  assert.ok(await findNode(first, (n) => n.resourceId === `${PKG}:id/login_status` && /login_elsewhere/.test(n.text)));
  assert.equal(await second.currentActivity(), '.main.MainActivity');
});
