import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootPhone, PKG } from './fakes.ts';

test('a push for a started app shows in the shade and is acked displayed', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  push.deliver({ messageId: 'm1', notification: { title: 'alice', content: 'hi there', actionParameters: { entity: '{"k":1}' } } });
  const [entry] = phone.notifications.entries;
  assert.equal(entry!.title, 'alice');
  assert.equal(entry!.text, 'hi there');
  assert.equal(entry!.channelId, 'tuikit');
  assert.deepEqual(entry!.extras, { entity: '{"k":1}' });
  assert.equal(entry!.key, `0|${PKG}|1|null|${phone.app(PKG)!.uid}`);
  assert.deepEqual(push.acks, [{ messageId: 'm1', registrationId: 'CN_regid_demo_0', displayed: true }]);
  const { statusBarNotifications } = await phone.getNotifications();
  assert.equal(statusBarNotifications[0]!.notification.title, 'alice');
  assert.equal(statusBarNotifications[0]!.isRemoved, false);
});

test('drop: notification permission off (never started, revoked, or never requested)', async (t) => {
  const fresh = await bootPhone();
  const noAsk = await bootPhone({ apps: ['tim-demo-no-notification-permission'] });
  t.after(() => Promise.all([fresh.phone.shutdown(), noAsk.phone.shutdown()]));
  fresh.push.deliver({ messageId: 'a' });
  await noAsk.phone.activateApp(PKG);
  noAsk.push.deliver({ messageId: 'b' });
  await fresh.phone.activateApp(PKG);
  fresh.phone.setNotificationPermission(PKG, false);
  fresh.push.deliver({ messageId: 'c' });
  for (const { phone, push } of [fresh, noAsk]) {
    assert.equal(phone.notifications.entries.length, 0);
    assert.ok(push.acks.every((a) => !a.displayed && a.reason === 'notification_permission_off'));
    assert.ok(phone.notifications.dropped.every((d) => d.reason === 'notification_permission_off'));
  }
  assert.equal(fresh.phone.notifications.dropped.length, 2);
});

test('drop: channel never created on Android 8+ (default), or fallback to the Heytap default channel (setting)', async (t) => {
  const drop = await bootPhone({ apps: ['tim-demo-no-channel'] });
  const fallback = await bootPhone({ apps: ['tim-demo-no-channel'], settings: { missingChannel: 'fallback_default_channel' } });
  const oreo = await bootPhone({ device: 'r15', apps: ['tim-demo-no-channel'] });
  t.after(() => Promise.all([drop.phone.shutdown(), fallback.phone.shutdown(), oreo.phone.shutdown()]));
  for (const rig of [drop, fallback, oreo]) {
    await rig.phone.activateApp(PKG);
    rig.push.deliver({ notification: { channelId: 'tuikit' } });
  }
  assert.deepEqual(drop.push.acks.map((a) => a.reason), ['channel_missing']);
  assert.equal(drop.phone.notifications.dropped[0]!.channelId, 'tuikit');
  assert.equal(fallback.phone.notifications.entries[0]!.channelId, 'Heytap PUSH');
  assert.equal(fallback.push.acks[0]!.displayed, true);
  // Android 8.1 (API 27) has channels too: R15 drops as well.
  assert.equal(oreo.push.acks[0]!.reason, 'channel_missing');
});

test('a push without channel_id lands on the push service default channel', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  push.deliver({ notification: { channelId: undefined } });
  assert.equal(phone.notifications.entries[0]!.channelId, 'Heytap PUSH');
});

test('drop: verify_registration_id with a regId that is not the current one', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  push.deliver({ verifyRegistrationId: true, registrationId: 'CN_old_regid' });
  push.deliver({ verifyRegistrationId: true, registrationId: phone.registrationId(PKG)! });
  assert.deepEqual(push.acks.map((a) => [a.displayed, a.reason]), [[false, 'registration_id_mismatch'], [true, undefined]]);
});

test('drop: package not installed', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  push.deliver({ packageName: 'com.example.gone' });
  assert.equal(push.acks[0]!.reason, 'app_not_installed');
});

test('notify_id: the same id replaces the shown notification, another id adds one', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  push.deliver({ notification: { notifyId: 7, content: 'first' } });
  push.deliver({ notification: { notifyId: 8, content: 'other' } });
  push.deliver({ notification: { notifyId: 7, content: 'second' } });
  assert.deepEqual(phone.notifications.entries.map((e) => [e.id, e.text]), [[7, 'second'], [8, 'other']]);
});

test('show_ttl dismisses the notification when the virtual clock passes it', async (t) => {
  const { phone, push, clock } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  push.deliver({ notification: { showTtl: 3600 } });
  clock.advance('59m59s');
  assert.equal(phone.notifications.entries.length, 1);
  clock.advance('1s');
  assert.equal(phone.notifications.entries.length, 0);
  assert.equal(phone.notifications.removed[0]!.reason, 'show_ttl');
  const { statusBarNotifications } = await phone.getNotifications();
  assert.equal(statusBarNotifications[0]!.isRemoved, true);
});

test('a replacement restarts show_ttl from its own arrival', async (t) => {
  const { phone, push, clock } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  push.deliver({ notification: { notifyId: 3, showTtl: 60 } });
  clock.advance('50s');
  push.deliver({ notification: { notifyId: 3, showTtl: 60 } });
  clock.advance('50s');
  assert.equal(phone.notifications.entries.length, 1);
  clock.advance('10s');
  assert.equal(phone.notifications.entries.length, 0);
});
