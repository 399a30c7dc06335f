/**
 * How long a notification stays in the shade: OPPO's `show_ttl`. A sender that gives none (the IM
 * server never does) gets OPPO's documented default of one day (mock setting `defaultShowTtl`); a
 * backend's own `show_ttl` is honoured. Either way the entry leaves the shade with reason `show_ttl`.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, type Scenario } from '../../harness/scenario/index.ts';

describe('show_ttl: how long a notification stays', () => {
  let s: Scenario;

  before(async () => {
    s = await openScenario('show-ttl', multiremotebrowser, { isolation: 'test' });
  });

  after(async () => {
    await s?.close();
  });

  it('an IM push (no show_ttl given) stays one day, then leaves the shade with reason show_ttl', async () => {
    const alice = await s.user('alice', 'Alice');
    const bob = await s.user('bob', 'Bob');
    const phone = s.phone();
    await phone.login(bob);
    await phone.kill();
    const sent = await s.im.sendText(alice, bob, 'for a day');
    await expectNotification(phone, { title: 'Alice', text: 'for a day' }, { sent, within: '1m' });
    const [message] = await s.oppo!.messages({ appMessageId: sent.MsgKey });
    assert.equal(message?.notification.showTtl, undefined, 'IM gave OPPO no show_ttl');

    await s.advance('23h59m');
    assert.ok(await phone.isShowing({ title: 'Alice', text: 'for a day' }), 'still there just before a day passed');
    await s.advance('1m');
    assert.equal(await phone.isShowing({ title: 'Alice', text: 'for a day' }), false);
    const [gone] = (await phone.notifications({ removed: true })).filter((n) => n.text === 'for a day');
    assert.deepEqual(gone?.removed, { reason: 'show_ttl' });
  });

  it("a backend's own show_ttl (sent straight to OPPO, signed on the lab clock) is honoured, with notify_id and id on the entry", async () => {
    const bob = await s.user('bob2', 'Bob');
    const phone = s.phone();
    await phone.login(bob);
    const regId = await phone.regId();
    await phone.kill();
    const reply = await s.oppoApi.unicast({ target_type: 2, target_value: regId!, notification: { title: 'Backend', content: 'ten minutes', show_ttl: 600, notify_id: 4242 } });
    assert.equal(reply.code, 0);
    const shown = await expectNotification(phone, { title: 'Backend', text: 'ten minutes' });
    assert.deepEqual([shown.id, shown.notifyId], [4242, 4242]);
    await s.advance('10m');
    const [gone] = (await phone.notifications({ removed: true })).filter((n) => n.title === 'Backend');
    assert.deepEqual(gone?.removed, { reason: 'show_ttl' });
  });
});
