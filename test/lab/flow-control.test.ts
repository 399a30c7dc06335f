/**
 * Flow control on a frozen clock (issue 13): the lab's mock counts the QPS limit in real seconds, so
 * past the app's tier OPPO still answers -2, and IM's real-time retry gets through once that second
 * is over — the virtual clock never moves, nothing stalls, nothing skips the limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { CODES } from '../../mock-oppo/core/codes.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { START, loginByDeepLink } from './helpers.ts';

const PKG = 'com.tencent.qcloud.tim.demo';

test('frozen clock: targets past the QPS tier get -2, IM retries after its real backoff and every push is accepted once', async (t) => {
  // 5,000 targets/s × 0.0004 = 2 a second for the demo app.
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 4, oppoSettings: { qpsFactor: 0.0004 }, imSettings: { oppoRetryDelays: ['1100ms', '1100ms', '1100ms'] } });
  t.after(() => lab.stop());
  assert.equal(lab.oppo.mock.platform.settings.flowControlWindow, 'real');
  const users = ['bob', 'carol', 'dave', 'erin'];
  const phones = lab.farm.list();
  for (const [i, phone] of phones.entries()) {
    await loginByDeepLink(phone, users[i]!);
    await phone.kill(PKG, 'force-stop');
  }
  await lab.farm.syncAll();
  // One message to four killed apps: one unicast_batch of four targets, two over the limit.
  const { traces } = await lab.im.server.send({ from: 'alice', to: users, msgRandom: 1, body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'to all four' } }], onlineOnly: false, syncToSender: false });
  const exchanges = traces.map((tr) => tr.oppo!);
  assert.deepEqual(exchanges.map((e) => e.outcome), ['accepted', 'accepted', 'accepted', 'accepted']);
  const batches = exchanges[0]!.attempts.filter((a) => a.call === 'unicast_batch');
  assert.equal(batches.length, 2, 'the first call, then one retry of the two refused');
  const first = batches[0]!.response as { data: Array<{ errorCode?: number }> };
  assert.deepEqual(first.data.map((d) => d.errorCode ?? 0), [0, 0, CODES.FLOW_CONTROL, CODES.FLOW_CONTROL]);
  assert.equal(batches[0]!.retryAfterMs, 1100, 'the retry waited the real-time backoff');
  assert.equal(lab.clock.now(), START, 'the virtual clock never moved');
  await lab.farm.syncAll();
  assert.deepEqual(phones.map((p) => p.notifications.entries.length), [1, 1, 1, 1]);
  // A call refused by flow control accepts nothing: four targets in all, each shown once.
  assert.deepEqual(lab.oppo.mock.platform.totals().byState, { acked: 4 });
});
