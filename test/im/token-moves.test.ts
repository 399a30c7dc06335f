/** A regId reported by a second user while the first user's login still holds it (IM setting tokenReportedByAnotherUser). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kill, startIm, text } from './helpers.ts';

const REG_ID = 'CN_0123456789abcdef0123456789abcdef';

test('move_to_reporter (default): the earlier user loses the token; its pushes are suppressed as token_moved, the reporter gets them', async (t) => {
  const im = await startIm(t);
  const first = await im.device('usera', 'shared-phone', { token: REG_ID });
  await kill(im.server, first, 'usera');
  const second = await im.device('userb', 'shared-phone', { token: REG_ID });
  await kill(im.server, second, 'userb');

  const toA = await im.send('usera', { MsgBody: text('for A') });
  const [traceA] = im.server.traces.byMsgKey(toA.MsgKey);
  assert.deepEqual([traceA?.decision, traceA?.reason, traceA?.detail], ['suppressed', 'token_moved', 'to userb']);
  const toB = await im.send('userb', { MsgBody: text('for B') });
  assert.equal(im.server.traces.byMsgKey(toB.MsgKey)[0]?.token, REG_ID);
  assert.deepEqual(im.oppo.unicasts().map((u) => [u.target_value, u.notification.content]), [[REG_ID, 'for B']]);
});

test('keep_both: both logins keep the token, so the earlier user is pushed to the phone the new user holds', async (t) => {
  const im = await startIm(t, { settings: { oppoRetryDelays: ['1ms'], tokenReportedByAnotherUser: 'keep_both' } });
  const first = await im.device('usera', 'shared-phone', { token: REG_ID });
  await kill(im.server, first, 'usera');
  const second = await im.device('userb', 'shared-phone', { token: REG_ID });
  await kill(im.server, second, 'userb');
  await im.send('usera', { MsgBody: text('for A') });
  assert.deepEqual(im.oppo.unicasts().map((u) => [u.target_value, u.notification.content]), [[REG_ID, 'for A']]);
});

test('a bad value for the setting is refused up front', async (t) => {
  await assert.rejects(startIm(t, { settings: { tokenReportedByAnotherUser: 'share' as never } }), /tokenReportedByAnotherUser must be 'move_to_reporter' or 'keep_both', got 'share'/);
});
