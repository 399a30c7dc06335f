import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessNetwork } from '../../mock-oppo/transport/wire.ts';

test('an in-process wire delivers in order, later than send, and settle() waits for what handlers send in turn', async () => {
  const net = new InProcessNetwork();
  const [client, server] = net.pair();
  const heard: string[] = [];
  server.onMessage = (text) => {
    heard.push(`server:${text}`);
    server.send(`echo ${text}`);
  };
  client.onMessage = (text) => heard.push(`client:${text}`);
  client.send('a');
  client.send('b');
  assert.deepEqual(heard, [], 'nothing is delivered synchronously');
  await net.settle();
  assert.deepEqual(heard, ['server:a', 'server:b', 'client:echo a', 'client:echo b']);
  assert.equal(net.busy, false);
});

test('close reaches the other end; terminate closes both; a cut end is silent both ways and tells the peer it went silent', async () => {
  const net = new InProcessNetwork();
  const [c1, s1] = net.pair();
  const closes: string[] = [];
  s1.onClose = (code) => closes.push(`s1:${code}`);
  c1.onClose = (code) => closes.push(`c1:${code}`);
  c1.close(1000, 'bye');
  assert.equal(c1.open, false);
  await net.settle();
  assert.deepEqual(closes.sort(), ['c1:1000', 's1:1000']);

  const [c2, s2] = net.pair();
  s2.onClose = (code) => closes.push(`s2:${code}`);
  s2.terminate();
  await net.settle();
  assert.ok(closes.includes('s2:1006') && !c2.open);

  const [c3, s3] = net.pair();
  const events: string[] = [];
  s3.onMessage = (t) => events.push(`s3 got ${t}`);
  s3.onSilent = () => events.push('s3 heard silence');
  s3.onClose = () => events.push('s3 closed');
  c3.onMessage = (t) => events.push(`c3 got ${t}`);
  c3.cut();
  c3.send('lost');
  s3.send('lost too');
  c3.terminate(); // the killed process frees its end: no FIN crosses a cut network
  await net.settle();
  assert.deepEqual(events, ['s3 heard silence']);
  assert.equal(s3.open, true, 'the server end stays open until it gives up itself');
});

test('a throwing handler does not stop delivery to other wires', async () => {
  const net = new InProcessNetwork();
  const [a, aServer] = net.pair();
  const [b, bServer] = net.pair();
  const got: string[] = [];
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (msg: unknown) => errors.push(msg);
  try {
    aServer.onMessage = () => {
      throw new Error('boom');
    };
    bServer.onMessage = (t) => got.push(t);
    a.send('x');
    b.send('y');
    await net.settle();
  } finally {
    console.error = original;
  }
  assert.deepEqual(got, ['y']);
  assert.equal(errors.length, 1);
});
