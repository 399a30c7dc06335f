/**
 * Isolation, part 2 of 2 — runs after `isolation-1-leaves-a-mess.e2e.ts` and finds none of its mess:
 * opening the Scenario resets the lab (`POST /_lab/v1/reset`) — phones, IM and mock-oppo — so a spec
 * file starts clean whatever the file before it left behind. Also passes on its own.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, type Scenario } from '../../harness/scenario/index.ts';

describe('isolation 2: the next spec file starts clean', () => {
  let s: Scenario;

  before(async () => {
    s = await openScenario('clean', multiremotebrowser);
  });

  after(async () => {
    await s?.close();
  });

  it('the phones: apps stopped, nobody logged in, launcher in front, shade closed and empty (no history), network on', async () => {
    for (const name of ['phoneA', 'phoneB'] as const) {
      const phone = s.phone(name);
      assert.equal(await phone.appState(), 1, `${name}: the app is installed and stopped`);
      assert.equal(await phone.driver.getCurrentPackage(), 'com.android.launcher', `${name}: the launcher is in front`);
      assert.deepEqual(await phone.notifications({ removed: true }), [], `${name}: nothing in the shade, nothing removed from it`);
      const info = (await phone.driver.execute('mobile: deviceInfo')) as { networks: unknown[] };
      assert.equal(info.networks.length, 1, `${name}: the network is on`);
    }
  });

  it('IM: no sessions of the last file; the console certificate is as in the fixtures', async () => {
    assert.deepEqual(await s.console!.sessions(), []);
    const [cert] = await s.console!.certificates();
    assert.deepEqual([cert?.id, cert?.active?.config.clickAction.type, cert?.active?.version, cert?.pending], [7005, 'open_app', 1, []]);
  });

  it('mock-oppo: no faults, no messages, no receipts', async () => {
    assert.deepEqual(await s.oppo!.faults(), []);
    assert.deepEqual(await s.oppo!.messages(), []);
    assert.deepEqual(await s.oppo!.receipts(), []);
  });

  it('a push reaches each phone again: no fault in the way, the permission asked for afresh, the click opens the app', async () => {
    const alice = await s.user('alice', 'Alice');
    for (const name of ['phoneA', 'phoneB'] as const) {
      const phone = s.phone(name);
      const user = await s.user(`user_${name}`);
      await phone.login(user);
      await phone.kill();
      const sent = await s.im.sendText(alice, user, `hello ${name}`);
      const shown = await expectNotification(phone, { title: 'Alice', text: `hello ${name}`, channel: 'tuikit' }, { sent, within: '1m' });
      await phone.markLogcat();
      await phone.tapNotification(shown);
      assert.equal(await phone.launchedActivity(), phone.app.launcherActivity);
    }
  });
});
