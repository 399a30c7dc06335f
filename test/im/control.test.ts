/** The console (certificates) and control (traces, sessions, UserSig) JSON API under /_im/v1. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyUserSig } from '../../harness/im/index.ts';
import { CERT_ID, IM_APP, kill, startIm, text } from './helpers.ts';

async function call(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/_im/v1${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

test('console: list (secrets masked), create, edit with delayed effect, delete, validation errors', async (t) => {
  const im = await startIm(t);
  const listed = await call(im.url, 'GET', '/console/certificates');
  assert.equal(listed.status, 200);
  const [cert] = listed.json.certificates;
  assert.equal(cert.id, CERT_ID);
  assert.equal(cert.active.config.masterSecret, '9a8b****');
  assert.equal(cert.active.config.channelId, 'tuikit');

  const created = await call(im.url, 'POST', '/console/certificates', { appId: '30123456', appKey: 'a'.repeat(32), masterSecret: 'b'.repeat(32), clickAction: { type: 'open_url', url: 'https://example.com' } });
  assert.equal(created.status, 201);
  assert.equal(created.json.certificate.id, CERT_ID + 1);
  assert.equal(created.json.effectiveAt, im.clock.now() + 600_000);

  const edited = await call(im.url, 'PATCH', `/console/certificates/${CERT_ID}`, { channelId: 'marketing', clickAction: { type: 'open_activity', activity: 'com.x.Main' } });
  assert.equal(edited.status, 200);
  assert.equal(edited.json.certificate.appKey, 'b5d1e7f0a2c84c6e9f3a1d2e4c6b8a01', 'a merge keeps the other fields');
  const pending = (await call(im.url, 'GET', '/console/certificates')).json.certificates[0];
  assert.equal(pending.active.config.channelId, 'tuikit');
  assert.equal(pending.pending[0].config.channelId, 'marketing');

  const errors: Array<[string, string, unknown, number]> = [
    ['POST', '/console/certificates', { appKey: 'x' }, 400],
    ['POST', '/console/certificates', { appId: '1', appKey: 'k', masterSecret: 's', clickAction: { type: 'open_url', url: 'ftp://x' } }, 400],
    ['POST', '/console/certificates', { id: CERT_ID, appId: '1', appKey: 'k', masterSecret: 's' }, 400],
    ['PATCH', '/console/certificates/1', { channelId: 'x' }, 404],
    ['PATCH', '/console/certificates/abc', { channelId: 'x' }, 400],
    ['DELETE', '/console/certificates/1', undefined, 404],
  ];
  for (const [method, path, body, status] of errors) {
    const r = await call(im.url, method, path, body);
    assert.equal(r.status, status, `${method} ${path}`);
    assert.equal(typeof r.json.error.message, 'string');
  }
  const bad = await fetch(`${im.url}/_im/v1/console/certificates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
  assert.equal(bad.status, 400);

  assert.equal((await call(im.url, 'DELETE', `/console/certificates/${CERT_ID + 1}`)).status, 200);
});

test('control: traces by MsgKey and by user, sessions, journal, UserSig helper', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  await kill(im.server, bob, 'bob');
  const { MsgKey } = await im.send('bob', { MsgBody: text('trace me') });
  await im.send('carol', { MsgBody: text('not bob') });

  const byKey = await call(im.url, 'GET', `/traces/${MsgKey}`);
  assert.deepEqual(byKey.json.traces.map((tr: { to: string; reason: string }) => [tr.to, tr.reason]), [['bob', 'push_online']]);
  assert.equal((await call(im.url, 'GET', `/traces?msgKey=${MsgKey}`)).json.traces.length, 1);
  assert.deepEqual((await call(im.url, 'GET', '/traces?user=bob')).json.traces.map((tr: { msgKey: string }) => tr.msgKey), [MsgKey]);
  assert.deepEqual(im.server.traces.byUser('bob').map((tr) => tr.msgKey), [MsgKey]);
  assert.equal((await call(im.url, 'GET', '/traces/1_2_3')).status, 404);

  const sessions = (await call(im.url, 'GET', '/sessions?user=bob')).json.sessions;
  assert.deepEqual(sessions.map((s: { deviceId: string; state: string; connected: boolean }) => [s.deviceId, s.state, s.connected]), [['bob-phone', 'push_online', false]]);
  const journal = (await call(im.url, 'GET', '/sessions/journal?user=bob')).json.events;
  assert.deepEqual(journal.map((e: { to: string; cause: string }) => `${e.to}:${e.cause}`), ['online:login', 'push_online:link_closed']);

  const signed = await call(im.url, 'POST', '/usersig', { userId: 'bob', expireSeconds: 3600 });
  assert.equal(signed.status, 200);
  assert.equal(verifyUserSig(signed.json.userSig, { ...IM_APP, userId: 'bob', now: im.clock.now() }).ok, true);
  assert.equal((await call(im.url, 'POST', '/usersig', {})).status, 400);
  assert.equal((await call(im.url, 'GET', '/settings')).json.now, im.clock.now());
});
