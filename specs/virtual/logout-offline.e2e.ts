/**
 * A logout while the phone has no network (phone setting `offlineLogout`). Default
 * `retry_on_reconnect`: the IM SDK tells the server once the link is back, so nothing is pushed to
 * the logged-out user afterwards. `lost`: the server is never told — it keeps the session and the
 * token, the user turns PushOnline after the heartbeat timeout, and the logged-out user's messages
 * are pushed and shown; the trace says why: `logout_not_delivered`.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, expectNotPushed, funnelFor, type Scenario } from '../../harness/scenario/index.ts';

describe('logout while the network is down', () => {
  let s: Scenario;
  let alice: string;

  before(async () => {
    s = await openScenario('logout-offline', multiremotebrowser, { isolation: 'test' });
    alice = await s.user('alice', 'Alice');
  });

  after(async () => {
    await s?.close();
  });

  it('retry_on_reconnect (default): the logout reaches the server when the network is back; nothing is pushed after it', async () => {
    const phone = s.phone();
    const bob = await s.user('bob', 'Bob');
    await phone.login(bob);
    await phone.setNetwork(false);
    await phone.logout();
    await s.advance('10m'); // past the 400 s heartbeat timeout: PushOnline on the server
    // Pushed while the server still believes in the login: the trace says the logout has not arrived.
    const meanwhile = await s.im.sendText(alice, bob, 'sent while the logout is pending');
    assert.equal((await funnelFor(s.observers, meanwhile, bob, phone)).im?.detail, 'logout_not_delivered');

    await phone.setNetwork(true);
    assert.equal(await s.im.onlineState(bob), 'Offline');
    const sent = await s.im.sendText(alice, bob, 'after the logout');
    await expectNotPushed(s.observers, sent, { to: bob, phone, layer: 'im', reason: 'logged_out', match: { title: 'Alice', text: 'after the logout' } });
  });

  it('lost: the server never hears of the logout; the pushes go on, and the trace says logout_not_delivered', async () => {
    const phone = s.phone();
    await phone.updateSettings({ offlineLogout: 'lost' });
    const carol = await s.user('carol', 'Carol');
    await phone.login(carol);
    await phone.setNetwork(false);
    await phone.logout();
    await s.advance('10m');
    await phone.setNetwork(true);

    assert.equal(await s.im.onlineState(carol), 'PushOnline');
    const sent = await s.im.sendText(alice, carol, 'to a logged-out user');
    await expectNotification(phone, { title: 'Alice', text: 'to a logged-out user' }, { sent, within: '1m' });
    const funnel = await funnelFor(s.observers, sent, carol, phone);
    assert.deepEqual([funnel.im?.decision, funnel.im?.reason, funnel.im?.detail], ['vendor_push', 'push_online', 'logout_not_delivered']);
  });
});
