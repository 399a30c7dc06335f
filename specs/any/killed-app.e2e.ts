/**
 * Scenario 1 — the docs' own test: kill the app without logging out, send a message, and a
 * notification shows within about a minute, the sender as title and the text as content; tapping
 * it opens the app's launcher activity.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, skipWithoutShell, type Scenario } from '../../harness/scenario/index.ts';

describe('a killed app (not logged out) gets an offline push', () => {
  let s: Scenario;
  let alice: string;
  let bob: string;

  before(async () => {
    s = await openScenario('killed', multiremotebrowser);
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
    await s.phone().login(bob);
  });

  after(async () => {
    await s?.close();
  });

  it('force-stopped: the sender is the title, the text the content, within a minute; tapping opens the launcher activity', async () => {
    const phone = s.phone();
    await phone.kill('force-stop');
    assert.equal(await phone.appState(), 1);

    const sent = await s.im.sendText(alice, bob, 'Are you there?');

    const shown = await expectNotification(phone, { title: 'Alice', text: 'Are you there?', channel: 'tuikit' }, { sent, within: '1m' });
    await phone.markLogcat();
    await phone.tapNotification(shown);
    assert.equal(await phone.launchedActivity(), phone.app.launcherActivity);
  });

  it('swiped away (process death): the same push arrives', async function () {
    const phone = s.phone();
    // No Appium command has the OS reclaim a background app: it takes `am kill`.
    skipWithoutShell(this, phone, 'a process death (am kill)');
    await phone.kill('process-death');

    const sent = await s.im.sendText(alice, bob, 'Still there?');

    await expectNotification(phone, { title: 'Alice', text: 'Still there?' }, { sent, within: '1m' });
  });
});
