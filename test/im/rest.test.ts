import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IM_APP, kill, startIm, text } from './helpers.ts';

test('URL and admin checks answer HTTP 200 with the real codes', async (t) => {
  const im = await startIm(t);
  const post = async (query: string, body = '{}', method = 'POST') => {
    const res = await fetch(`${im.url}/v4/im_open_login_svc/account_check?${query}`, { method, ...(method === 'POST' ? { body } : {}) });
    assert.equal(res.status, 200);
    return (await res.json()) as { ActionStatus: string; ErrorCode: number; ErrorInfo: string };
  };
  const adminSig = im.sig(IM_APP.admin);
  const q = (over: Record<string, string | undefined>) => {
    const params: Record<string, string | undefined> = { sdkappid: String(IM_APP.sdkAppId), identifier: IM_APP.admin, usersig: adminSig, random: '1', contenttype: 'json', ...over };
    return new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  };
  const cases: Array<[string, Record<string, string | undefined>, number]> = [
    ['sdkappid missing', { sdkappid: undefined }, 60012],
    ['sdkappid not a number', { sdkappid: 'abc' }, 60025],
    ['another app', { sdkappid: '1400000002' }, 60006],
    ['identifier missing', { identifier: undefined }, 60025],
    ['usersig missing', { usersig: undefined }, 60025],
    ['contenttype not json', { contenttype: 'xml' }, 60025],
    ['not an admin', { identifier: 'alice', usersig: im.sig('alice') }, 60010],
    ['usersig empty', { usersig: '' }, 70002],
    ['usersig garbage', { usersig: 'abc' }, 70003],
    ['usersig of another user', { usersig: im.sig('alice') }, 70013],
    ['random may be absent', { random: undefined }, 0],
  ];
  for (const [name, over, code] of cases) {
    const r = await post(q(over), '{"CheckItem":[{"UserID":"alice"}]}');
    assert.equal(r.ErrorCode, code, name);
    assert.equal(r.ActionStatus, code === 0 ? 'OK' : 'FAIL', name);
  }
  im.clock.advance(181 * 86_400_000);
  assert.equal((await post(q({}))).ErrorCode, 70001, 'admin UserSig expired after 180 days');
  assert.equal((await post(q({ usersig: im.sig(IM_APP.admin) }), '{not json')).ErrorCode, 90001);
  assert.equal((await post(q({ usersig: im.sig(IM_APP.admin) }), '[1]')).ErrorCode, 90001);
  assert.equal((await post(q({ usersig: im.sig(IM_APP.admin) }), '', 'GET')).ErrorCode, 60002);
  assert.equal((await im.rest('openim/no_such_command', {})).ErrorCode, 60009);
});

test('accounts: import (UserID or Identifier), multi-import, check, and their errors', async (t) => {
  const im = await startIm(t, { accounts: [] });
  assert.equal((await im.rest('im_open_login_svc/account_import', { UserID: 'erin', Nick: 'Erin' })).ErrorCode, 0);
  assert.equal((await im.rest('im_open_login_svc/account_import', { Identifier: 'frank' })).ErrorCode, 0);
  assert.equal(im.server.accounts.get('erin')?.nick, 'Erin');
  assert.equal((await im.rest('im_open_login_svc/account_import', { UserID: 42 })).ErrorCode, 60015);
  assert.equal((await im.rest('im_open_login_svc/account_import', {})).ErrorCode, 70402);
  assert.equal((await im.rest('im_open_login_svc/account_import', { UserID: 'x'.repeat(33) })).ErrorCode, 70402);
  const multi = await im.rest('im_open_login_svc/multiaccount_import', { Accounts: ['g1', 'g2', '', 7] });
  assert.deepEqual([multi.ErrorCode, multi.FailAccounts], [0, ['', 7]]);
  assert.equal((await im.rest('im_open_login_svc/multiaccount_import', { Accounts: Array.from({ length: 101 }, (_, i) => `u${i}`) })).ErrorCode, 70206);
  const check = await im.rest('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'g1' }, { UserID: 'nobody' }] });
  assert.deepEqual(
    check.ResultItem.map((r: { UserID: string; AccountStatus: string }) => [r.UserID, r.AccountStatus]),
    [['g1', 'Imported'], ['nobody', 'NotImported']],
  );
  // Whatever the Content-Type, the raw body is JSON.
  const q = new URLSearchParams({ sdkappid: String(IM_APP.sdkAppId), identifier: IM_APP.admin, usersig: im.sig(IM_APP.admin), contenttype: 'json' });
  const res = await fetch(`${im.url}/v4/im_open_login_svc/account_import?${q}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{"UserID":"henry"}' });
  assert.equal(((await res.json()) as { ErrorCode: number }).ErrorCode, 0);
  assert.ok(im.server.accounts.has('henry'));
});

test('sendmsg and batchsendmsg validate with the real codes and answer MsgTime/MsgKey', async (t) => {
  const im = await startIm(t);
  const ok = await im.send('bob', { MsgBody: text('hi'), MsgRandom: 81726354 });
  assert.equal(ok.ErrorCode, 0);
  assert.equal(ok.MsgTime, Math.floor(im.clock.now() / 1000));
  assert.match(ok.MsgKey, new RegExp(`^\\d+_81726354_${ok.MsgTime}$`));
  const again = await im.send('bob', { MsgBody: text('hi'), MsgRandom: 81726354 });
  assert.notEqual(again.MsgKey, ok.MsgKey, 'a repeated MsgRandom in the same second still gets its own key');
  const cases: Array<[string, Record<string, unknown>, number]> = [
    ['To_Account missing', { To_Account: undefined }, 90003],
    ['To_Account not imported', { To_Account: 'nobody' }, 90012],
    ['From_Account not imported', { From_Account: 'nobody' }, 90008],
    ['MsgRandom missing', { MsgRandom: undefined }, 90005],
    ['MsgRandom negative', { MsgRandom: -1 }, 90005],
    ['MsgBody not an array', { MsgBody: { MsgType: 'TIMTextElem' } }, 90007],
    ['MsgBody empty', { MsgBody: [] }, 90002],
    ['text without Text', { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: {} }] }, 90002],
    ['MsgLifeTime too large', { MsgLifeTime: 604_801 }, 90026],
    ['MsgLifeTime not an integer', { MsgLifeTime: '60' }, 90044],
    ['MsgTimeStamp not an integer', { MsgTimeStamp: 1.5 }, 90006],
    ['SyncOtherMachine not an integer', { SyncOtherMachine: 'yes' }, 90031],
    ['OfflinePushInfo not an object', { OfflinePushInfo: 'push' }, 90043],
    ['PushFlag out of range', { OfflinePushInfo: { PushFlag: 2 } }, 90043],
    ['Ext not a string', { OfflinePushInfo: { Ext: { a: 1 } } }, 90043],
  ];
  for (const [name, over, code] of cases) {
    assert.equal((await im.rest('openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: text('x'), ...over })).ErrorCode, code, name);
  }
  const batch = await im.rest('openim/batchsendmsg', { To_Account: ['bob', 'carol', 'nobody'], MsgRandom: 5, MsgBody: text('all') });
  assert.equal(batch.ErrorCode, 0);
  assert.deepEqual(batch.ErrorList, [{ To_Account: 'nobody', ErrorCode: 70107 }]);
  assert.deepEqual(im.server.traces.byMsgKey(batch.MsgKey).map((tr) => tr.to).sort(), ['bob', 'carol']);
  assert.equal((await im.rest('openim/batchsendmsg', { To_Account: 'bob', MsgRandom: 5, MsgBody: text('x') })).ErrorCode, 90028);
  assert.equal((await im.rest('openim/batchsendmsg', { To_Account: [], MsgRandom: 5, MsgBody: text('x') })).ErrorCode, 90029);
  assert.equal((await im.rest('openim/batchsendmsg', { To_Account: Array.from({ length: 501 }, (_, i) => `u${i}`), MsgRandom: 5, MsgBody: text('x') })).ErrorCode, 90011);
});

test('query_online_status (and querystate) report Online / PushOnline / Offline with details', async (t) => {
  const im = await startIm(t);
  const bob = await im.device('bob', 'bob-phone');
  await im.device('carol', 'carol-phone');
  await kill(im.server, bob, 'bob');
  for (const command of ['openim/query_online_status', 'openim/querystate']) {
    const r = await im.rest(command, { To_Account: ['bob', 'carol', 'dave', 'nobody'], IsNeedDetail: 1 });
    assert.equal(r.ErrorCode, 0);
    assert.deepEqual(r.QueryResult, [
      { To_Account: 'bob', State: 'PushOnline', Status: 'PushOnline', Detail: [{ Platform: 'Android', Status: 'PushOnline' }] },
      { To_Account: 'carol', State: 'Online', Status: 'Online', Detail: [{ Platform: 'Android', Status: 'Online' }] },
      { To_Account: 'dave', State: 'Offline', Status: 'Offline' },
    ]);
    assert.deepEqual(r.ErrorList, [{ To_Account: 'nobody', ErrorCode: 70107 }]);
  }
  assert.equal((await im.rest('openim/query_online_status', { To_Account: [] })).ErrorCode, 90001);
});
