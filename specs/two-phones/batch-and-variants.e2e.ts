/**
 * The scenario API beyond sendmsg: `batchsendmsg` to users on two phones (its reply carries no
 * MsgTime; the helper takes it from the MsgKey, so `within` works), every send in the failure
 * funnel, and an app variant defined in the spec itself — an old IM SDK without doBackground, whose
 * backgrounded app stays Online, so nothing is pushed to it.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, expectNotPushed, type Scenario } from '../../harness/scenario/index.ts';

describe('batchsendmsg, the funnel of every send, a variant booted from the spec', () => {
  let s: Scenario;
  let alice: string;

  before(async () => {
    s = await openScenario('batch', multiremotebrowser);
    alice = await s.user('alice', 'Alice');
  });

  after(async () => {
    await s?.close();
  });

  it('one batchsendmsg reaches both phones within a minute, and the funnel lists each recipient', async () => {
    const bob = await s.user('bob', 'Bob');
    const carol = await s.user('carol', 'Carol');
    const ghost = `ghost_${s.tag}`; // never imported
    const [phoneA, phoneB] = [s.phone('phoneA'), s.phone('phoneB')];
    await phoneA.login(bob);
    await phoneB.login(carol);
    await phoneA.kill();
    await phoneB.kill();

    const sent = await s.im.batchSendText(alice, [bob, carol, ghost], 'to everyone');
    assert.deepEqual(sent.ErrorList, [{ To_Account: ghost, ErrorCode: 70107 }]);
    assert.ok(Number.isInteger(sent.MsgTime) && sent.MsgTime > 0);
    await expectNotification(phoneA, { title: 'Alice', text: 'to everyone' }, { sent, within: '1m' });
    await expectNotification(phoneB, { title: 'Alice', text: 'to everyone' }, { sent, within: '1m' });

    const report = await s.funnelReport();
    assert.match(report, new RegExp(`→ ${bob} on phoneA \\(${phoneA.serial}\\), MsgKey ${sent.MsgKey}[\\s\\S]*PHONE {2}shown`));
    assert.match(report, new RegExp(`→ ${carol} on phoneB \\(${phoneB.serial}\\), MsgKey ${sent.MsgKey}`));
    assert.doesNotMatch(report, new RegExp(ghost), 'no funnel for a recipient the message never went to');
  });

  it('a send straight to OPPO is in the funnel too', async () => {
    const phone = s.phone('phoneA');
    const regId = await phone.regId();
    const reply = await s.oppoApi.unicast({ target_type: 2, target_value: regId!, notification: { title: 'Backend', content: 'direct' } });
    await expectNotification(phone, { title: 'Backend', text: 'direct' });
    assert.match(await s.funnelReport(), new RegExp(`\\[oppo\\] unicast to ${regId}: code 0\\n  OPPO  ${reply.data!.messageId} → ${regId}: acked \\(displayed\\)`));
  });

  it('an old SDK without doBackground (a variant defined here, not in fixtures/): in the background it stays Online, nothing is pushed', async () => {
    const phone = await s.bootPhone({ appProfile: { id: 'tim-demo-old-sdk', extends: 'tim-demo', behaviour: { callsDoBackground: false } }, name: 'old-sdk' });
    const dave = await s.user('dave', 'Dave');
    await phone.login(dave);
    await phone.background();
    assert.equal(await phone.appState(), 3);
    assert.equal(await s.im.onlineState(dave), 'Online');
    const sent = await s.im.sendText(alice, dave, 'are you there?');
    await expectNotPushed(s.observers, sent, { to: dave, phone, layer: 'im', reason: 'app_in_foreground', match: { title: 'Alice' } });
  });
});
