/**
 * Isolation per test: `openScenario(tag, browser, { isolation: 'test' })` resets the lab before every
 * test (wdio.conf.ts's beforeTest), not only when the spec file opens. The first test leaves a mess —
 * a notification in the open shade, an app on its push landing screen, a second phone offline, an
 * OPPO fault and a mock setting changed, a console certificate edit pending, a phone setting changed,
 * a session at IM — and the second test, in the same file, finds none of it, while the scenario's
 * users are still there to log in with.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, type Scenario } from '../../harness/scenario/index.ts';

describe("isolation 'test': every test starts clean", () => {
  let s: Scenario;
  let alice: string;
  let bob: string;

  before(async () => {
    s = await openScenario('per-test', multiremotebrowser, { isolation: 'test' });
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
  });

  after(async () => {
    await s?.close();
  });

  it('the first test leaves a mess behind', async () => {
    const phone = s.phone('phoneA');
    await phone.login(bob);
    await phone.kill();
    const tapped = await s.im.sendText(alice, bob, 'tap me', { Ext: JSON.stringify({ conv: 'c2c_alice' }) });
    await expectNotification(phone, { title: 'Alice', text: 'tap me' }, { sent: tapped });
    const left = await s.im.sendText(alice, bob, 'left behind');
    await expectNotification(phone, { title: 'Alice', text: 'left behind' }, { sent: left });
    await phone.tapNotification({ title: 'Alice', text: 'tap me' });
    await phone.openShade();
    await phone.updateSettings({ offlineLogout: 'lost' });
    await s.phone('phoneB').setNetwork(false);
    await s.oppo!.addFault({ preset: 'quota_exhausted', endpoint: 'unicast' });
    await s.oppo!.updateSettings({ defaultShowTtl: 60 });
    await s.console!.editCertificate(7005, { clickAction: { type: 'open_url', url: 'https://mess.example.com' } });
    assert.equal((await s.console!.sessions(bob)).length, 1);
  });

  it('the second test finds none of it, and the users are still there', async () => {
    for (const name of ['phoneA', 'phoneB'] as const) {
      const phone = s.phone(name);
      assert.equal(await phone.appState(), 1, `${name}: the app is stopped`);
      assert.equal(await phone.driver.getCurrentPackage(), 'com.android.launcher', `${name}: the launcher is in front`);
      assert.deepEqual(await phone.notifications({ removed: true }), [], `${name}: an empty shade without history`);
      const info = (await phone.driver.execute('mobile: deviceInfo')) as { networks: unknown[] };
      assert.equal(info.networks.length, 1, `${name}: the network is on`);
    }
    assert.equal((await s.phone('phoneA').updateSettings({})).offlineLogout, 'retry_on_reconnect', 'the phone setting is back to its boot value');
    assert.deepEqual(await s.oppo!.faults(), []);
    assert.equal((await s.oppo!.settings()).defaultShowTtl, 86_400, 'the mock setting is back to its start value');
    assert.deepEqual(await s.oppo!.messages(), []);
    assert.deepEqual(await s.console!.sessions(), []);
    const [cert] = await s.console!.certificates();
    assert.deepEqual([cert?.active?.config.clickAction.type, cert?.pending], ['open_app', []]);

    const phone = s.phone('phoneA');
    await phone.login(bob);
    await phone.kill();
    const sent = await s.im.sendText(alice, bob, 'a clean start');
    const shown = await expectNotification(phone, { title: 'Alice', text: 'a clean start' }, { sent, within: '1m' });
    await phone.markLogcat();
    await phone.tapNotification(shown);
    assert.equal(await phone.launchedActivity(), phone.app.launcherActivity, "the click action is the fixtures' open_app again");
  });
});
