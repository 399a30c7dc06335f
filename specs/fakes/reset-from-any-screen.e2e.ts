/**
 * A reset works from whatever screen and app state a test ends on: the push landing screen, the
 * open shade, the login screen, a background app, a killed app whose demo would log in again by
 * itself. Checked for both resets: the Phone's own (through the app's UI, what real phones use)
 * and the Scenario's (one lab reset on the virtual profile).
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, type Phone, type Scenario } from '../../harness/scenario/index.ts';

describe('reset from any screen', () => {
  let s: Scenario;
  let phone: Phone;
  let alice: string;
  let n = 0;

  before(async () => {
    s = await openScenario('anyscreen', multiremotebrowser);
    phone = s.phone();
    alice = await s.user('alice', 'Alice');
  });

  after(async () => {
    await s?.close();
  });

  /** A fresh user logged in on the phone, with the app killed. */
  async function loggedInAndKilled(): Promise<string> {
    const user = await s.user(`user${++n}`);
    await phone.login(user);
    await phone.kill();
    return user;
  }

  const states: Array<[string, () => Promise<unknown>]> = [
    [
      'the push landing screen',
      async () => {
        const user = await loggedInAndKilled();
        const sent = await s.im.sendText(alice, user, `land ${n}`, { Ext: JSON.stringify({ conv: 'c2c_alice' }) });
        await expectNotification(phone, { title: 'Alice', text: `land ${n}` }, { sent });
        await phone.tapNotification({ title: 'Alice', text: `land ${n}` });
        assert.match(await phone.currentActivity(), /OfflinePushClickActivity$/);
      },
    ],
    [
      'the open shade over a killed app',
      async () => {
        const user = await loggedInAndKilled();
        const sent = await s.im.sendText(alice, user, `shade ${n}`);
        await expectNotification(phone, { title: 'Alice', text: `shade ${n}` }, { sent });
      },
    ],
    ['the main screen in the background', async () => (await phone.login(await s.user(`user${++n}`)), phone.background())],
    ['a killed app that would log in again by itself', loggedInAndKilled],
    ['the login screen', () => phone.launch()],
  ];

  for (const [where, arrive] of states) {
    it(`the Phone's UI reset from ${where}: app stopped, nobody logged in, nothing showing`, async () => {
      await arrive();
      await phone.reset();
      assert.equal(await phone.appState(), 1);
      assert.deepEqual(await phone.notifications(), []);
      await phone.launch();
      assert.equal(await phone.app.isLoggedIn(phone.driver), false, 'the app comes up on its login screen');
    });

    it(`the Scenario's reset from ${where}: the same, and no session left at IM`, async () => {
      await arrive();
      await s.reset();
      assert.equal(await phone.appState(), 1);
      assert.deepEqual(await phone.notifications({ removed: true }), []);
      assert.deepEqual(await s.console!.sessions(), []);
      await phone.launch();
      assert.equal(await phone.app.isLoggedIn(phone.driver), false);
    });
  }
});
