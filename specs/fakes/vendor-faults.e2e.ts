/**
 * Scenarios 8 and 9 — what OPPO answers decides the outcome: flow control and an invalid auth token
 * are retried (the push shows), an exhausted daily quota and the per-device public limit are not
 * (no push, with the reason); `PushFlag: 1` pushes nothing; a custom sound is not an OPPO feature, so
 * the notification shows with the default sound and the trace says Sound was ignored.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { DEFAULT_NOTIFICATION_SOUND, openScenario, expectNotification, expectNotPushed, skipWithoutShell, type Phone, type PushTrace, type Scenario, type SendMsgResult } from '../../harness/scenario/index.ts';

/** `call:code` per OPPO call of the trace, e.g. `unicast:-2`, `auth:0`. */
function calls(trace: PushTrace | undefined): string[] {
  return (trace?.oppo?.attempts ?? []).map((a) => `${a.call}:${a.error ?? (a.response as { code?: number } | undefined)?.code ?? a.httpStatus}`);
}

describe('OPPO faults and push options', () => {
  let s: Scenario;
  let phone: Phone;
  let alice: string;
  let bob: string;

  async function traceOf(sent: SendMsgResult): Promise<PushTrace | undefined> {
    return (await s.console!.traces(sent.MsgKey))[0];
  }

  before(async () => {
    s = await openScenario('faults', multiremotebrowser);
    phone = s.phone();
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
    await phone.login(bob);
    await phone.kill();
  });

  afterEach(async () => {
    await s.oppo!.clearFaults();
  });

  after(async () => {
    await s?.close();
  });

  it('flow control (-2): IM retries and the push shows', async () => {
    await s.oppo!.addFault({ preset: 'flow_control', endpoint: 'unicast', times: 1 });
    const sent = await s.im.sendText(alice, bob, 'through flow control');
    await expectNotification(phone, { title: 'Alice', text: 'through flow control' }, { sent, within: '1m' });
    assert.deepEqual(calls(await traceOf(sent)).filter((c) => c.startsWith('unicast')), ['unicast:-2', 'unicast:0']);
  });

  it('invalid auth token (11): IM authenticates again, retries once, and the push shows', async () => {
    await s.oppo!.addFault({ preset: 'invalid_auth', endpoint: 'unicast', times: 1 });
    const sent = await s.im.sendText(alice, bob, 'after a token refresh');
    await expectNotification(phone, { title: 'Alice', text: 'after a token refresh' }, { sent, within: '1m' });
    const made = calls(await traceOf(sent));
    assert.deepEqual(made.slice(made.indexOf('unicast:11')), ['unicast:11', 'auth:0', 'unicast:0']);
  });

  it('daily quota exhausted (33): not retried, not pushed', async () => {
    await s.oppo!.addFault({ preset: 'quota_exhausted', endpoint: 'unicast' });
    const sent = await s.im.sendText(alice, bob, 'over the quota');
    await expectNotPushed(s.observers, sent, { to: bob, phone, layer: 'oppo', reason: 'oppo_rejected', code: 33, match: { title: 'Alice', text: 'over the quota' } });
    assert.deepEqual(calls(await traceOf(sent)).filter((c) => c.startsWith('unicast')), ['unicast:33']);
  });

  it('per-device public limit: the third public (MARKETING) message of the day is dropped, user_daily_limit', async () => {
    const marketing = { AndroidInfo: { OPPOCategory: 'MARKETING' } };
    for (const text of ['offer 1', 'offer 2']) {
      const sent = await s.im.sendText(alice, bob, text, marketing);
      await expectNotification(phone, { title: 'Alice', text }, { sent, within: '1m' });
    }
    const third = await s.im.sendText(alice, bob, 'offer 3', marketing);
    await expectNotPushed(s.observers, third, { to: bob, phone, layer: 'oppo', reason: 'user_daily_limit', match: { title: 'Alice', text: 'offer 3' } });
  });

  it('PushFlag 1: nothing is pushed, reason push_flag_off', async () => {
    const sent = await s.im.sendText(alice, bob, 'silent', { PushFlag: 1 });
    await expectNotPushed(s.observers, sent, { to: bob, phone, layer: 'im', reason: 'push_flag_off', match: { title: 'Alice', text: 'silent' } });
  });

  it('custom sound: shown with the default sound; the trace says Sound was ignored for OPPO', async () => {
    const sent = await s.im.sendText(alice, bob, 'ring ring', { AndroidInfo: { Sound: 'ring_custom' } });
    await expectNotification(phone, { title: 'Alice', text: 'ring ring', channel: 'tuikit' }, { sent, within: '1m' });
    const trace = await traceOf(sent);
    assert.ok(trace?.ignored.some((note) => /Sound ignored/.test(note)), `trace.ignored: ${JSON.stringify(trace?.ignored)}`);
    const notification = (trace?.oppo?.request.notification ?? {}) as Record<string, unknown>;
    assert.deepEqual(Object.keys(notification).filter((k) => /sound/i.test(k)), []);
  });

  it('custom sound: the shown notification plays the default sound', async function () {
    // The sound is in the notification manager's records only (dumpsys notification, a shell command).
    skipWithoutShell(this, phone, 'the notification record (dumpsys notification)');
    const record = (await phone.records()).find((r) => r.title === 'Alice' && r.text === 'ring ring');
    assert.equal(record?.sound, DEFAULT_NOTIFICATION_SOUND);
  });
});
