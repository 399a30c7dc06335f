/**
 * The joined trace over a real lab (mock-oppo, IM, a virtual phone on loopback): every hop from IM's
 * decision to the extras, from the lab control API and in Tencent's normal_push_trace shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { demoApp } from '../../mock-oppo/index.ts';
import { genUserSig } from '../../harness/im/usersig.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { ImRestClient } from '../../harness/scenario/im-rest.ts';
import { LabClient } from '../../harness/scenario/lab-client.ts';
import type { TencentTraceItem } from '../../harness/trace/tencent.ts';
import { PKG, loginThroughUi } from '../phone/fakes.ts';

async function rig(t: { after(fn: () => Promise<unknown>): void }) {
  const lab = await startLab({ clock: new VirtualClock({ start: Date.UTC(2026, 2, 1, 9, 0, 0) }), phones: 1 });
  t.after(() => lab.stop());
  const phone = lab.farm.list()[0]!;
  const { sdkAppId, secretKey, admin } = lab.im.server.imApp;
  const im = new ImRestClient({ baseUrl: lab.im.url, sdkAppId, admin, userSig: () => genUserSig({ sdkAppId, secretKey, userId: admin, now: lab.clock.now() }) });
  return { lab, phone, im, client: new LabClient(lab.url) };
}

test('a push followed hop by hop: IM decision → OPPO auth and unicast (masked) → target states → shown → tapped → activity → extras', async (t) => {
  const { lab, phone, im, client } = await rig(t);
  await loginThroughUi(phone, 'bob');
  await phone.terminateApp(PKG);
  await lab.farm.syncAll();
  const sent = await im.sendText('alice', 'bob', 'parcel 42', { Ext: JSON.stringify({ orderId: '42' }) });
  await lab.farm.syncAll();

  const shown = await client.trace(sent.MsgKey);
  assert.equal(shown.msgKey, sent.MsgKey);
  assert.equal(shown.devices.length, 1);
  const [device] = shown.devices;
  assert.equal(device!.deviceId, phone.serial);
  assert.deepEqual([device!.title, device!.text], ['Alice', 'parcel 42']);
  assert.deepEqual(device!.outcome, { shown: true, layer: 'phone', reason: 'displayed', pending: false });
  assert.deepEqual(shown.hops.map((h) => h.hop), ['im_decision', 'oppo_auth', 'oppo_unicast', 'oppo_accepted', 'oppo_delivered', 'phone_received', 'phone_shown', 'oppo_acked']);
  const auth = shown.hops.find((h) => h.hop === 'oppo_auth')!;
  assert.equal(auth.code, 0);
  const { masterSecret } = demoApp();
  const json = JSON.stringify(shown);
  assert.ok(!json.includes(masterSecret), 'no MasterSecret in the trace');
  assert.match(String((auth.data!.form as Record<string, string>).sign), /\*/, 'the auth sign is masked');
  const unicast = shown.hops.find((h) => h.hop === 'oppo_unicast')!;
  assert.match(String((unicast.data!.form as Record<string, string>).auth_token), /\*/, 'the auth token is masked');
  assert.equal((unicast.data!.message as { title?: string }).title, 'Alice');
  assert.ok(shown.hops.filter((h) => h.layer !== 'im').every((h) => h.hop.startsWith('oppo_auth') || h.hop === 'oppo_unicast' || h.messageId === device!.messageId));

  const [entry] = phone.notifications.entries;
  await phone.tapNotification(entry!.key);
  const tapped = await client.trace(sent.MsgKey);
  assert.deepEqual(tapped.hops.slice(-4).map((h) => h.hop), ['phone_tapped', 'phone_removed', 'phone_activity', 'phone_extras']);
  assert.equal(tapped.hops.find((h) => h.hop === 'phone_removed')!.reason, 'click');
  assert.deepEqual(tapped.hops.at(-1)!.data!.extras, { orderId: '42' });
  assert.deepEqual(tapped.devices[0]!.stages, { sentToOppo: true, accepted: true, delivered: true, shown: true, clicked: true, extras: true });
  assert.deepEqual(tapped.devices[0]!.outcome, { shown: true, layer: 'phone', reason: 'displayed', pending: false, removed: { reason: 'click' } });

  // Tencent's shape, through the IM REST API.
  const reply = await im.call('timpush', 'normal_push_trace', { PushID: sent.MsgKey });
  assert.equal(reply.ActionStatus, 'OK');
  const [item] = (reply as unknown as { TraceList: TencentTraceItem[] }).TraceList;
  assert.equal(item!.InstanceId, phone.serial);
  assert.equal(item!.PushPlatform, 6);
  assert.equal(item!.CertId, 7005);
  assert.equal(item!.NotificationEnabled, true);
  assert.deepEqual([item!.IMStat.Status, item!.OfflineStat.Status, item!.ChannelStat.Status, item!.DeviceStat.Status, item!.ClickStat.Status], ['Success', 'Success', 'Success', 'Success', 'Success']);
  const unknown = await im.call('timpush', 'normal_push_trace', { PushID: 'nope' });
  assert.deepEqual([unknown.ActionStatus, unknown.ErrorCode], ['FAIL', 70402]);
});

test('losses carry the vocabulary: permission off on the phone, no device at IM, the stage that failed in Tencent shape; an unknown MsgKey is a 404', async (t) => {
  const { lab, phone, im, client } = await rig(t);
  await loginThroughUi(phone, 'bob');
  phone.setNotificationPermission(PKG, false);
  await phone.terminateApp(PKG);
  await lab.farm.syncAll();
  const dropped = await im.sendText('alice', 'bob', 'silent phone');
  await lab.farm.syncAll();
  const trace = await client.trace(dropped.MsgKey);
  assert.deepEqual(trace.devices[0]!.outcome, { shown: false, layer: 'phone', pending: false, reason: 'notification_permission_off' });
  assert.equal(trace.hops.find((h) => h.hop === 'phone_dropped')!.reason, 'notification_permission_off');
  const tencent = (await im.call('timpush', 'normal_push_trace', { PushID: dropped.MsgKey })) as unknown as { TraceList: TencentTraceItem[] };
  const item = tencent.TraceList[0]!;
  assert.deepEqual([item.ChannelStat.Status, item.DeviceStat.Status, item.DeviceStat.Reason, item.NotificationEnabled], ['Success', 'Fail', 'notification_permission_off', false]);

  const nobody = await im.sendText('alice', 'carol', 'carol never logged in');
  const none = await client.trace(nobody.MsgKey);
  assert.deepEqual(none.devices.map((d) => [d.deviceId, d.outcome.reason]), [[null, 'no_device']]);
  const noneTencent = (await im.call('timpush', 'normal_push_trace', { PushID: nobody.MsgKey })) as unknown as { TraceList: TencentTraceItem[] };
  assert.deepEqual([noneTencent.TraceList[0]!.IMStat.Status, noneTencent.TraceList[0]!.IMStat.Reason], ['Fail', 'no_device']);

  await assert.rejects(client.trace('1_2_3'), /IM has no message with MsgKey 1_2_3/);
});
