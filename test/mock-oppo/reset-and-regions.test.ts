/**
 * POST /_mock/v1/reset forgets every kind of platform state (each probed through the real HTTP
 * API), and alias/tag calls work in the region of the host they came in on.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { CODES, MockOppoControl } from '../../mock-oppo/index.ts';
import { DEMO, T0, authForm, makeLab, postForm, unicastMessage } from './helpers.ts';

async function start(t: TestContext) {
  const lab = makeLab();
  const server = await lab.mock.listen();
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  const auth = async (prefix = '') => (await postForm(server.url, `${prefix}/server/v1/auth`, authForm(DEMO, T0))).body.data.auth_token as string;
  const device = async (prefix: string, path: string, token: string, body: Record<string, string>) => {
    const res = await fetch(`${server.url}${prefix}/server/v1/device/${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', auth_token: token }, body: JSON.stringify(body),
    });
    return (await res.json()) as { code: number; data?: any };
  };
  const push = (prefix: string, token: string, message: string) =>
    postForm(server.url, `${prefix}/server/v1/message/notification/unicast`, { auth_token: token, message });
  return { ...lab, server, control, auth, device, push };
}

test('reset forgets tokens, aliases, tags, saved content, app_message_ids, quotas, feedback, messages and devices', async (t) => {
  const { server, control, auth, device, push } = await start(t);
  const token = await auth();
  const reg = await control.register({ deviceId: 'phone-1' });
  const gone = await control.register({ deviceId: 'phone-2' });
  await control.invalidate(gone.regId, 'uninstalled');
  assert.equal((await device('', 'set_alias', token, { registration_id: reg.regId, alias: 'alice' })).code, 0);
  assert.equal((await device('', 'add_tags', token, { name: 'vip' })).code, 0);
  assert.equal((await device('', 'subscribe_tags', token, { registration_id: reg.regId, tags: 'vip' })).code, 0);
  const saved = await postForm(server.url, '/server/v1/message/notification/save_message_content', { auth_token: token, title: 'T', content: 'C' });
  assert.equal(saved.body.code, 0);
  const first = await push('', token, unicastMessage(reg.regId, { app_message_id: 'once' }));
  assert.equal(first.body.code, 0);
  assert.equal((await control.app(DEMO.appId)).quota?.publicUsed, 1);

  await control.reset();

  const stale = await push('', token, unicastMessage(reg.regId));
  assert.equal(stale.body.code, CODES.INVALID_AUTH_TOKEN, 'tokens are forgotten');
  const fresh = await auth();
  assert.equal((await control.app(DEMO.appId)).quota?.publicUsed, 0, 'quota counters start again');
  assert.equal((await control.messages()).length, 0);
  assert.equal((await control.devices()).length, 0);
  const feedback = await fetch(`${server.url}/server/v1/feedback/fetch_invalid_regidList?auth_token=${fresh}`);
  assert.deepEqual(((await feedback.json()) as any).data.registration_ids, [], 'the feedback list is empty');
  const broadcast = await postForm(server.url, '/server/v1/message/notification/broadcast', {
    auth_token: fresh, message_id: saved.body.data.message_id, target_type: '1',
  });
  assert.equal(broadcast.body.code, CODES.DATA_NOT_EXIST, 'saved content is forgotten');
  const again = await control.register({ deviceId: 'phone-1' });
  assert.equal((await push('', fresh, JSON.stringify({ target_type: 5, target_value: 'alice', notification: { title: 'a', content: 'b' } }))).body.code,
    CODES.ALIAS_UNSUBSCRIBED, 'aliases are forgotten');
  assert.equal((await device('', 'subscribe_tags', fresh, { registration_id: again.regId, tags: 'vip' })).code, CODES.DATA_NOT_EXIST, 'tag definitions are forgotten');
  const repeat = await push('', fresh, unicastMessage(again.regId, { app_message_id: 'once' }));
  assert.equal(repeat.body.code, 0);
  assert.equal((await control.messages({ appMessageId: 'once' })).length, 1, 'the app_message_id is new again: a message was made, not the old one returned');
});

test('alias and tag calls on the overseas host work for overseas regIds, and aliases do not cross regions', async (t) => {
  const { control, auth, device, push } = await start(t);
  const intlToken = await auth('/intl');
  const cnToken = await auth();
  const intl = await control.register({ deviceId: 'phone-intl', region: 'INTL' });
  assert.equal((await device('/intl', 'set_alias', intlToken, { registration_id: intl.regId, alias: 'bob' })).code, 0);
  assert.equal((await device('/intl', 'add_tags', intlToken, { name: 'eu' })).code, 0);
  assert.equal((await device('/intl', 'subscribe_tags', intlToken, { registration_id: intl.regId, tags: 'eu' })).code, 0);
  assert.deepEqual((await device('/intl', 'get_all_tags', intlToken, { registration_id: intl.regId })).data.tags, ['eu']);
  assert.equal((await device('', 'set_alias', cnToken, { registration_id: intl.regId, alias: 'bob' })).code, CODES.INVALID_REGID,
    'the CN host does not know an overseas regId');

  const byAlias = JSON.stringify({ target_type: 5, target_value: 'bob', notification: { title: 'a', content: 'b' } });
  const sent = await push('/intl', intlToken, byAlias);
  assert.equal(sent.body.code, 0);
  assert.equal((await control.message(sent.body.data.messageId)).targets[0]!.registrationId, intl.regId);
  assert.equal((await push('', cnToken, byAlias)).body.code, CODES.ALIAS_UNSUBSCRIBED, 'an overseas alias is unknown in CN');

  const cn = await control.register({ deviceId: 'phone-cn' });
  assert.equal((await device('', 'set_alias', cnToken, { registration_id: cn.regId, alias: 'bob' })).code, 0, 'the same alias can exist in CN');
  assert.equal((await device('/intl', 'delete_alias', intlToken, { alias: 'bob' })).code, 0);
  assert.equal((await push('', cnToken, byAlias)).body.code, 0, 'deleting the overseas alias left the CN one');
});
