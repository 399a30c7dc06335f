/**
 * Asking is not doing: the page object's and the Phone's queries (isLoggedIn, appState,
 * currentActivity, notifications, records) never launch, tap or navigate. Asking about a killed app
 * leaves it killed — and its user PushOnline, so the push still arrives.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, type Scenario } from '../../harness/scenario/index.ts';

const PUSH_ACTIVITY = 'com.tencent.qcloud.tim.demo.push.OfflinePushClickActivity';

describe('queries change nothing', () => {
  let s: Scenario;
  let alice: string;
  let bob: string;

  before(async () => {
    s = await openScenario('queries', multiremotebrowser);
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
  });

  after(async () => {
    await s?.close();
  });

  it('a killed app stays killed when asked: isLoggedIn refuses to guess, the user stays PushOnline, the push arrives', async () => {
    const phone = s.phone();
    await phone.login(bob);
    await phone.kill();
    assert.equal(await s.im.onlineState(bob), 'PushOnline');

    await assert.rejects(phone.app.isLoggedIn(phone.driver), /can be read only while it is in front \(app state 1\)/);
    assert.equal(await phone.appState(), 1);
    await phone.currentActivity();
    await phone.notifications({ withChannel: true, removed: true });
    // dumpsys notification is a shell command: a farm that forbids mobile: shell has no records to ask.
    if (phone.shellAllowed) await phone.records();
    assert.equal(await phone.appState(), 1, 'still not running after every query');
    assert.equal(await s.im.onlineState(bob), 'PushOnline', 'the IM server never saw the app come back');

    const sent = await s.im.sendText(alice, bob, 'still pushed');
    await expectNotification(phone, { title: 'Alice', text: 'still pushed' }, { sent, within: '1m' });
  });

  it('on the push landing screen isLoggedIn answers from the screen and stays there', async () => {
    const phone = s.phone();
    const sent = await s.im.sendText(alice, bob, 'open me', { Ext: JSON.stringify({ conv: 'c2c_alice' }) });
    await expectNotification(phone, { title: 'Alice', text: 'open me' }, { sent });
    await phone.tapNotification({ title: 'Alice', text: 'open me' });
    assert.equal(await phone.currentActivity(), PUSH_ACTIVITY);

    assert.equal(await phone.app.isLoggedIn(phone.driver), true);
    assert.equal(await phone.currentActivity(), PUSH_ACTIVITY, 'isLoggedIn did not navigate away');
    assert.equal(await phone.appState(), 4);
  });

  it('in front: true on the main screen, false on the login screen, with no screen change', async () => {
    const phone = s.phone();
    await phone.launch();
    const main = await phone.currentActivity();
    assert.equal(await phone.app.isLoggedIn(phone.driver), true);
    assert.equal(await phone.currentActivity(), main);
    await phone.logout();
    const login = await phone.currentActivity();
    assert.equal(await phone.app.isLoggedIn(phone.driver), false);
    assert.equal(await phone.currentActivity(), login);
    assert.equal(await s.im.onlineState(bob), 'Offline');
  });
});
