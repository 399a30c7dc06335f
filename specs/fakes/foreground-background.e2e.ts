/**
 * Scenario 2 — an app in the foreground gets the message online and no notification; after the
 * SDK's doBackground (HOME) the same user gets vendor pushes again.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, expectNotPushed, type Scenario } from '../../harness/scenario/index.ts';

describe('foreground vs background', () => {
  let s: Scenario;
  let alice: string;
  let bob: string;

  before(async () => {
    s = await openScenario('fgbg', multiremotebrowser);
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
    await s.phone().login(bob);
  });

  after(async () => {
    await s?.close();
  });

  it('in the foreground: delivered online, no notification', async () => {
    const phone = s.phone();
    assert.equal(await phone.appState(), 4);

    const sent = await s.im.sendText(alice, bob, 'Lunch?');

    await phone.waitForOnlineMessage('Lunch?');
    const funnel = await expectNotPushed(s.observers, sent, { to: bob, phone, layer: 'im', reason: 'app_in_foreground', match: { title: 'Alice', text: 'Lunch?' } });
    assert.equal(funnel.im?.onlineDelivered, true);
  });

  it('in the background after doBackground: a vendor push', async () => {
    const phone = s.phone();
    await phone.background();
    assert.equal(await phone.appState(), 3);

    const sent = await s.im.sendText(alice, bob, 'Lunch at noon');

    await expectNotification(phone, { title: 'Alice', text: 'Lunch at noon', channel: 'tuikit' }, { sent, within: '1m' });
    const [trace] = await s.console!.traces(sent.MsgKey);
    assert.equal(trace?.decision, 'vendor_push');
    assert.equal(trace?.reason, 'app_in_background');
  });
});
