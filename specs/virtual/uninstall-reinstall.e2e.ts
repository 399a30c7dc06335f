/**
 * Uninstall and reinstall. Uninstalling (WebdriverIO `removeApp`) invalidates the app's regId at
 * OPPO: IM's next push is refused with 10001, the feedback call lists the regId, and a message OPPO
 * still held for it ends with a `regid_invalid` receipt. A reinstall (`installApp`) registers a new
 * regId at the first start; after login the new token is reported and pushes arrive again.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, expectNotPushed, type Scenario } from '../../harness/scenario/index.ts';

describe('uninstall and reinstall', () => {
  let s: Scenario;
  let receiver: Server;
  const receipts: Array<{ eventType: string; registrationIds: string }> = [];

  before(async () => {
    s = await openScenario('uninstall', multiremotebrowser);
    // Where OPPO posts the receipts of the message the spec sends itself.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        receipts.push(...(JSON.parse(body) as typeof receipts));
        res.end('ok');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
  });

  after(async () => {
    receiver?.close();
    await s?.close();
  });

  it('uninstall: 10001 for the next push, the regId in the feedback list, regid_invalid for what OPPO held; reinstall and login: a new regId, pushes arrive again', async () => {
    const alice = await s.user('alice', 'Alice');
    const bob = await s.user('bob', 'Bob');
    const phone = s.phone();
    await phone.login(bob);
    await phone.kill();
    const before = await phone.regId();
    assert.match(before ?? '', /^CN_/);
    const control = await s.im.sendText(alice, bob, 'before the uninstall');
    await expectNotification(phone, { title: 'Alice', text: 'before the uninstall' }, { sent: control, within: '1m' });

    // A message of the backend's own, held by OPPO until its show window opens in an hour.
    const now = await s.now();
    const held = await s.oppoApi.unicast({
      target_type: 2,
      target_value: before!,
      notification: {
        title: 'Later',
        content: 'in the show window',
        show_time_type: 1,
        show_start_time: now + 3_600_000,
        show_end_time: now + 7_200_000,
        call_back_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/receipts`,
      },
    });
    assert.equal(held.code, 0);

    await phone.uninstall();
    assert.equal(await phone.isInstalled(), false);
    assert.equal(await phone.driver.execute('mobile: isAppInstalled', { appId: phone.app.packageName }), false);
    assert.equal((await s.oppo!.registration(before!)).state, 'uninstalled');
    await phone.driver.waitUntil(async () => receipts.some((r) => r.eventType === 'regid_invalid'), { timeoutMsg: 'no regid_invalid receipt' });
    assert.deepEqual(receipts.map((r) => [r.eventType, r.registrationIds]), [['regid_invalid', before]]);
    const feedback = await s.oppoApi.fetchInvalidRegIds();
    assert.deepEqual(feedback.data?.registration_ids, [before]);

    const afterUninstall = await s.im.sendText(alice, bob, 'after the uninstall');
    await expectNotPushed(s.observers, afterUninstall, { to: bob, phone, layer: 'oppo', reason: 'oppo_rejected', code: 10001, match: { title: 'Alice' } });

    await phone.install();
    assert.equal(await phone.isInstalled(), true);
    await phone.login(bob);
    await phone.kill();
    const after = await phone.regId();
    assert.match(after ?? '', /^CN_/);
    assert.notEqual(after, before, 'a reinstall registers a new regId');
    assert.equal((await s.console!.sessions(bob))[0]?.token?.token, after, 'the login reported the new token');
    const again = await s.im.sendText(alice, bob, 'after the reinstall');
    await expectNotification(phone, { title: 'Alice', text: 'after the reinstall' }, { sent: again, within: '1m' });
  });
});
