/** Profiles, blocklists, account_delete, MsgId and the 12 KB body limit, over REST. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImClientLink, ImLinkError } from '../../harness/im/index.ts';
import { kill, startIm, text } from './helpers.ts';

const ACCOUNTS = [{ userId: 'alice' }, { userId: 'bob' }, { userId: 'carol' }];

test('portrait_set / portrait_get; the Nick is the push title when Title is empty', async (t) => {
  const im = await startIm(t, { accounts: ACCOUNTS });
  const set = await im.rest('profile/portrait_set', { From_Account: 'alice', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Alice A.' }, { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' }] });
  assert.equal(set.ErrorCode, 0);
  const got = await im.rest('profile/portrait_get', { To_Account: ['alice', 'ghost'], TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Gender', 'Tag_Profile_IM_Image'] });
  assert.deepEqual(got.UserProfileItem[0].ProfileItem, [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Alice A.' }, { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' }]);
  assert.equal(got.UserProfileItem[1].ResultCode, 40003);
  assert.deepEqual(got.Fail_Account, ['ghost']);
  assert.equal((await im.rest('profile/portrait_set', { From_Account: 'alice', ProfileItem: [{ Tag: 'Tag_Nope', Value: 'x' }] })).ErrorCode, 40009);
  assert.equal((await im.rest('profile/portrait_set', { From_Account: 'ghost', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x' }] })).ErrorCode, 40003);
  assert.equal((await im.rest('profile/portrait_set', { From_Account: 'alice', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x'.repeat(501) }] })).ErrorCode, 40601);

  await kill(im.server, await im.device('bob', 'bob-phone'), 'bob');
  await im.send('bob', { MsgBody: text('hi') });
  await im.send('bob', { MsgBody: text('hi'), OfflinePushInfo: { Title: 'Explicit' } });
  assert.deepEqual(im.oppo.unicasts().map((u) => u.notification.title), ['Alice A.', 'Explicit']);
});

test('a blocked sender is refused with 20007 and nothing is pushed; batch lists the blocking recipient', async (t) => {
  const im = await startIm(t, { accounts: ACCOUNTS });
  await kill(im.server, await im.device('bob', 'bob-phone'), 'bob');
  await kill(im.server, await im.device('carol', 'carol-phone'), 'carol');
  const add = await im.rest('sns/black_list_add', { From_Account: 'bob', To_Account: ['alice', 'ghost'] });
  assert.deepEqual(add.ResultItem.map((r: any) => [r.To_Account, r.ResultCode]), [['alice', 0], ['ghost', 30003]]);
  const single = await im.rest('sns/black_list_check', { From_Account: 'bob', To_Account: ['alice', 'carol'], CheckType: 'BlackCheckResult_Type_Single' });
  assert.deepEqual(single.BlackListCheckItem.map((r: any) => r.Relation), ['BlackCheckResult_Type_AWithB', 'BlackCheckResult_Type_NO']);
  const both = await im.rest('sns/black_list_check', { From_Account: 'alice', To_Account: ['bob'], CheckType: 'BlackCheckResult_Type_Both' });
  assert.equal(both.BlackListCheckItem[0].Relation, 'BlackCheckResult_Type_BWithA');
  assert.equal((await im.rest('sns/black_list_check', { From_Account: 'alice', To_Account: ['bob'], CheckType: 'Maybe' })).ErrorCode, 30001);

  assert.equal((await im.send('bob', { MsgBody: text('hello?') })).ErrorCode, 20007);
  const batch = await im.rest('openim/batchsendmsg', { From_Account: 'alice', To_Account: ['bob', 'carol'], MsgRandom: 2, MsgBody: text('all') });
  assert.equal(batch.ErrorCode, 0);
  assert.deepEqual(batch.ErrorList, [{ To_Account: 'bob', ErrorCode: 20007 }]);
  const traces = im.server.traces.byMsgKey(batch.MsgKey);
  assert.deepEqual(traces.map((tr) => `${tr.to}:${tr.reason}`), ['bob:blacklisted', 'carol:push_online']);
  assert.equal(im.oppo.unicasts().length, 1, 'only carol was pushed');

  assert.equal((await im.rest('sns/black_list_delete', { From_Account: 'bob', To_Account: ['alice'] })).ErrorCode, 0);
  assert.equal((await im.send('bob', { MsgBody: text('again') })).ErrorCode, 0);
  assert.equal(im.oppo.unicasts().length, 2);
});

test('account_delete ends the sessions, unbinds the token; later sends, imports and logins answer the real codes', async (t) => {
  const im = await startIm(t, { accounts: ACCOUNTS });
  const bob = await im.device('bob', 'bob-phone');
  const closed = new Promise<void>((resolve) => bob.once('close', () => resolve()));
  await im.rest('group_open_http_svc/create_group', { Type: 'Work', Name: 'T', GroupId: 'g', MemberList: [{ Member_Account: 'bob' }] });
  const del = await im.rest('im_open_login_svc/account_delete', { DeleteItem: [{ UserID: 'bob' }, { UserID: 'ghost' }] });
  assert.deepEqual(del.ResultItem.map((r: any) => [r.UserID, r.ResultCode]), [['bob', 0], ['ghost', 70107]]);
  await closed;
  const [session] = im.server.sessions.sessionsOf('bob');
  assert.deepEqual([session!.state, session!.cause, session!.token], ['offline', 'account_deleted', undefined]);

  assert.equal((await im.send('bob', { MsgBody: text('x') })).ErrorCode, 90012);
  assert.equal((await im.rest('openim/sendmsg', { From_Account: 'bob', To_Account: 'alice', MsgRandom: 1, MsgBody: text('x') })).ErrorCode, 90008);
  assert.equal((await im.rest('im_open_login_svc/account_import', { UserID: 'bob' })).ErrorCode, 70399);
  const link = await ImClientLink.connect(im.url);
  t.after(() => link.close());
  await assert.rejects(link.login({ userId: 'bob', userSig: im.sig('bob'), deviceId: 'bob-phone' }), (e: ImLinkError) => e.code === 70107);
  await im.rest('group_open_http_svc/send_group_msg', { GroupId: 'g', Random: 1, MsgBody: text('x') });
  assert.deepEqual(im.server.traces.query({ groupId: 'g' }).map((tr) => `${tr.to}:${tr.reason}`), ['bob:account_deleted']);
});

test('sendmsg and batchsendmsg answer MsgId; a MsgBody over 12 KB answers 80002', async (t) => {
  const im = await startIm(t, { accounts: ACCOUNTS });
  const one = await im.send('bob', { MsgBody: text('hi'), MsgRandom: 55 });
  assert.match(one.MsgId, new RegExp(`^\\d{18}-${one.MsgTime}-55$`));
  const batch = await im.rest('openim/batchsendmsg', { From_Account: 'alice', To_Account: ['bob'], MsgRandom: 56, MsgBody: text('hi') });
  assert.match(batch.MsgId, /^\d{18}-\d+-56$/);
  assert.equal((await im.send('bob', { MsgBody: text('x'.repeat(12 * 1024)) })).ErrorCode, 80002);
  assert.equal((await im.send('bob', { MsgBody: text('x'.repeat(12 * 1024 - 100)) })).ErrorCode, 0);
});
