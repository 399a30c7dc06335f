/**
 * Scenario 4 (two phones, one user) — the same user logs in on a second phone: the first is kicked
 * (login elsewhere) and gets nothing; the second gets the message.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotPushed, expectNotification, type Scenario } from '../../harness/scenario/index.ts';

describe('forced logout: the same user on a second phone', () => {
  let s: Scenario;

  before(async () => {
    s = await openScenario('forced', multiremotebrowser);
  });

  after(async () => {
    await s?.close();
  });

  it('the first phone is kicked and gets nothing; the second gets the push', async () => {
    const first = s.phone('phoneA');
    const second = s.phone('phoneB');
    const alice = await s.user('alice', 'Alice');
    const bob = await s.user('bob', 'Bob');

    await first.login(bob);
    await first.kill();
    await second.login(bob);
    await second.kill();

    const sent = await s.im.sendText(alice, bob, 'Which phone are you on?');

    await expectNotification(second, { title: 'Alice', text: 'Which phone are you on?', channel: 'tuikit' }, { sent, within: '1m' });
    const funnel = await expectNotPushed(s.observers, sent, { to: bob, phone: first, layer: 'im', reason: 'kicked', match: { title: 'Alice' } });
    assert.equal(funnel.im?.detail, 'login_elsewhere');
  });
});
