import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageView, TargetView } from '../../mock-oppo/core/views.ts';
import type { PushTrace } from '../../harness/im/rules/traces.ts';
import type { PhonePushEvent } from '../../harness/phone/notifications.ts';
import { deviceFunnel, describeFunnel, type DeviceFunnel } from '../../harness/scenario/funnel.ts';
import { extrasMismatch, notificationMismatch, notPushedMismatch } from '../../harness/scenario/matchers.ts';
import { joinTrace } from '../../harness/trace/trace.ts';

const MSG_KEY = '1_2_1700000000';
const SERIAL = 'virtual-oppo-5554';
const MESSAGE_ID = '30123456-1-1-abc';
const T = 1_700_000_000_000;

function trace(fields: Partial<PushTrace>): PushTrace {
  return {
    msgKey: MSG_KEY,
    msgTime: 1700000000,
    at: T,
    from: 'alice',
    to: 'bob',
    device: { deviceId: SERIAL, platform: 'Android', sessionId: 1, state: 'push_online', cause: 'link_closed' },
    decision: 'vendor_push',
    reason: 'push_online',
    title: 'Alice',
    text: 'hi',
    onlineDelivered: false,
    token: 'CN_x',
    ignored: [],
    ...fields,
  };
}

function oppo(target: Partial<TargetView>): MessageView[] {
  const t: TargetView = { targetType: 2, targetValue: 'CN_x', registrationId: 'CN_x', notifyId: 1, state: 'acked', history: [{ at: T, state: 'accepted' }], ...target };
  return [{ messageId: MESSAGE_ID, appMessageId: MSG_KEY, notification: {}, targets: [t] } as unknown as MessageView];
}

const accepted = { request: { notification: { title: 'Alice', content: 'hi' } }, attempts: [], outcome: 'accepted' as const, messageId: MESSAGE_ID };

function funnel(im: PushTrace[], messages: MessageView[] = [], events: Array<Omit<PhonePushEvent, 'at' | 'messageId' | 'packageName'>> = []): DeviceFunnel {
  const phone = () => events.map((e) => ({ at: T, messageId: MESSAGE_ID, packageName: 'p', ...e }));
  return deviceFunnel(joinTrace(MSG_KEY, { im, oppo: messages, phone }), 'bob', SERIAL);
}

test('where a message stopped: IM suppression, OPPO rejection, queue or drop, the phone dropping it, or shown', () => {
  const stop = (f: DeviceFunnel) => (f.outcome.shown ? 'shown' : `${f.outcome.layer}${f.outcome.pending ? '?' : ''}:${f.outcome.reason}${f.outcome.code === undefined ? '' : `:${f.outcome.code}`}`);
  assert.equal(stop(funnel([])), 'im:no_device');
  assert.equal(stop(funnel([trace({ device: null, decision: 'suppressed', reason: 'no_device' })])), 'im:no_device');
  assert.equal(stop(funnel([trace({ decision: 'suppressed', reason: 'logged_out' })])), 'im:logged_out');
  assert.equal(stop(funnel([trace({ decision: 'online', reason: 'app_in_foreground' })])), 'im:app_in_foreground');
  assert.equal(stop(funnel([trace({ oppo: { request: {}, attempts: [], outcome: 'rejected', code: 33, message: 'daily limit' } })])), 'oppo:oppo_rejected:33');
  assert.equal(stop(funnel([trace({ oppo: { request: {}, attempts: [], outcome: 'gave_up', code: -2 } })])), 'oppo:oppo_unreachable:-2');
  assert.equal(stop(funnel([trace({ oppo: accepted })])), 'oppo?:not_at_oppo');
  assert.equal(stop(funnel([trace({ oppo: accepted })], oppo({ state: 'queued', reason: 'device_offline' }))), 'oppo?:device_offline');
  assert.equal(stop(funnel([trace({ oppo: accepted })], oppo({ state: 'delivered' }))), 'oppo?:awaiting_ack');
  assert.equal(stop(funnel([trace({ oppo: accepted })], oppo({ state: 'dropped', reason: 'user_daily_limit' }))), 'oppo:user_daily_limit');
  assert.equal(stop(funnel([trace({ oppo: accepted })], oppo({ state: 'expired', reason: 'off_line_ttl' }))), 'oppo:off_line_ttl');
  assert.equal(stop(funnel([trace({ oppo: accepted })], oppo({ displayed: false, reason: 'channel_missing' }))), 'phone:channel_missing');
  assert.equal(stop(funnel([trace({ oppo: accepted })], oppo({ displayed: false, reason: 'not_displayed' }), [{ event: 'dropped', reason: 'notification_permission_off' }])), 'phone:notification_permission_off');
  assert.equal(stop(funnel([trace({ oppo: accepted })], oppo({ displayed: true, reason: 'displayed' }))), 'shown');
  const removed = funnel([trace({ oppo: accepted })], oppo({ displayed: true, reason: 'displayed' }), [{ event: 'shown' }, { event: 'removed', reason: 'show_ttl' }]);
  assert.deepEqual(removed.outcome, { shown: true, layer: 'phone', reason: 'displayed', pending: false, removed: { reason: 'show_ttl' } });
  // Another device of bob's: to this phone, bob had no device.
  const elsewhere = funnel([trace({ device: { deviceId: 'other', platform: 'Android', sessionId: 2, state: 'offline', cause: 'logged_out' }, decision: 'suppressed', reason: 'logged_out' })]);
  assert.deepEqual([elsewhere.outcome.reason, elsewhere.outcome.shown ? '' : elsewhere.outcome.detail], ['no_device', `bob is not logged in on ${SERIAL}`]);
});

test('a not-pushed expectation passes on the right layer, reason (or the IM detail) and code, and explains itself otherwise', () => {
  const kicked = funnel([trace({ decision: 'suppressed', reason: 'kicked', detail: 'rest_kick' })]);
  assert.equal(notPushedMismatch({ reason: 'kicked', layer: 'im' }, kicked), undefined);
  assert.equal(notPushedMismatch({ reason: 'rest_kick' }, kicked), undefined);
  const wrong = notPushedMismatch({ reason: 'logged_out', layer: 'im' }, kicked);
  assert.match(wrong!, /^expected not pushed \(im: logged_out\), but it stopped at im: kicked \(rest_kick\)\n/);
  assert.match(wrong!, /IM {5}suppressed \(kicked\) — rest_kick, state push_online\/link_closed/);
  assert.match(wrong!, /⇒ stopped at im: kicked \(rest_kick\) — Expected after a forced logout/);

  const shown = funnel([trace({ oppo: accepted })], oppo({ displayed: true, reason: 'displayed', history: [{ at: T, state: 'accepted' }, { at: T, state: 'delivered' }, { at: T, state: 'acked', reason: 'displayed' }] }), [{ event: 'received' }, { event: 'shown' }]);
  const pushed = notPushedMismatch({ reason: 'logged_out' }, shown);
  assert.match(pushed!, /^expected not pushed \(logged_out\), but it was shown\n/);
  assert.match(pushed!, /OPPO {3}messageId 30123456-1-1-abc; accepted → delivered → acked/);
  assert.match(pushed!, /PHONE {2}shown\n/);

  const rejected = funnel([trace({ oppo: { request: {}, attempts: [], outcome: 'rejected', code: 33, message: 'The number of messages exceeds the daily limit' } })]);
  assert.equal(notPushedMismatch({ reason: 'oppo_rejected', layer: 'oppo', code: 33 }, rejected), undefined);
  assert.match(notPushedMismatch({ reason: 'oppo_rejected', code: 11 }, rejected)!, /^expected not pushed \(oppo_rejected \(code 11\)\), but it stopped at oppo: oppo_rejected \(code 33: The number/);

  const onPhone = funnel([trace({ oppo: accepted })], oppo({ displayed: false, reason: 'notification_permission_off' }));
  assert.match(notPushedMismatch({ reason: 'notification_permission_off', layer: 'oppo' }, onPhone)!, /stopped at phone: notification_permission_off/);
  const pending = funnel([trace({ oppo: accepted })], oppo({ state: 'queued', reason: 'device_offline' }));
  assert.match(notPushedMismatch({ reason: 'device_offline' }, pending)!, /but it still at oppo: device_offline/);
});

test('the funnel names the message (title, text, recipient, phone), every OPPO call with its code, and what to do', () => {
  const retried = funnel([
    trace({
      oppo: {
        ...accepted,
        attempts: [
          { at: T, call: 'auth', url: 'u', form: {}, response: { code: 0 } },
          { at: T, call: 'unicast', url: 'u', form: {}, response: { code: -2 } },
          { at: T, call: 'unicast', url: 'u', form: {}, error: 'timeout' },
          { at: T, call: 'unicast', url: 'u', form: {}, response: { code: 0 } },
        ],
      },
    }),
  ]);
  const text = describeFunnel(retried, 'phoneA');
  assert.match(text, /^"Alice": "hi" → bob on phoneA \(virtual-oppo-5554\), MsgKey 1_2_1700000000\n/);
  assert.match(text, /OPPO {3}calls \[auth 0, unicast -2, unicast error, unicast 0\]; messageId 30123456-1-1-abc/);
  assert.match(text, /⇒ still at oppo: not_at_oppo — Wait a moment/);
});

test('notification mismatches name the field, the value and the expectation, including the virtual latency', () => {
  const shown = { key: 'k', packageName: 'p', id: 1, notifyId: 1, title: 'Alice', text: 'hi', channel: 'tuikit', postTime: 1_700_000_030_000 };
  const sent = { MsgKey: MSG_KEY, MsgTime: 1_700_000_000 };
  assert.equal(notificationMismatch({ title: 'Alice', text: 'hi', channel: 'tuikit' }, shown, sent, '1m'), undefined);
  assert.equal(
    notificationMismatch({ title: 'Alice', text: 'hello', channel: 'marketing' }, shown, sent, '10s'),
    'notification "Alice": text is "hi", expected "hello"; channel is "tuikit", expected "marketing"; it showed 30000 ms after sendmsg (MsgTime 1700000000), expected within 10s',
  );
  // MsgTime is floored to the second: a notification 999 ms "late" is still within 0 ms.
  assert.equal(notificationMismatch({ title: 'Alice' }, { ...shown, postTime: 1_700_000_000_999 }, sent, 0), undefined);
});

test('extras mismatches list missing, different and (exact) unexpected keys', () => {
  assert.equal(extrasMismatch({ conv: 'c' }, { conv: 'c', other: 'x' }, false), undefined);
  assert.equal(
    extrasMismatch({ conv: 'c', entity: '{}' }, { conv: 'd', other: 'x' }, true),
    'extras: conv = "d", expected "c"; missing entity; unexpected other = "x" (received {"conv":"d","other":"x"})',
  );
  assert.equal(extrasMismatch({}, {}, true), undefined);
});
