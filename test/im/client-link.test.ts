/** The client link's wire: malformed frames get 20001 and never break the link; URLs; heartbeat acks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { CLIENT_LINK_PATH, clientLinkUrl, ImClientLink } from '../../harness/im/index.ts';
import { startIm } from './helpers.ts';

test('malformed frames are answered with 20001 and the link keeps working', async (t) => {
  const im = await startIm(t);
  const ws = new WebSocket(im.url.replace('http', 'ws') + CLIENT_LINK_PATH);
  t.after(() => ws.terminate());
  await once(ws, 'open');
  const replies: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => replies.push(JSON.parse(d.toString()) as Record<string, unknown>));
  const frames = [
    'not json',
    '[1,2]',
    '{"op":"fly","id":"1"}',
    '{"op":"login","id":"2","userId":"bob"}',
    '{"op":"login","id":"3","userId":"bob","userSig":"x","deviceId":"d","platform":"Nokia"}',
    JSON.stringify({ op: 'login', id: '4', userId: 'bob', userSig: im.sig('bob'), deviceId: 'd' }),
    '{"op":"do_background","id":"5","unreadCount":"many"}',
    '{"op":"set_offline_push_config","id":"6","businessId":"7005","token":"t"}',
    '{"op":"heartbeat","id":"7"}',
    '{"op":"sync","id":"8"}',
  ];
  for (const f of frames) ws.send(f);
  while (replies.length < frames.length) await once(ws, 'message');
  assert.deepEqual(
    replies.map((r) => [r.op, r.id, r.code]),
    [
      ['result', '', 20001],
      ['result', '', 20001],
      ['result', '1', 20001],
      ['result', '2', 20001],
      ['result', '3', 20001],
      ['result', '4', 0],
      ['result', '5', 20001],
      ['result', '6', 20001],
      ['heartbeat_ack', '7', undefined],
      ['synced', '8', undefined],
    ],
  );
  assert.equal(replies[8]!.serverTime, im.clock.now());
  assert.equal(im.server.sessions.onlineState('bob').state, 'Online');
});

test('clientLinkUrl takes the IM base URL or the ws:// link URL', async (t) => {
  assert.equal(clientLinkUrl('http://127.0.0.1:8080'), `ws://127.0.0.1:8080${CLIENT_LINK_PATH}`);
  assert.equal(clientLinkUrl('https://im.example/base/'), `wss://im.example/base${CLIENT_LINK_PATH}`);
  assert.equal(clientLinkUrl(`ws://127.0.0.1:1${CLIENT_LINK_PATH}`), `ws://127.0.0.1:1${CLIENT_LINK_PATH}`);
  const im = await startIm(t);
  const link = await ImClientLink.connect(clientLinkUrl(im.url));
  t.after(() => link.close());
  await link.login({ userId: 'bob', userSig: im.sig('bob'), deviceId: 'bob-phone' });
  assert.equal(link.connected, true);
  link.drop();
  assert.equal(link.connected, false);
  await assert.rejects(link.sync(), { code: -1 });
});

test('a frame over the size limit closes that link with 1009; the server keeps serving', async (t) => {
  const im = await startIm(t);
  const ws = new WebSocket(im.url.replace('http', 'ws') + CLIENT_LINK_PATH);
  t.after(() => ws.terminate());
  ws.on('error', () => {});
  await once(ws, 'open');
  ws.send('x'.repeat(100 * 1024));
  const [code] = (await once(ws, 'close')) as [number];
  assert.equal(code, 1009);
  const after = await im.device('bob', 'bob-phone');
  t.after(() => after.close());
  assert.equal(after.connected, true);
});
