/** The typed OPPO server client a spec uses: signed on the clock it is given, every send recorded, answers as OPPO sends them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createMockOppo, demoApp } from '../../mock-oppo/index.ts';
import { OppoServerClient } from '../../harness/scenario/oppo-server.ts';

test('auth signs with the given clock; unicast, batch, save + broadcast and feedback go through and are recorded', async (t) => {
  // Two days ahead of the wall clock: a client signing with Date.now() would get code 19 here.
  const clock = new VirtualClock({ start: Date.now() + 2 * 86_400_000 });
  const mock = createMockOppo({ clock });
  const server = await mock.listen();
  t.after(async () => {
    await server.close();
    clock.dispose();
  });
  const app = demoApp();
  const reg = mock.platform.registerFor(mock.platform.appById(app.appId)!, 'dev-1', 'CN', app.packageName);
  const wallClock = new OppoServerClient({ baseUrl: server.url, appKey: app.appKey, masterSecret: app.masterSecret, now: () => Date.now() });
  assert.equal((await wallClock.auth()).code, 19);
  const client = new OppoServerClient({ baseUrl: server.url, appKey: app.appKey, masterSecret: app.masterSecret, now: () => clock.now() });

  const one = await client.unicast({ target_type: 2, target_value: reg.regId, notification: { title: 'Hi', content: 'one', notify_id: 7, show_ttl: 600 } });
  assert.equal(one.code, 0);
  assert.equal(mock.platform.listMessages({ messageId: one.data!.messageId })[0]?.spec.notification.notifyId, 7);
  const batch = await client.unicastBatch([
    { target_type: 2, target_value: reg.regId, notification: { title: 'Hi', content: 'two' } },
    { target_type: 2, target_value: 'CN_nope', notification: { title: 'Hi', content: 'three' } },
  ]);
  assert.deepEqual(batch.data?.map((i) => i.errorCode ?? 0), [0, 10000]);
  const saved = await client.saveMessageContent({ title: 'News', content: 'for everyone', click_action_type: 2, click_action_url: 'https://example.com', action_parameters: { a: '1' } });
  assert.equal(saved.code, 0);
  const cast = await client.broadcast({ message_id: saved.data!.message_id, target_type: 2, target_value: reg.regId });
  assert.equal(cast.code, 0);
  const bad = await client.unicast({ target_type: 2, target_value: reg.regId, notification: { title: '', content: 'no title' } });
  assert.equal(bad.code, 40, 'a refusal is an answer, not an exception');

  mock.platform.invalidateRegId(reg.regId, 'uninstalled');
  assert.deepEqual((await client.fetchInvalidRegIds()).data?.registration_ids, [reg.regId]);
  assert.deepEqual(
    client.sent.map((s) => [s.endpoint, s.targets, s.messageIds.length, s.code]),
    [
      ['unicast', [reg.regId], 1, 0],
      ['unicast_batch', [reg.regId, 'CN_nope'], 1, 0],
      ['broadcast', [reg.regId], 1, 0],
      ['unicast', [reg.regId], 0, 40],
    ],
  );
});
