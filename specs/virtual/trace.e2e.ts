/**
 * The lab's joined trace, read from a spec (`s.lab.trace(msgKey)`): every hop of a push from IM's
 * decision to the extras the tapped notification handed to the app, joined by MsgKey and messageId.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectExtras, expectNotification, type Scenario } from '../../harness/scenario/index.ts';

describe('the joined trace of a push', () => {
  let s: Scenario;

  before(async () => {
    s = await openScenario('trace', multiremotebrowser);
  });

  after(async () => {
    await s?.close();
  });

  it('follows it hop by hop: IM decision → OPPO → shown → tapped → activity → extras', async () => {
    const alice = await s.user('alice', 'Alice');
    const bob = await s.user('bob', 'Bob');
    const phone = s.phone();
    await phone.login(bob);
    await phone.kill();
    const sent = await s.im.sendText(alice, bob, 'trace me', { Ext: JSON.stringify({ orderId: '7' }) });
    const shown = await expectNotification(phone, { title: 'Alice', text: 'trace me' }, { sent, within: '1m' });
    await phone.markLogcat();
    await phone.tapNotification(shown);
    await expectExtras(phone, { orderId: '7' });

    const trace = await s.lab!.trace(sent.MsgKey);
    const [device] = trace.devices;
    assert.equal(device?.deviceId, phone.serial);
    assert.deepEqual(device?.stages, { sentToOppo: true, accepted: true, delivered: true, shown: true, clicked: true, extras: true });
    const hops: string[] = trace.hops.map((h) => h.hop);
    const order = ['im_decision', 'oppo_unicast', 'oppo_accepted', 'oppo_delivered', 'phone_shown', 'oppo_acked', 'phone_tapped', 'phone_activity', 'phone_extras'];
    assert.deepEqual(order.map((h) => hops.indexOf(h)).filter((i) => i < 0), [], `every hop is there: ${hops.join(', ')}`);
    assert.deepEqual([...order.map((h) => hops.indexOf(h))].sort((a, b) => a - b), order.map((h) => hops.indexOf(h)), 'in the order the message travelled');
    assert.deepEqual(trace.hops.find((h) => h.hop === 'phone_extras')?.data?.extras, { orderId: '7' });
    assert.ok(trace.hops.filter((h) => h.layer === 'phone').every((h) => h.messageId === device?.messageId), 'phone hops carry the OPPO messageId');
  });
});
