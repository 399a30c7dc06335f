/**
 * Scenario 4 (one phone) — after logout nothing is pushed (reason logged out); after the backend's
 * REST `kick` nothing is pushed either (reason kicked, rest_kick). Checked at IM, OPPO and phone.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotPushed, expectNotification, type Scenario } from '../../harness/scenario/index.ts';

describe('logged out or kicked: no push', () => {
  let s: Scenario;
  let alice: string;

  before(async () => {
    s = await openScenario('logout', multiremotebrowser);
    alice = await s.user('alice', 'Alice');
  });

  after(async () => {
    await s?.close();
  });

  it('logout, then the app is killed: not pushed, reason logged_out', async () => {
    const phone = s.phone();
    const bob = await s.user('bob', 'Bob');
    await phone.login(bob);
    await phone.logout();
    await phone.kill();

    const sent = await s.im.sendText(alice, bob, 'Are you still logged in?');

    await expectNotPushed(s.observers, sent, { to: bob, phone, layer: 'im', reason: 'logged_out', match: { title: 'Alice' } });
    assert.equal(await s.im.onlineState(bob), 'Offline');
  });

  it('REST kick of a killed app: not pushed, reason kicked (rest_kick)', async () => {
    const phone = s.phone();
    const carol = await s.user('carol', 'Carol');
    await phone.login(carol);
    await phone.kill();
    // Control: before the kick the same message does reach the phone.
    const control = await s.im.sendText(alice, carol, 'before the kick');
    await expectNotification(phone, { title: 'Alice', text: 'before the kick' }, { sent: control, within: '1m' });

    await s.im.kick(carol);
    const sent = await s.im.sendText(alice, carol, 'after the kick');

    const funnel = await expectNotPushed(s.observers, sent, { to: carol, phone, layer: 'im', reason: 'kicked', match: { title: 'Alice', text: 'after the kick' } });
    assert.equal(funnel.im?.detail, 'rest_kick');
  });
});
