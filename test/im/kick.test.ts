/** Kick flows: a later login on the same platform, and the REST kick. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ImClientLink } from '../../harness/im/index.ts';
import { kill, startIm, text } from './helpers.ts';

test('a second Android device kicks the first: kicked event, its token is gone, only the new device is pushed', async (t) => {
  const im = await startIm(t);
  const first = await im.device('bob', 'old-phone', { token: 'CN_old' });
  const kicked = once(first, 'kicked');
  const second = await im.device('bob', 'new-phone', { token: 'CN_new' });
  assert.deepEqual(await kicked, ['login_elsewhere']);
  await assert.rejects(first.doBackground(), { code: 6014 }, 'the kicked link is no longer logged in');
  await kill(im.server, second, 'bob');
  const { MsgKey } = await im.send('bob', { MsgBody: text('which phone?') });
  const traces = im.server.traces.byMsgKey(MsgKey).map((tr) => [tr.device?.deviceId, tr.decision, tr.reason, tr.detail]);
  assert.deepEqual(traces, [
    ['old-phone', 'suppressed', 'kicked', 'login_elsewhere'],
    ['new-phone', 'vendor_push', 'push_online', 'link_closed'],
  ]);
  assert.deepEqual(im.oppo.unicasts().map((u) => u.target_value), ['CN_new']);
  assert.equal(im.server.sessions.sessionsOf('bob').find((s) => s.deviceId === 'old-phone')!.token, undefined);
});

test('a killed (PushOnline) device is kicked by a later login too; other platforms are not', async (t) => {
  const im = await startIm(t);
  const first = await im.device('bob', 'old-phone');
  await kill(im.server, first, 'bob');
  const web = await ImClientLink.connect(im.url);
  t.after(() => web.close());
  await web.login({ userId: 'bob', userSig: im.sig('bob'), deviceId: 'bob-web', platform: 'Web' });
  assert.equal(im.server.sessions.sessionsOf('bob').find((s) => s.deviceId === 'old-phone')!.state, 'push_online');
  await im.device('bob', 'new-phone', { token: false });
  assert.equal(im.server.sessions.sessionsOf('bob').find((s) => s.deviceId === 'old-phone')!.cause, 'kicked_login_elsewhere');
  assert.equal(im.server.sessions.sessionsOf('bob').find((s) => s.deviceId === 'bob-web')!.state, 'online');
});

test('multiTerminal.instancesPerPlatform 2 keeps two Android devices and kicks the oldest third', async (t) => {
  const im = await startIm(t, { settings: { oppoRetryDelays: [], multiTerminal: { instancesPerPlatform: 2, singlePlatform: false } } });
  const a = await im.device('bob', 'a');
  await im.device('bob', 'b');
  assert.equal(im.server.sessions.onlineState('bob').detail.length, 2);
  const kicked = once(a, 'kicked');
  await im.device('bob', 'c');
  await kicked;
  assert.deepEqual(im.server.sessions.sessionsOf('bob').map((s) => [s.deviceId, s.state]), [['a', 'offline'], ['b', 'online'], ['c', 'online']]);
});

test('REST kick: kicked event (rest_kick), session ended, token cleared, UserSigs issued before it rejected (70052)', async (t) => {
  const im = await startIm(t);
  const oldSig = im.sig('bob');
  const link = await im.device('bob', 'bob-phone', { token: 'CN_bob' });
  await link.doBackground();
  im.clock.advance('1s');
  const kicked = once(link, 'kicked');
  assert.equal((await im.rest('im_open_login_svc/kick', { UserID: 'bob' })).ErrorCode, 0);
  assert.deepEqual(await kicked, ['rest_kick']);
  assert.equal((await im.rest('openim/query_online_status', { To_Account: ['bob'] })).QueryResult[0].State, 'Offline');
  const { MsgKey } = await im.send('bob', { MsgBody: text('after kick') });
  assert.deepEqual(im.server.traces.byMsgKey(MsgKey).map((tr) => [tr.reason, tr.detail]), [['kicked', 'rest_kick']]);
  await assert.rejects(link.login({ userId: 'bob', userSig: oldSig, deviceId: 'bob-phone' }), { code: 70052 });
  await link.login({ userId: 'bob', userSig: im.sig('bob'), deviceId: 'bob-phone' });
  await link.doBackground();
  const relogged = await im.send('bob', { MsgBody: text('new login, no token yet') });
  assert.deepEqual(im.server.traces.byMsgKey(relogged.MsgKey).map((tr) => tr.reason), ['no_token']);
  assert.equal(im.oppo.calls.length, 0);
  assert.equal((await im.rest('im_open_login_svc/kick', { Identifier: 'nobody' })).ErrorCode, 70107);
});

test('multiTerminal.singlePlatform: an iPhone login kicks the Android device; Web stays', async (t) => {
  const im = await startIm(t, { settings: { oppoRetryDelays: [], multiTerminal: { instancesPerPlatform: 1, singlePlatform: true } } });
  const android = await im.device('bob', 'bob-android');
  const web = await ImClientLink.connect(im.url);
  const iphone = await ImClientLink.connect(im.url);
  t.after(() => Promise.all([web.close(), iphone.close()]));
  await web.login({ userId: 'bob', userSig: im.sig('bob'), deviceId: 'bob-web', platform: 'Web' });
  const kicked = once(android, 'kicked');
  await iphone.login({ userId: 'bob', userSig: im.sig('bob'), deviceId: 'bob-iphone', platform: 'iPhone' });
  assert.deepEqual(await kicked, ['login_elsewhere']);
  assert.deepEqual(im.server.sessions.onlineState('bob').detail, [{ platform: 'Web', status: 'Online' }, { platform: 'iPhone', status: 'Online' }]);
});
