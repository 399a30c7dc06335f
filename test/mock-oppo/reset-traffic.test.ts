/** `POST /_mock/v1/reset {"scope":"traffic"}`: what the lab's reset uses between spec files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MockOppoControl, MockOppoControlError } from '../../mock-oppo/index.ts';
import { DEMO, makeLab, postForm, T0, tokenFor } from './helpers.ts';

test('a traffic reset forgets messages, queues, faults, receipts, quotas, feedback and the journal, and keeps apps, tokens and registrations', async (t) => {
  const { mock, clock } = makeLab({ feedbackClearsOnFetch: false });
  const server = await mock.listen();
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  const kept = await control.register({ deviceId: 'dev-kept' });
  const gone = await control.register({ deviceId: 'dev-gone' });
  await control.invalidate(gone.regId, 'uninstalled');
  const token = tokenFor(mock);
  const sent = await postForm(server.url, '/server/v1/message/notification/unicast', {
    auth_token: token,
    message: JSON.stringify({ target_type: 2, target_value: kept.regId, notification: { title: 'Hi', content: 'queued', category: 'MARKETING' } }),
  });
  assert.equal(sent.body.code, 0);
  await control.addFault({ preset: 'flow_control', endpoint: 'unicast' });
  assert.equal((await control.messages({ regId: kept.regId }))[0]?.targets[0]?.state, 'queued');
  assert.equal((await control.app(DEMO.appId)).quota?.publicUsed, 1);
  const feedback = async () => (await (await fetch(`${server.url}/server/v1/feedback/fetch_invalid_regidList?auth_token=${token}`)).json()).data.registration_ids;
  assert.deepEqual(await feedback(), [gone.regId]);

  assert.deepEqual(await control.reset('traffic'), { reset: true, scope: 'traffic' });

  assert.deepEqual(await control.messages(), []);
  assert.deepEqual(await control.faults(), []);
  assert.deepEqual(await control.receipts(), []);
  assert.deepEqual(await control.journal(), []);
  assert.equal((await control.app(DEMO.appId)).quota?.publicUsed, 0);
  assert.equal((await control.registration(kept.regId)).state, 'active');
  assert.equal((await control.registration(kept.regId)).queued.length, 0);
  assert.equal(mock.platform.appForToken('CN', token).appId, DEMO.appId, 'auth tokens survive');
  assert.deepEqual(await feedback(), [], 'the feedback list starts empty');
  assert.equal(clock.now(), T0);

  await assert.rejects(
    fetch(`${server.url}/_mock/v1/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"scope":"some"}' }).then(async (r) => {
      if (!r.ok) throw new MockOppoControlError(r.status, 'bad_request', (await r.json()).message);
    }),
    (e: MockOppoControlError) => e.status === 400 && /"scope" is "all"/.test(e.message),
  );
  await control.reset();
  assert.deepEqual(await control.registrations(), [], 'the default scope is everything');
});
