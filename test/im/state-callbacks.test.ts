/** State.StateChange callbacks POSTed to the configured URL (a real HTTP receiver on loopback). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { IM_APP, kill, startIm, untilState } from './helpers.ts';

test('login, a kicking login, kill, logout and heartbeat timeout each post State.StateChange', async (t) => {
  const received: Array<{ query: URLSearchParams; body: any }> = [];
  const receiver = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    received.push({ query: new URL(req.url!, 'http://x').searchParams, body: JSON.parse(text) });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}');
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  t.after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/im-callback`;
  const im = await startIm(t, { accounts: [{ userId: 'bob' }, { userId: 'carol' }], settings: { oppoRetryDelays: ['1ms'], callbackUrl: url } });
  const info = () => received.map((r) => `${r.body.Info.To_Account}:${r.body.Info.Action}:${r.body.Info.Reason}${r.body.KickedDevice ? `:kicked=${r.body.KickedDevice.map((d: any) => d.Platform).join(',')}` : ''}`);

  await im.device('bob', 'bob-old');
  await im.device('bob', 'bob-new');
  await im.server.callbacks.settled();
  assert.deepEqual(info(), ['bob:Login:Register', 'bob:Login:Register:kicked=Android']);

  const carol = await im.device('carol', 'carol-phone');
  await kill(im.server, carol, 'carol');
  const again = await im.device('carol', 'carol-phone');
  await again.logout();
  await im.server.callbacks.settled();
  assert.deepEqual(info().slice(2), ['carol:Login:Register', 'carol:Disconnect:LinkClose', 'carol:Login:Register', 'carol:Logout:Unregister']);

  const silent = await im.device('carol', 'carol-phone');
  const timedOut = untilState(im.server, 'carol', 'push_online');
  silent.drop();
  im.clock.advance('400s');
  await timedOut;
  await im.server.callbacks.settled();
  assert.deepEqual(info().slice(-1), ['carol:Disconnect:TimeOut']);

  const last = received.at(-1)!;
  assert.equal(last.query.get('CallbackCommand'), 'State.StateChange');
  assert.equal(last.query.get('SdkAppid'), String(IM_APP.sdkAppId));
  assert.equal(last.query.get('contenttype'), 'json');
  assert.equal(last.body.CallbackCommand, 'State.StateChange');
  assert.equal(typeof last.body.EventTime, 'number');
  const log = await (await fetch(`${im.url}/_im/v1/callbacks`)).json() as { callbacks: Array<{ httpStatus: number; answer: { ErrorCode: number } }> };
  assert.equal(log.callbacks.length, received.length);
  assert.ok(log.callbacks.every((c) => c.httpStatus === 200 && c.answer.ErrorCode === 0));
});

test('no callback URL, no callbacks', async (t) => {
  const im = await startIm(t, { accounts: [{ userId: 'bob' }] });
  await im.device('bob', 'bob-phone');
  assert.deepEqual(im.server.callbacks.list(), []);
});
