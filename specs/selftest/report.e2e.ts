/**
 * Not part of the suite (no profile runs the `selftest` group): test/run/one-run.test.ts runs it
 * (after a cut of the suite, on one worker, into a temporary reports folder) and checks what a run with a passing test,
 * a failing test and a failing hook leaves behind (JUnit, Allure, funnels, index.html). The failures
 * are deliberate.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectExtras, expectNotification, type Scenario } from '../../harness/scenario/index.ts';

describe('report self-test', () => {
  let s: Scenario;
  let alice: string;
  let bob: string;

  before(async () => {
    s = await openScenario('selftest', multiremotebrowser);
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
  });

  after(async () => {
    await s?.close();
  });

  it('passes: a killed app gets the push, the tap opens the app with the extras', async () => {
    const phone = s.phone();
    await phone.login(bob);
    await phone.kill();
    const sent = await s.im.sendText(alice, bob, 'parcel 42', { Ext: JSON.stringify({ orderId: '42' }) });
    const shown = await expectNotification(phone, { title: 'Alice', text: 'parcel 42' }, { sent, within: '1m' });
    await phone.markLogcat();
    await phone.tapNotification(shown);
    await expectExtras(phone, { orderId: '42' });
  });

  it('fails on purpose: a notification is expected after logout', async () => {
    const phone = s.phone();
    await phone.kill();
    await s.im.sendText(alice, bob, 'still in the shade');
    await expectNotification(phone, { title: 'Alice', text: 'still in the shade' });
    await phone.launch();
    await phone.logout();
    await s.im.sendText(alice, bob, 'after logout');
    await expectNotification(phone, { title: 'Alice', text: 'after logout' }, { timeoutMs: 1000 });
  });
});

describe('report self-test, failing hook', () => {
  let s: Scenario;

  before(async () => {
    s = await openScenario('selftesthook', multiremotebrowser);
    const alice = await s.user('alice', 'Alice');
    const carol = await s.user('carol', 'Carol');
    await s.phone().login(carol);
    await s.phone().kill();
    await s.im.sendText(alice, carol, 'sent in a hook');
    assert.fail('the hook fails on purpose');
  });

  after(async () => {
    await s?.close();
  });

  it('never runs: its before hook failed', () => {
    assert.fail('unreachable');
  });
});
