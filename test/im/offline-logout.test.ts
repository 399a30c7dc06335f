/** The client link's logout of an earlier login: what the SDK sends for a logout it made while the network was down. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImClientLink, ImLinkError } from '../../harness/im/index.ts';
import { startIm } from './helpers.ts';

test("a fresh link ends the device's earlier login with its credentials; bad, wrong or stale ones change nothing", async (t) => {
  const im = await startIm(t);
  const old = await im.device('bob', 'bob-phone');
  old.drop(); // the network went away: the server still holds the login
  const link = await ImClientLink.connect(im.url);
  t.after(() => Promise.all([link.close(), old.close()]));
  const code = (p: Promise<unknown>) => p.then(() => 0, (e: ImLinkError) => e.code);

  assert.equal(await code(link.logout({ userId: 'bob', userSig: im.sig('carol'), deviceId: 'bob-phone' })), 70013, 'a ticket of another user');
  assert.equal(await code(link.logout({ userId: 'bob', userSig: im.sig('bob'), deviceId: 'other-phone' })), 6014, 'no login of that device');
  assert.equal(im.server.sessions.onlineState('bob').state, 'Online', 'nothing changed yet');

  assert.equal(await code(link.logout({ userId: 'bob', userSig: im.sig('bob'), deviceId: 'bob-phone' })), 0);
  const [session] = im.server.sessions.sessionsOf('bob');
  assert.deepEqual([session?.state, session?.cause, session?.token], ['offline', 'logged_out', undefined]);
  assert.equal(await code(link.logout({ userId: 'bob', userSig: im.sig('bob'), deviceId: 'bob-phone' })), 6014, 'already ended');
  assert.equal(await code(link.logout()), 6014, 'the fresh link itself never logged in');
});
