/** The IM server's reset (`POST /_im/v1/reset`): sessions, tokens, messages, traces, accounts and certificates back to the start. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { CERT_ID, kill, startIm, text } from './helpers.ts';

async function post(url: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/_im/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

test('reset: sessions, tokens, traces, console edits, imported accounts and kick marks are gone; the clock and MsgKeys move on', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  await kill(im.server, bob, 'bob');
  const before = await im.send('bob', { MsgBody: text('before the reset') });
  assert.equal(im.server.traces.byMsgKey(before.MsgKey)[0]?.reason, 'push_online');
  await im.rest('im_open_login_svc/account_import', { UserID: 'dave_spec', Nick: 'Dave' });
  await im.rest('im_open_login_svc/kick', { UserID: 'bob' });
  const edit = await fetch(`${im.url}/_im/v1/console/certificates/${CERT_ID}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clickAction: { type: 'open_url', url: 'https://example.com' } }),
  });
  assert.equal(edit.status, 200);
  const now = im.clock.now();

  const reset = await post(im.url, '/reset');
  assert.deepEqual(reset, { status: 200, json: { reset: true, now } });

  assert.deepEqual(im.server.sessions.all(), []);
  assert.deepEqual(im.server.sessions.journal(), []);
  assert.deepEqual(im.server.traces.query(), []);
  assert.equal(im.server.messages.get(before.MsgKey), undefined);
  assert.equal(im.server.accounts.has('dave_spec'), false);
  assert.equal(im.server.accounts.get('bob')?.kickedAt, undefined, 'a kick before the reset does not refuse later UserSigs');
  const [cert] = im.server.certificates.list();
  assert.deepEqual(cert?.pending, []);
  assert.equal(cert?.active?.config.clickAction.type, 'open_app');
  assert.equal(cert?.active?.version, 1);
  assert.equal(im.clock.now(), now, 'the clock only moves forward: a reset leaves it alone');

  // The same users start over: no device until someone logs in again.
  const after = await im.send('bob', { MsgBody: text('after the reset') });
  assert.notEqual(after.MsgKey, before.MsgKey);
  assert.equal(im.server.traces.byMsgKey(after.MsgKey)[0]?.reason, 'no_device');
});

test('reset drops the open client links, as a server restart does; the SDK can log in again', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  const closed = once(bob, 'close');
  im.server.reset();
  await closed;
  assert.equal(bob.connected, false);
  const again = await im.device('bob', 'bob-phone');
  assert.equal(im.server.sessions.onlineState('bob').state, 'Online');
  await again.close();
});

test('reset also forgets groups, profiles, blocklists, deleted accounts, push attributes/tags and rate limits', async (t) => {
  const im = await startIm(t, { accounts: [{ userId: 'alice' }, { userId: 'bob' }, { userId: 'carol' }] });
  assert.equal((await im.rest('group_open_http_svc/create_group', { Type: 'Work', Name: 'T', GroupId: 'team', MemberList: [{ Member_Account: 'bob' }] })).ErrorCode, 0);
  await im.rest('profile/portrait_set', { From_Account: 'alice', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Al' }] });
  await im.rest('sns/black_list_add', { From_Account: 'bob', To_Account: ['alice'] });
  await im.rest('im_open_login_svc/account_delete', { DeleteItem: [{ UserID: 'carol' }] });
  await im.rest('all_member_push/im_set_attr_name', { AttrNames: { 0: 'city' } });
  await im.rest('all_member_push/im_add_tag', { UserTags: [{ To_Account: 'bob', Tags: ['vip'] }] });
  assert.equal((await im.rest('all_member_push/im_push', { MsgRandom: 1, MsgBody: text('x') })).ErrorCode, 0);

  assert.equal((await post(im.url, '/reset')).status, 200);

  assert.equal((await im.rest('group_open_http_svc/get_group_info', { GroupIdList: ['team'] })).GroupInfo[0].ErrorCode, 10010);
  assert.deepEqual((await im.rest('profile/portrait_get', { To_Account: ['alice'], TagList: ['Tag_Profile_IM_Nick'] })).UserProfileItem[0].ProfileItem, []);
  assert.equal((await im.rest('sns/black_list_check', { From_Account: 'bob', To_Account: ['alice'], CheckType: 'BlackCheckResult_Type_Single' })).BlackListCheckItem[0].Relation, 'BlackCheckResult_Type_NO');
  assert.equal(im.server.accounts.has('carol'), true, 'a deleted fixture account is back');
  assert.equal((await im.rest('im_open_login_svc/account_import', { UserID: 'carol' })).ErrorCode, 0);
  assert.deepEqual((await im.rest('all_member_push/im_get_attr_name', {})).AttrNames, {});
  assert.deepEqual((await im.rest('all_member_push/im_get_tag', { To_Account: ['bob'] })).UserTags[0].Tags, []);
  assert.equal((await im.rest('all_member_push/im_push', { MsgRandom: 2, MsgBody: text('y') })).ErrorCode, 0, 'the 1-per-second limit starts again');
});
