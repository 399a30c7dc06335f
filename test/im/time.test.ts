/** Time rules on the virtual clock: certificate activation, heartbeat timeout, PushOnline lapse, UserSig expiry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ImClientLink } from '../../harness/im/index.ts';
import { CERT_ID, kill, startIm, text, untilState } from './helpers.ts';

test('a certificate edit takes effect after 10 minutes; pushes in between use the previous settings', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  await kill(im.server, bob, 'bob');
  const edit = im.server.certificates.edit(CERT_ID, { channelId: 'marketing' });
  assert.equal(edit.effectiveAt, im.clock.now() + 600_000);
  im.clock.advance('9m59s');
  const before = await im.send('bob', { MsgBody: text('old settings') });
  im.clock.advance('1s');
  const after = await im.send('bob', { MsgBody: text('new settings') });
  assert.deepEqual(im.oppo.unicasts().map((u) => u.notification.channel_id), ['tuikit', 'marketing']);
  const [oldTrace] = im.server.traces.byMsgKey(before.MsgKey);
  const [newTrace] = im.server.traces.byMsgKey(after.MsgKey);
  assert.deepEqual(oldTrace!.certificate, { id: CERT_ID, version: 1, pendingEditEffectiveAt: edit.effectiveAt });
  assert.deepEqual(newTrace!.certificate, { id: CERT_ID, version: 2 });
});

test('a new certificate is inactive for 10 minutes (configurable)', async (t) => {
  const im = await startIm(t, { settings: { oppoRetryDelays: [], certificateActivationDelay: '2m' } });
  const { config } = im.server.certificates.create({ appId: '30123456', appKey: 'k'.repeat(32), masterSecret: 's'.repeat(32), channelId: 'tuikit' });
  assert.equal(config.id, CERT_ID + 1);
  const bob = await im.device('bob', 'bob-phone', { token: false });
  await bob.setOfflinePushConfig(config.id, 'CN_bob');
  await kill(im.server, bob, 'bob');
  const early = await im.send('bob', { MsgBody: text('too early') });
  im.clock.advance('2m');
  const onTime = await im.send('bob', { MsgBody: text('on time') });
  assert.deepEqual(
    [early.MsgKey, onTime.MsgKey].map((k) => im.server.traces.byMsgKey(k)[0]!.reason),
    ['certificate_inactive', 'push_online'],
  );
});

test('heartbeats keep a session Online; 400 s of silence makes it PushOnline and the server drops the link', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  for (let i = 0; i < 10; i++) {
    im.clock.advance('2m');
    bob.heartbeat();
    await bob.sync();
  }
  assert.equal(im.server.sessions.onlineState('bob').state, 'Online');
  const closed = once(bob, 'close');
  im.clock.advance('399s');
  assert.equal(im.server.sessions.onlineState('bob').state, 'Online');
  im.clock.advance('1s');
  assert.equal(im.server.sessions.onlineState('bob').state, 'PushOnline');
  assert.equal(im.server.sessions.sessionsOf('bob')[0]!.cause, 'heartbeat_timeout');
  await closed;
  assert.equal(bob.connected, false);
});

test('network gone (drop): Online until the heartbeat timeout, then vendor push', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  bob.drop();
  bob.heartbeat();
  const during = await im.send('bob', { MsgBody: text('into the void') });
  assert.equal(im.server.traces.byMsgKey(during.MsgKey)[0]!.decision, 'online', 'the server still believes the link');
  const pushOnline = untilState(im.server, 'bob', 'push_online');
  im.clock.advance('400s');
  await pushOnline;
  const after = await im.send('bob', { MsgBody: text('via OPPO') });
  const trace = im.server.traces.byMsgKey(after.MsgKey)[0]!;
  assert.deepEqual([trace.decision, trace.reason, trace.detail], ['vendor_push', 'push_online', 'heartbeat_timeout']);
});

test('PushOnline lapses to Offline after 7 days without login', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  await kill(im.server, bob, 'bob');
  im.clock.advance(7 * 86_400_000 - 1);
  assert.equal(im.server.sessions.onlineState('bob').state, 'PushOnline');
  const lastDay = await im.send('bob', { MsgBody: text('still pushed') });
  im.clock.advance(1);
  assert.equal(im.server.sessions.onlineState('bob').state, 'Offline');
  const lapsed = await im.send('bob', { MsgBody: text('too late') });
  assert.deepEqual(
    [lastDay.MsgKey, lapsed.MsgKey].map((k) => im.server.traces.byMsgKey(k)[0]!.reason),
    ['push_online', 'push_online_lapsed'],
  );
  assert.equal(im.oppo.unicasts().length, 1);
});

test('a UserSig that expires while online fires userSigExpired; an expired one cannot log in (70001)', async (t) => {
  const im = await startIm(t);
  const link = await ImClientLink.connect(im.url);
  t.after(() => link.close());
  await link.login({ userId: 'bob', userSig: im.sig('bob', 60), deviceId: 'bob-phone' });
  const expired = once(link, 'userSigExpired');
  im.clock.advance('60s');
  link.heartbeat();
  await link.sync();
  im.clock.advance('1s');
  await expired;
  const stale = im.sig('bob', 60);
  im.clock.advance('61s');
  await assert.rejects(link.login({ userId: 'bob', userSig: stale, deviceId: 'bob-phone' }), { code: 70001 });
});
