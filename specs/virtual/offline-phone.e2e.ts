/**
 * Scenario 10 — a phone without network (its push service disconnected) gets the messages OPPO
 * queued for it when it reconnects within `off_line_ttl` (OPPO's default, one hour), and not after.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, expectNotPushed, funnelFor, type Phone, type Scenario, type SendMsgResult } from '../../harness/scenario/index.ts';

describe('an offline phone', () => {
  let s: Scenario;
  let phone: Phone;
  let alice: string;
  let bob: string;

  /** Waits until OPPO holds the message for the disconnected device. */
  async function queuedAtOppo(sent: SendMsgResult): Promise<void> {
    await phone.driver.waitUntil(async () => (await funnelFor(s.observers, sent, bob, phone)).oppoState === 'queued', {
      timeoutMsg: 'OPPO did not queue the message for the offline phone',
    });
  }

  before(async () => {
    s = await openScenario('offline', multiremotebrowser);
    phone = s.phone();
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
    await phone.login(bob);
    await phone.kill();
  });

  // The network needs no switching back: the next spec file's Scenario resets the phones.
  after(async () => {
    await s?.close();
  });

  it('reconnecting within off_line_ttl: the queued message shows', async () => {
    await phone.setNetwork(false);
    const sent = await s.im.sendText(alice, bob, 'while you were away');
    await queuedAtOppo(sent);

    await s.advance('30m');
    await phone.setNetwork(true);

    await expectNotification(phone, { title: 'Alice', text: 'while you were away', channel: 'tuikit' });
    assert.ok((await funnelFor(s.observers, sent, bob, phone)).outcome.shown);
  });

  it('reconnecting after off_line_ttl: it expired at OPPO and never shows', async () => {
    await phone.setNetwork(false);
    const sent = await s.im.sendText(alice, bob, 'too late');
    await queuedAtOppo(sent);

    await s.advance('2h');
    await phone.setNetwork(true);

    await expectNotPushed(s.observers, sent, { to: bob, phone, layer: 'oppo', reason: 'off_line_ttl', match: { title: 'Alice', text: 'too late' } });
  });
});
