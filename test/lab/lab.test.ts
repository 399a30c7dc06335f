import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { demoApp, DeviceLinkClient, type NotificationFrame } from '../../mock-oppo/index.ts';
import { genUserSig, ImClientLink } from '../../harness/im/index.ts';
import { linkBarrier, startLab } from '../../harness/lab/lab.ts';

const START = Date.UTC(2026, 0, 5, 8, 0, 0);

test('lab.advance steps timer by timer: a client heartbeating every 2 min stays Online through 30 min, a dropped one is PushOnline after 400 s', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }) });
  t.after(() => lab.stop());
  const { server } = lab.im;
  const sig = (userId: string) => genUserSig({ ...server.imApp, userId, now: lab.clock.now() });
  const alive = await ImClientLink.connect(lab.im.url);
  const silent = await ImClientLink.connect(lab.im.url);
  t.after(() => Promise.all([alive.close(), silent.close()]));
  await alive.login({ userId: 'bob', userSig: sig('bob'), deviceId: 'bob-phone' });
  await silent.login({ userId: 'carol', userSig: sig('carol'), deviceId: 'carol-phone' });
  // The phone's keep-alive: a clock timer that sends a heartbeat frame every 2 minutes.
  const beat = () => {
    alive.heartbeat();
    lab.clock.setTimer('2m', beat);
  };
  lab.clock.setTimer('2m', beat);
  lab.addBarrier(linkBarrier(alive));
  lab.addBarrier(linkBarrier(silent));
  silent.drop();

  const steps = await lab.advance('30m');
  assert.ok(steps >= 15, `stepped through every heartbeat timer (${steps})`);
  assert.equal(lab.clock.now(), START + 30 * 60_000);
  assert.equal(server.sessions.onlineState('bob').state, 'Online');
  assert.equal(server.sessions.onlineState('carol').state, 'PushOnline');
  const carolDown = server.sessions.journal({ userId: 'carol' }).at(-1)!;
  assert.deepEqual([carolDown.to, carolDown.cause, carolDown.at - START], ['push_online', 'heartbeat_timeout', 400_000]);
});

test('the lab wires IM to mock-oppo with the fixtures: certificate 7005 pushes to a registered phone', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }) });
  t.after(() => lab.stop());
  assert.deepEqual(lab.services.map((s) => s.name), ['mock-oppo', 'im', 'lab']);
  const app = demoApp();
  const phone = await DeviceLinkClient.connect(lab.oppo.url, { deviceId: 'bob-phone' });
  const link = await ImClientLink.connect(lab.im.url);
  t.after(() => Promise.all([phone.close(), link.close()]));
  const regId = await phone.register({ appKey: app.appKey, appSecret: app.appSecret, packageName: app.packageName! });
  const shown: NotificationFrame[] = [];
  phone.on('notification', (f: NotificationFrame) => shown.push(f));
  const { server } = lab.im;
  await link.login({ userId: 'bob', userSig: genUserSig({ ...server.imApp, userId: 'bob', now: lab.clock.now() }), deviceId: 'bob-phone' });
  await link.setOfflinePushConfig(7005, regId);
  await link.doBackground();
  const { message, traces } = await server.send({ from: 'alice', to: ['bob'], msgRandom: 1, body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi from the lab' } }], onlineOnly: false, syncToSender: false });
  await phone.sync();
  assert.equal(traces[0]!.oppo?.outcome, 'accepted');
  assert.deepEqual(shown.map((f) => [f.notification.title, f.notification.content, f.notification.channelId]), [['Alice', 'hi from the lab', 'tuikit']]);
  assert.equal(shown[0]!.messageId, server.traces.byMsgKey(message.msgKey)[0]!.oppo!.messageId);
});
