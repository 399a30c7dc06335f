/** With no oppoBaseUrl the IM server calls the real OPPO host, so msw can serve it in-process from mock-oppo. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setupServer } from 'msw/node';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createMockOppo, demoApp, DeviceLinkClient, type NotificationFrame } from '../../mock-oppo/index.ts';
import { createImServer, genUserSig, ImClientLink, OPPO_CN_BASE_URL } from '../../harness/im/index.ts';
import { CERT_ID, IM_APP, START, kill } from './helpers.ts';

test('msw intercepts the default OPPO host (set up after the IM server was created)', async (t) => {
  const clock = new VirtualClock({ start: START });
  const mock = createMockOppo({ clock });
  const im = createImServer({ clock, app: IM_APP, settings: { oppoRetryDelays: [] } });
  const oppo = await mock.listen({ port: 0 });
  const imListening = await im.listen({ port: 0 });
  const phone = await DeviceLinkClient.connect(oppo.url, { deviceId: 'bob-phone' });
  const link = await ImClientLink.connect(imListening.url);
  const msw = setupServer(...mock.handlers);
  t.after(async () => {
    msw.close();
    await Promise.all([phone.close(), link.close()]);
    await imListening.close();
    await oppo.close();
  });
  const app = demoApp();
  const regId = await phone.register({ appKey: app.appKey, appSecret: app.appSecret, packageName: app.packageName! });
  const shown: NotificationFrame[] = [];
  phone.on('notification', (f: NotificationFrame) => shown.push(f));
  await link.login({ userId: 'bob', userSig: genUserSig({ ...IM_APP, userId: 'bob', now: clock.now() }), deviceId: 'bob-phone' });
  await link.setOfflinePushConfig(CERT_ID, regId);
  await kill(im, link, 'bob');

  msw.listen({ onUnhandledRequest: 'bypass' });
  const { traces } = await im.send({ from: 'alice', to: ['bob'], msgRandom: 3, body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'via msw' } }], onlineOnly: false, syncToSender: false });
  await phone.sync();
  assert.equal(traces[0]!.oppo?.outcome, 'accepted');
  assert.ok(traces[0]!.oppo!.attempts.every((a) => a.url.startsWith(OPPO_CN_BASE_URL)));
  assert.ok(mock.journal().some((e) => e.via === 'msw' && e.endpoint === 'unicast'));
  assert.deepEqual(shown.map((f) => f.notification.content), ['via msw']);
});
