/** Every row of the offline-push decision table (tencent-im.md §5.3); time-driven rows are in time.test.ts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImClientLink, type LinkMessage } from '../../harness/im/index.ts';
import { CERT_ID, kill, startIm, text, type ImHarness } from './helpers.ts';

async function decisionsFor(im: ImHarness, msgKey: string) {
  return im.server.traces.byMsgKey(msgKey).map((t) => ({ device: t.device?.deviceId ?? null, decision: t.decision, reason: t.reason, ...(t.detail ? { detail: t.detail } : {}) }));
}

function inbox(link: ImClientLink): LinkMessage[] {
  const got: LinkMessage[] = [];
  link.on('message', (m) => got.push(m));
  return got;
}

test('foreground, connected: delivered online, no vendor push', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  const got = inbox(bob);
  const { MsgKey } = await im.send('bob', { MsgBody: text('hello') });
  await bob.sync();
  assert.deepEqual(await decisionsFor(im, MsgKey), [{ device: 'bob-phone', decision: 'online', reason: 'app_in_foreground' }]);
  assert.deepEqual(got.map((m) => [m.msgKey, m.from, m.body]), [[MsgKey, 'alice', text('hello')]]);
  assert.equal(im.oppo.calls.length, 0);
});

test('background after doBackground: still Online, delivered online and pushed; doForeground stops pushes', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone', { token: 'CN_b6bb2c8f1d2e4c6b8a0123456789abcd' });
  const got = inbox(bob);
  await bob.doBackground(3);
  const first = await im.send('bob', { MsgBody: text('while away') });
  assert.deepEqual(await decisionsFor(im, first.MsgKey), [{ device: 'bob-phone', decision: 'vendor_push', reason: 'app_in_background' }]);
  const [trace] = im.server.traces.byMsgKey(first.MsgKey);
  assert.equal(trace!.onlineDelivered, true);
  assert.equal(trace!.oppo?.outcome, 'accepted');
  assert.deepEqual(im.oppo.unicasts().map((u) => u.target_value), ['CN_b6bb2c8f1d2e4c6b8a0123456789abcd']);
  assert.equal((await im.rest('openim/query_online_status', { To_Account: ['bob'] })).QueryResult[0].State, 'Online');
  assert.equal(im.server.sessions.sessionsOf('bob')[0]!.unreadCount, 4, 'badge from doBackground, +1 per push');
  await bob.doForeground();
  const second = await im.send('bob', { MsgBody: text('back') });
  assert.deepEqual(await decisionsFor(im, second.MsgKey), [{ device: 'bob-phone', decision: 'online', reason: 'app_in_foreground' }]);
  await bob.sync();
  assert.equal(got.length, 2);
  assert.equal(im.oppo.unicasts().length, 1);
});

test('process killed without logout: PushOnline at once, vendor push', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  await kill(im.server, bob, 'bob');
  assert.equal((await im.rest('openim/query_online_status', { To_Account: ['bob'] })).QueryResult[0].State, 'PushOnline');
  const { MsgKey } = await im.send('bob', { MsgBody: text('wake up') });
  assert.deepEqual(await decisionsFor(im, MsgKey), [{ device: 'bob-phone', decision: 'vendor_push', reason: 'push_online', detail: 'link_closed' }]);
  assert.equal(im.oppo.unicasts().length, 1);
});

test('logged out: Offline, no push', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  await bob.logout();
  await bob.close();
  const { MsgKey } = await im.send('bob', { MsgBody: text('anyone?') });
  assert.deepEqual(await decisionsFor(im, MsgKey), [{ device: 'bob-phone', decision: 'suppressed', reason: 'logged_out' }]);
  assert.equal((await im.rest('openim/query_online_status', { To_Account: ['bob'] })).QueryResult[0].State, 'Offline');
  assert.equal(im.oppo.calls.length, 0);
});

test('token never reported, or reported before login (21005): no push, each with its reason', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone', { token: false });
  await kill(im.server, bob, 'bob');
  const carolLink = await ImClientLink.connect(im.url);
  t.after(() => carolLink.close());
  await assert.rejects(carolLink.setOfflinePushConfig(CERT_ID, 'CN_early'), { code: 21005 });
  await carolLink.login({ userId: 'carol', userSig: im.sig('carol'), deviceId: 'carol-phone' });
  await kill(im.server, carolLink, 'carol');
  const { MsgKey } = await im.rest('openim/batchsendmsg', { To_Account: ['bob', 'carol'], MsgRandom: 1, MsgBody: text('hi') });
  assert.deepEqual(await decisionsFor(im, MsgKey), [
    { device: 'bob-phone', decision: 'suppressed', reason: 'no_token' },
    { device: 'carol-phone', decision: 'suppressed', reason: 'token_before_login' },
  ]);
  assert.equal(im.oppo.calls.length, 0);
});

test('setOfflinePushConfig checks: not logged in 21005, empty 22003, over 256 bytes 22004, unknown certificate 22001; empty config turns push off', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone', { token: false });
  await assert.rejects(bob.setOfflinePushConfig(CERT_ID, ''), { code: 22003 });
  await assert.rejects(bob.setOfflinePushConfig(CERT_ID, 'x'.repeat(257)), { code: 22004 });
  await assert.rejects(bob.setOfflinePushConfig(4242, 'CN_token'), { code: 22001 });
  await bob.setOfflinePushConfig(CERT_ID, 'x'.repeat(256));
  await bob.setOfflinePushConfig(0, '');
  await bob.doBackground();
  const { MsgKey } = await im.send('bob', { MsgBody: text('hi') });
  assert.deepEqual(await decisionsFor(im, MsgKey), [{ device: 'bob-phone', decision: 'suppressed', reason: 'no_token' }]);
  await bob.logout();
  await assert.rejects(bob.setOfflinePushConfig(CERT_ID, 'CN_token'), { code: 21005 });
  await assert.rejects(bob.doBackground(), { code: 6014 });
});

test('certificate missing (deleted) or not yet active: no push', async (t) => {
  const im = await startIm(t);
  const created = im.server.certificates.create({ appId: '30123456', appKey: 'k'.repeat(32), masterSecret: 's'.repeat(32) });
  const bob = await im.device('bob', 'bob-phone', { token: 'CN_bob' });
  im.server.certificates.delete(CERT_ID);
  im.clock.advance('10m');
  const carol = await im.device('carol', 'carol-phone', { token: false });
  await carol.setOfflinePushConfig(created.config.id, 'CN_carol');
  // bob's link went silent over those 10 minutes: the server gave up on it (heartbeat timeout).
  assert.equal(im.server.sessions.sessionsOf('bob')[0]!.cause, 'heartbeat_timeout');
  await kill(im.server, carol, 'carol');
  const { MsgKey } = await im.rest('openim/batchsendmsg', { To_Account: ['bob', 'carol'], MsgRandom: 1, MsgBody: text('hi') });
  assert.deepEqual(await decisionsFor(im, MsgKey), [
    { device: 'bob-phone', decision: 'suppressed', reason: 'no_certificate', detail: `certificate ${CERT_ID}` },
    { device: 'carol-phone', decision: 'vendor_push', reason: 'push_online', detail: 'link_closed' },
  ]);
  const fresh = im.server.certificates.create({ appId: '1', appKey: 'a'.repeat(32), masterSecret: 'b'.repeat(32) });
  const dave = await im.device('dave', 'dave-phone', { token: false });
  await dave.setOfflinePushConfig(fresh.config.id, 'CN_dave');
  await dave.doBackground();
  const later = await im.send('dave', { MsgBody: text('hi') });
  assert.deepEqual((await decisionsFor(im, later.MsgKey)).map((d) => d.reason), ['certificate_inactive']);
});

test('PushFlag 1, custom element without Desc, online-only messages: no push', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  await kill(im.server, bob, 'bob');
  const custom = [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{"cmd":"call"}' } }];
  const reasons: string[] = [];
  for (const body of [
    { MsgBody: text('quiet'), OfflinePushInfo: { PushFlag: 1 } },
    { MsgBody: custom },
    { MsgBody: custom, OfflinePushInfo: { Title: 'only a title' } },
    { MsgBody: text('now or never'), MsgLifeTime: 0 },
    { MsgBody: text('now or never'), OnlineOnlyFlag: 1 },
  ]) {
    const { MsgKey, ErrorCode } = await im.send('bob', body);
    assert.equal(ErrorCode, 0);
    reasons.push(...(await decisionsFor(im, MsgKey)).map((d) => `${d.decision}:${d.reason}`));
  }
  assert.deepEqual(reasons, ['suppressed:push_flag_off', 'suppressed:nothing_to_show', 'suppressed:nothing_to_show', 'suppressed:online_only', 'suppressed:online_only']);
  assert.equal(im.oppo.calls.length, 0);
  // The same custom element with a Desc (in the element or OfflinePushInfo) is pushed.
  await im.send('bob', { MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'x', Desc: 'Incoming call' } }] });
  await im.send('bob', { MsgBody: custom, OfflinePushInfo: { Desc: 'Missed call' } });
  assert.deepEqual(im.oppo.unicasts().map((u) => u.notification.content), ['Incoming call', 'Missed call']);
});

test('a recipient who never logged in gets one record: no_device', async (t) => {
  const im = await startIm(t);
  const { MsgKey } = await im.send('dave', { MsgBody: text('hi') });
  assert.deepEqual(await decisionsFor(im, MsgKey), [{ device: null, decision: 'suppressed', reason: 'no_device' }]);
});

test('SyncOtherMachine 1 delivers to the sender\'s other online devices', async (t) => {
  const im = await startIm(t);
  const alice = await im.device('alice', 'alice-tablet');
  const got = inbox(alice);
  await im.send('bob', { MsgBody: text('synced'), SyncOtherMachine: 1 });
  await im.send('bob', { MsgBody: text('not synced'), SyncOtherMachine: 2 });
  await alice.sync();
  assert.deepEqual(got.map((m) => m.body), [text('synced')]);
});

test("settings: nonObjectExt 'skip_push' suppresses, defaultTitle 'fixed' names every untitled push", async (t) => {
  const im = await startIm(t, { settings: { oppoRetryDelays: [], nonObjectExt: 'skip_push', defaultTitle: { from: 'fixed', text: 'a new message' } } });
  const bob = await im.device('bob', 'bob-phone');
  await kill(im.server, bob, 'bob');
  const skipped = await im.send('bob', { MsgBody: text('hi'), OfflinePushInfo: { Ext: '[1,2]' } });
  assert.deepEqual(await decisionsFor(im, skipped.MsgKey), [{ device: 'bob-phone', decision: 'suppressed', reason: 'ext_not_json_object' }]);
  await im.send('bob', { MsgBody: text('hi'), OfflinePushInfo: { Ext: '{"k":"v"}' } });
  assert.deepEqual(im.oppo.unicasts().map((u) => [u.notification.title, u.notification.action_parameters]), [['a new message', '{"k":"v"}']]);
});
