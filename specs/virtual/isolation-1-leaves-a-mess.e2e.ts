/**
 * Isolation, part 1 of 2 — a spec file that ends in the worst state it can: phoneA on the push
 * landing screen with another notification in an open shade, phoneB without network and without the
 * notification permission, an OPPO fault still armed, a console certificate edit in force, the clock
 * moved. It cleans up nothing: `isolation-2-starts-clean.e2e.ts`, the next file, must not notice.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, type Scenario } from '../../harness/scenario/index.ts';

const PUSH_ACTIVITY = 'com.tencent.qcloud.tim.demo.push.OfflinePushClickActivity';

describe('isolation 1: a spec file that leaves a mess behind', () => {
  let s: Scenario;

  before(async () => {
    s = await openScenario('mess', multiremotebrowser);
  });

  // No after(): nothing is put back on purpose (close() only ends sessions this file opened, none here).

  it('ends on the push landing screen, with a notification left in the open shade', async () => {
    const alice = await s.user('alice', 'Alice');
    const bob = await s.user('bob', 'Bob');
    const phone = s.phone('phoneA');
    await phone.login(bob);
    await phone.kill();
    const tapped = await s.im.sendText(alice, bob, 'tap me', { Ext: JSON.stringify({ conv: 'c2c_alice' }) });
    await expectNotification(phone, { title: 'Alice', text: 'tap me' }, { sent: tapped });
    const left = await s.im.sendText(alice, bob, 'left in the shade');
    await expectNotification(phone, { title: 'Alice', text: 'left in the shade' }, { sent: left });
    await phone.tapNotification({ title: 'Alice', text: 'tap me' });
    assert.equal(await phone.currentActivity(), PUSH_ACTIVITY);
    await phone.openShade();
    assert.ok(await phone.isShowing({ title: 'Alice', text: 'left in the shade' }));
  });

  it('leaves phoneB logged in, offline and without the notification permission', async () => {
    const carol = await s.user('carol', 'Carol');
    const phone = s.phone('phoneB');
    await phone.login(carol);
    await phone.setNetwork(false);
    await phone.setNotificationPermission(false);
  });

  it('leaves an OPPO fault armed and a console certificate edit in force', async () => {
    await s.oppo!.addFault({ preset: 'quota_exhausted', endpoint: 'unicast' });
    await s.console!.editCertificate(7005, { clickAction: { type: 'open_url', url: 'https://mess.example.com' } });
    await s.advance('10m');
    const [cert] = await s.console!.certificates();
    assert.equal(cert?.active?.config.clickAction.type, 'open_url');
    assert.equal((await s.oppo!.faults()).length, 1);
  });
});
