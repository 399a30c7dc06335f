import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ImRestClient, ImRestError } from '../../harness/scenario/im-rest.ts';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

/** A recording stand-in for the IM REST endpoint: replies with the queued envelopes in order. */
async function recorder(t: { after(fn: () => Promise<void> | void): void }, replies: Array<Record<string, unknown>>) {
  const seen: Seen[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(replies.shift() ?? { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const client = new ImRestClient({ baseUrl: `http://127.0.0.1:${port}/`, sdkAppId: 1400000001, admin: 'administrator', userSig: () => 'eJw*sig-_', seed: 7 });
  return { seen, client };
}

test('every call is a POST to /v4/<service>/<command> with the five query parameters and a JSON body', async (t) => {
  const { seen, client } = await recorder(t, []);
  await client.importAccount('bob', 'Bob');
  const [req] = seen;
  assert.equal(req!.method, 'POST');
  assert.equal(req!.path, '/v4/im_open_login_svc/account_import');
  assert.deepEqual([...req!.query.keys()], ['sdkappid', 'identifier', 'usersig', 'random', 'contenttype']);
  assert.equal(req!.query.get('sdkappid'), '1400000001');
  assert.equal(req!.query.get('identifier'), 'administrator');
  assert.equal(req!.query.get('usersig'), 'eJw*sig-_');
  assert.match(req!.query.get('random')!, /^\d+$/);
  assert.ok(Number(req!.query.get('random')) <= 4294967295);
  assert.equal(req!.query.get('contenttype'), 'json');
  assert.equal(req!.contentType, 'application/json');
  assert.deepEqual(req!.body, { UserID: 'bob', Nick: 'Bob' });
});

test('sendText builds a C2C sendmsg with a seeded MsgRandom and the OfflinePushInfo as given', async (t) => {
  const { seen, client } = await recorder(t, [{ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgTime: 1700000123, MsgKey: '551_81726354_1700000123' }]);
  const result = await client.sendText('alice', 'bob', 'hi', { Title: 'Alice', Ext: '{"conv":"c2c_alice"}', AndroidInfo: { OPPOChannelID: 'tuikit', Sound: 'ring' } });
  assert.deepEqual(result, { MsgKey: '551_81726354_1700000123', MsgTime: 1700000123 });
  const body = seen[0]!.body;
  assert.equal(seen[0]!.path, '/v4/openim/sendmsg');
  assert.equal(body.SyncOtherMachine, 2);
  assert.equal(body.From_Account, 'alice');
  assert.equal(body.To_Account, 'bob');
  assert.ok(Number.isInteger(body.MsgRandom) && (body.MsgRandom as number) >= 0 && (body.MsgRandom as number) <= 4294967295);
  assert.deepEqual(body.MsgBody, [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }]);
  assert.deepEqual(body.OfflinePushInfo, { Title: 'Alice', Ext: '{"conv":"c2c_alice"}', AndroidInfo: { OPPOChannelID: 'tuikit', Sound: 'ring' } });
});

test('the same seed gives the same nonces (deterministic runs); a different seed does not', async (t) => {
  const a = await recorder(t, []);
  const b = await recorder(t, []);
  await a.client.sendText('x', 'y', 'z');
  await b.client.sendText('x', 'y', 'z');
  assert.equal(a.seen[0]!.query.get('random'), b.seen[0]!.query.get('random'));
  assert.equal(a.seen[0]!.body.MsgRandom, b.seen[0]!.body.MsgRandom);
  assert.notEqual(a.seen[0]!.query.get('random'), String(a.seen[0]!.body.MsgRandom));
});

test('sendCustom, kick and query_online_status use the documented bodies; State or Status is read', async (t) => {
  const { seen, client } = await recorder(t, [
    { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgTime: 1, MsgKey: 'k' },
    { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' },
    {
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      QueryResult: [
        { To_Account: 'a', State: 'PushOnline', Detail: [{ Platform: 'Android', Status: 'PushOnline' }] },
        { To_Account: 'b', Status: 'Offline' },
      ],
    },
  ]);
  await client.sendCustom('a', 'b', { Data: 'd', Desc: 'shown' });
  await client.kick('b');
  const states = await client.queryOnlineStatus(['a', 'b']);
  assert.deepEqual(seen[0]!.body.MsgBody, [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'd', Desc: 'shown' } }]);
  assert.equal(seen[1]!.path, '/v4/im_open_login_svc/kick');
  assert.deepEqual(seen[1]!.body, { UserID: 'b' });
  assert.equal(seen[2]!.path, '/v4/openim/query_online_status');
  assert.deepEqual(seen[2]!.body, { To_Account: ['a', 'b'], IsNeedDetail: 1 });
  assert.deepEqual(states, [
    { To_Account: 'a', State: 'PushOnline', Detail: [{ Platform: 'Android', Status: 'PushOnline' }] },
    { To_Account: 'b', State: 'Offline' },
  ]);
});

test('a FAIL envelope becomes an ImRestError with the code; call() returns it raw', async (t) => {
  const fail = { ActionStatus: 'FAIL', ErrorCode: 90012, ErrorInfo: 'To_Account not registered' };
  const { client } = await recorder(t, [fail, fail, { ActionStatus: 'OK', ErrorCode: 70107, ErrorInfo: 'odd' }]);
  await assert.rejects(client.sendText('a', 'nobody', 'x'), (error: unknown) => {
    assert.ok(error instanceof ImRestError);
    assert.equal(error.code, 90012);
    assert.equal(error.message, 'IM openim/sendmsg failed: 90012 To_Account not registered');
    return true;
  });
  assert.deepEqual(await client.call('openim', 'sendmsg', {}), fail);
  // Either field signals failure (tencent-im.md §1.2).
  await assert.rejects(client.kick('x'), (error: unknown) => error instanceof ImRestError && error.code === 70107);
});

test('batchsendmsg: To_Account is a list, the reply has no MsgTime, so it comes from the MsgKey; ErrorList is kept', async (t) => {
  const { seen, client } = await recorder(t, [
    { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgKey: '12_99_1767600000', ErrorList: [{ To_Account: 'nobody', ErrorCode: 70107 }] },
    { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgKey: 'not-a-key' },
  ]);
  const result = await client.batchSendText('alice', ['bob', 'nobody'], 'hi all');
  assert.deepEqual(result, { MsgKey: '12_99_1767600000', MsgTime: 1767600000, ErrorList: [{ To_Account: 'nobody', ErrorCode: 70107 }] });
  assert.equal(seen[0]!.path, '/v4/openim/batchsendmsg');
  assert.deepEqual(seen[0]!.body.To_Account, ['bob', 'nobody']);
  await assert.rejects(client.batchSendText('alice', ['bob'], 'again'), /MsgKey 'not-a-key' does not end in a send time/);
});
