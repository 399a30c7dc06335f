import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFunnel, outcomeOf, type DeviceFunnel } from '../../harness/scenario/funnel.ts';
import { extrasMismatch, notificationMismatch, notPushedMismatch } from '../../harness/scenario/matchers.ts';
import type { PushTrace } from '../../harness/scenario/im-console.ts';
import type { MessageView, TargetView } from '../../mock-oppo/core/platform.ts';

const MSG_KEY = '1_2_1700000000';

function trace(fields: Partial<PushTrace>): PushTrace {
  return {
    msgKey: MSG_KEY,
    msgTime: 1700000000,
    at: 1700000000000,
    from: 'alice',
    to: 'bob',
    device: { deviceId: 'virtual-oppo-5554', platform: 'Android', sessionId: 1, state: 'push_online', cause: 'link_closed' } as PushTrace['device'],
    decision: 'vendor_push',
    reason: 'push_online',
    onlineDelivered: false,
    ignored: [],
    ...fields,
  };
}

function atOppo(target: Partial<TargetView>): DeviceFunnel['oppo'] {
  const t: TargetView = { targetType: 2, targetValue: 'CN_x', registrationId: 'CN_x', notifyId: 1, state: 'acked', history: [], ...target };
  const message = { messageId: '30123456-1-1-abc', appMessageId: MSG_KEY, notification: {}, targets: [t] } as unknown as MessageView;
  return { message, target: t };
}

const accepted = { request: {}, attempts: [], outcome: 'accepted' as const, messageId: '30123456-1-1-abc' };

test('where a message stopped: IM suppression, OPPO rejection or drop, the phone dropping it, or shown', () => {
  const base = { msgKey: MSG_KEY, deviceId: 'virtual-oppo-5554' };
  assert.deepEqual(outcomeOf(base), { shown: false, layer: 'im', reason: 'no_device' });
  assert.deepEqual(outcomeOf({ ...base, im: trace({ decision: 'suppressed', reason: 'logged_out' }) }), { shown: false, layer: 'im', reason: 'logged_out' });
  assert.deepEqual(outcomeOf({ ...base, im: trace({ decision: 'online', reason: 'app_in_foreground' }) }), { shown: false, layer: 'im', reason: 'app_in_foreground' });
  assert.deepEqual(outcomeOf({ ...base, im: trace({ oppo: { request: {}, attempts: [], outcome: 'rejected', code: 33 } }) }), { shown: false, layer: 'oppo', reason: 'code_33' });
  assert.deepEqual(outcomeOf({ ...base, im: trace({ oppo: accepted }) }), { shown: false, layer: 'pending', reason: 'not_at_oppo' });
  assert.deepEqual(outcomeOf({ ...base, im: trace({ oppo: accepted }), oppo: atOppo({ state: 'queued', reason: 'device_offline' }) }), { shown: false, layer: 'pending', reason: 'queued:device_offline' });
  assert.deepEqual(outcomeOf({ ...base, im: trace({ oppo: accepted }), oppo: atOppo({ state: 'dropped', reason: 'user_daily_limit' }) }), { shown: false, layer: 'oppo', reason: 'user_daily_limit' });
  assert.deepEqual(outcomeOf({ ...base, im: trace({ oppo: accepted }), oppo: atOppo({ state: 'expired', reason: 'off_line_ttl' }) }), { shown: false, layer: 'oppo', reason: 'off_line_ttl' });
  assert.deepEqual(outcomeOf({ ...base, im: trace({ oppo: accepted }), oppo: atOppo({ displayed: false, reason: 'dropped_on_device:channel_missing' }) }), { shown: false, layer: 'phone', reason: 'channel_missing' });
  assert.deepEqual(outcomeOf({ ...base, im: trace({ oppo: accepted }), oppo: atOppo({ displayed: true, reason: 'displayed' }) }), { shown: true });
});

test('a not-pushed expectation passes on the right layer and reason (or the IM detail) and explains itself otherwise', () => {
  const kicked: DeviceFunnel = { msgKey: MSG_KEY, deviceId: 'virtual-oppo-5554', im: trace({ decision: 'suppressed', reason: 'kicked', detail: 'rest_kick' }) };
  assert.equal(notPushedMismatch({ reason: 'kicked', layer: 'im' }, kicked, outcomeOf(kicked)), undefined);
  assert.equal(notPushedMismatch({ reason: 'rest_kick' }, kicked, outcomeOf(kicked)), undefined);
  const wrong = notPushedMismatch({ reason: 'logged_out', layer: 'im' }, kicked, outcomeOf(kicked));
  assert.match(wrong!, /^expected not pushed \(im: logged_out\), but it stopped at im \(kicked, rest_kick\)\n/);
  assert.match(wrong!, /IM {4}suppressed \(kicked\) — rest_kick, state push_online\/link_closed/);

  const shown: DeviceFunnel = { msgKey: MSG_KEY, deviceId: 'virtual-oppo-5554', im: trace({ oppo: accepted }), oppo: atOppo({ displayed: true, reason: 'displayed' }) };
  const pushed = notPushedMismatch({ reason: 'logged_out' }, shown, outcomeOf(shown));
  assert.match(pushed!, /^expected not pushed \(logged_out\), but it was shown\n/);
  assert.match(pushed!, /OPPO {2}target CN_x: acked \(displayed\), displayed/);
  assert.match(pushed!, /PHONE shown$/);

  const onPhone: DeviceFunnel = { ...shown, oppo: atOppo({ displayed: false, reason: 'dropped_on_device:notification_permission_off' }) };
  assert.match(notPushedMismatch({ reason: 'notification_permission_off', layer: 'oppo' }, onPhone, outcomeOf(onPhone))!, /stopped at phone \(notification_permission_off\)/);
});

test('the funnel lists every OPPO attempt with its code', () => {
  const retried: DeviceFunnel = {
    msgKey: MSG_KEY,
    deviceId: 'virtual-oppo-5554',
    im: trace({
      ignored: ['AndroidInfo.Sound ignored: OPPO does not support custom sounds'],
      oppo: {
        ...accepted,
        attempts: [
          { at: 0, call: 'unicast', url: 'u', form: {}, response: { code: -2 } },
          { at: 0, call: 'unicast', url: 'u', form: {}, error: 'timeout' },
          { at: 0, call: 'unicast', url: 'u', form: {}, response: { code: 0 } },
        ],
      },
    }),
  };
  const text = describeFunnel(retried);
  assert.match(text, /^message 1_2_1700000000 → device virtual-oppo-5554\n/);
  assert.match(text, /OPPO {2}unicast accepted 30123456-1-1-abc after attempts \[-2, timeout, 0\]/);
  assert.match(text, /ignored: AndroidInfo\.Sound ignored/);
  assert.match(text, /stopped at pending: not_at_oppo$/);
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
