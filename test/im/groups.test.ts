/** Groups over REST, and send_group_msg through the per-device offline-push decision. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kill, startIm, text } from './helpers.ts';

const ACCOUNTS = [{ userId: 'alice', nick: 'Alice' }, { userId: 'bob' }, { userId: 'carol' }, { userId: 'dave' }, { userId: 'erin' }];

test('groups: create, info, add/import members, joined list, and their codes', async (t) => {
  const im = await startIm(t, { accounts: ACCOUNTS });
  const created = await im.rest('group_open_http_svc/create_group', {
    Type: 'Private', Name: 'Team', Owner_Account: 'alice', GroupId: 'team', MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'carol', MsgFlag: 'AcceptNotNotify' }],
  });
  assert.deepEqual([created.ErrorCode, created.GroupId], [0, 'team']);
  const auto = await im.rest('group_open_http_svc/create_group', { Type: 'Public', Name: 'Open' });
  assert.match(auto.GroupId, /^@TGS#\w{9}$/);
  assert.equal((await im.rest('group_open_http_svc/create_group', { Type: 'Private', Name: 'Again', GroupId: 'team' })).ErrorCode, 10021);
  assert.equal((await im.rest('group_open_http_svc/create_group', { Type: 'Club', Name: 'x' })).ErrorCode, 10004);
  assert.equal((await im.rest('group_open_http_svc/create_group', { Type: 'Private', Name: 'x', MemberList: [{ Member_Account: 'nobody' }] })).ErrorCode, 10019);

  const info = await im.rest('group_open_http_svc/get_group_info', { GroupIdList: ['team', 'nope'] });
  assert.equal(info.GroupInfo[0].MemberNum, 3);
  assert.equal(info.GroupInfo[0].Owner_Account, 'alice');
  assert.deepEqual(info.GroupInfo[0].MemberList.map((m: any) => [m.Member_Account, m.Role, m.MsgFlag]), [
    ['alice', 'Owner', 'AcceptAndNotify'], ['bob', 'Member', 'AcceptAndNotify'], ['carol', 'Member', 'AcceptNotNotify'],
  ]);
  assert.equal(info.GroupInfo[1].ErrorCode, 10010);

  const added = await im.rest('group_open_http_svc/add_group_member', { GroupId: 'team', MemberList: [{ Member_Account: 'dave' }, { Member_Account: 'bob' }] });
  assert.deepEqual(added.MemberList, [{ Member_Account: 'dave', Result: 1 }, { Member_Account: 'bob', Result: 2 }]);
  const imported = await im.rest('group_open_http_svc/import_group_member', { GroupId: 'team', MemberList: [{ Member_Account: 'erin', Role: 'Admin', JoinTime: 1700000000 }] });
  assert.deepEqual(imported.MemberList, [{ Member_Account: 'erin', Result: 1 }]);
  assert.equal((await im.rest('group_open_http_svc/add_group_member', { GroupId: 'nope', MemberList: [{ Member_Account: 'dave' }] })).ErrorCode, 10010);

  const joined = await im.rest('group_open_http_svc/get_joined_group_list', { Member_Account: 'erin' });
  assert.equal(joined.TotalCount, 1);
  assert.deepEqual([joined.GroupIdList[0].GroupId, joined.GroupIdList[0].SelfInfo.Role, joined.GroupIdList[0].SelfInfo.JoinTime], ['team', 'Admin', 1700000000]);
  assert.equal((await im.rest('group_open_http_svc/get_joined_group_list', { Member_Account: 'nobody' })).ErrorCode, 10019);

  assert.equal((await im.rest('group_open_http_svc/modify_group_member_info', { GroupId: 'team', Member_Account: 'bob', MsgFlag: 'Loud' })).ErrorCode, 10004);
  assert.equal((await im.rest('group_open_http_svc/destroy_group', { GroupId: 'team' })).ErrorCode, 0);
  assert.equal((await im.rest('group_open_http_svc/get_joined_group_list', { Member_Account: 'erin' })).TotalCount, 0);
  assert.equal((await im.rest('group_open_http_svc/destroy_group', { GroupId: 'team' })).ErrorCode, 10010);
});

test('send_group_msg: each member device gets the decision; the sender is excluded, muted, discarding and removed members are not pushed', async (t) => {
  const im = await startIm(t, { accounts: ACCOUNTS });
  await im.rest('group_open_http_svc/create_group', {
    Type: 'Work', Name: 'Team', GroupId: 'team', Owner_Account: 'alice',
    MemberList: ['bob', 'carol', 'dave', 'erin'].map((Member_Account) => ({ Member_Account })),
  });
  const alicePhone = await im.device('alice', 'alice-phone');
  for (const user of ['bob', 'carol', 'dave', 'erin']) await kill(im.server, await im.device(user, `${user}-phone`), user);
  await kill(im.server, alicePhone, 'alice');
  assert.equal((await im.rest('group_open_http_svc/modify_group_member_info', { GroupId: 'team', Member_Account: 'carol', MsgFlag: 'AcceptNotNotify' })).ErrorCode, 0);
  assert.equal((await im.rest('group_open_http_svc/modify_group_member_info', { GroupId: 'team', Member_Account: 'erin', MsgFlag: 'Discard' })).ErrorCode, 0);
  assert.equal((await im.rest('group_open_http_svc/delete_group_member', { GroupId: 'team', MemberToDel_Account: ['dave'] })).ErrorCode, 0);

  const sent = await im.rest('group_open_http_svc/send_group_msg', {
    GroupId: 'team', From_Account: 'alice', Random: 7, MsgBody: text('standup'), OfflinePushInfo: { Ext: '{"conv":"group_team"}' },
  });
  assert.deepEqual([sent.ErrorCode, sent.MsgSeq, typeof sent.MsgTime], [0, 1, 'number']);
  const traces = im.server.traces.query({ groupId: 'team' });
  const byUser = Object.fromEntries(traces.map((tr) => [tr.to, `${tr.decision}:${tr.reason}`]));
  assert.deepEqual(byUser, {
    bob: 'vendor_push:push_online',
    carol: 'suppressed:group_muted',
    erin: 'suppressed:group_discarded',
    dave: 'suppressed:not_a_member',
  });
  assert.ok(!traces.some((tr) => tr.to === 'alice'), 'the sender is not a recipient');
  const unicasts = im.oppo.unicasts();
  assert.deepEqual(unicasts.map((u) => u.target_value), [traces.find((tr) => tr.to === 'bob')!.token]);
  assert.equal(unicasts[0]!.notification.title, 'Alice', 'the sender nick is the title');
  assert.equal(unicasts[0]!.notification.app_message_id, 'team_1');

  const second = await im.rest('group_open_http_svc/send_group_msg', { GroupId: 'team', Random: 8, MsgBody: text('from the admin') });
  assert.equal(second.MsgSeq, 2, 'MsgSeq counts per group');
  assert.equal((await im.rest('group_open_http_svc/send_group_msg', { GroupId: 'team', From_Account: 'dave', Random: 9, MsgBody: text('let me in') })).ErrorCode, 10007);
  assert.equal((await im.rest('group_open_http_svc/send_group_msg', { GroupId: 'nope', Random: 9, MsgBody: text('x') })).ErrorCode, 10010);
  assert.equal((await im.rest('group_open_http_svc/modify_group_member_info', { GroupId: 'team', Member_Account: 'bob', ShutUpTime: 60 })).ErrorCode, 0);
  assert.equal((await im.rest('group_open_http_svc/send_group_msg', { GroupId: 'team', From_Account: 'bob', Random: 9, MsgBody: text('x') })).ErrorCode, 10017);
});

test('a foreground member of a muted group still gets the message online', async (t) => {
  const im = await startIm(t, { accounts: ACCOUNTS });
  await im.rest('group_open_http_svc/create_group', { Type: 'Work', Name: 'T', GroupId: 'g', MemberList: [{ Member_Account: 'bob', MsgFlag: 'AcceptNotNotify' }] });
  const bob = await im.device('bob', 'bob-phone');
  const got = new Promise<any>((resolve) => bob.once('message', resolve));
  await im.rest('group_open_http_svc/send_group_msg', { GroupId: 'g', Random: 1, MsgBody: text('hi') });
  const message = await got;
  assert.equal(message.groupId, 'g');
  assert.deepEqual(im.server.traces.query({ groupId: 'g' }).map((tr) => `${tr.decision}:${tr.reason}`), ['online:app_in_foreground']);
});
