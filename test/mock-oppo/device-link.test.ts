/** The device link over a real WebSocket: register, receive, ack, drop, reconnect, replace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import { CODES, DeviceLinkClient, DeviceLinkError, DEVICE_LINK_PATH, type NotificationFrame } from '../../mock-oppo/index.ts';
import { checkSettings } from '../../mock-oppo/core/settings.ts';
import { DEMO, makeLab, postForm, tokenFor, unicastMessage } from './helpers.ts';

const APP = { appKey: DEMO.appKey, appSecret: DEMO.appSecret, packageName: DEMO.packageName! };
const UNICAST = '/server/v1/message/notification/unicast';

async function start(t: { after(fn: () => unknown): void }) {
  const lab = makeLab();
  const server = await lab.mock.listen();
  t.after(() => server.close());
  const token = tokenFor(lab.mock);
  const send = (regId: string, notification: Record<string, unknown> = {}) =>
    postForm(server.url, UNICAST, { auth_token: token, message: unicastMessage(regId, { channel_id: 'tuikit', ...notification }) });
  const connect = async (deviceId: string, url = server.url) => {
    const client = await DeviceLinkClient.connect(url, { deviceId });
    t.after(() => client.close());
    return client;
  };
  return { ...lab, server, send, connect };
}

test('register, receive a notification, ack it: state acked and a push_arrive receipt', async (t) => {
  const { mock, send, connect, receipts } = await start(t);
  const phone = await connect('phone-1');
  assert.equal(phone.connected, true);
  const regId = await phone.register(APP);
  assert.match(regId, /^CN_[0-9a-f]{32}$/);
  const arrived = once(phone, 'notification') as Promise<[NotificationFrame]>;
  const reply = await send(regId, { call_back_url: 'http://rx.test/cb', action_parameters: '{"chatId":"42"}' });
  assert.equal(reply.body.code, 0);
  const [frame] = await arrived;
  assert.equal(frame.messageId, reply.body.data.messageId);
  assert.equal(frame.packageName, DEMO.packageName);
  assert.deepEqual(frame.notification.actionParameters, { chatId: '42' });
  phone.ack(frame.messageId, regId, { displayed: true });
  await phone.sync();
  const message = mock.platform.findMessage(frame.messageId)!;
  assert.equal(message.targets[0]!.state, 'acked');
  assert.equal(message.targets[0]!.displayed, true);
  await mock.platform.receipts.settled();
  assert.equal(receipts[0]?.body[0]?.eventType, 'push_arrive');
});

test('a dropped phone gets what was queued on reconnect (same deviceId); expired ones never come', async (t) => {
  const { mock, clock, server, send, connect } = await start(t);
  const phone = await connect('phone-2');
  const regId = await phone.register(APP);
  const gone = once(mock.platform, 'device');
  phone.drop();
  assert.equal(phone.connected, false);
  assert.deepEqual(await gone, [{ deviceId: 'phone-2', connected: false }]);
  assert.equal(mock.platform.isConnected('phone-2'), false);
  const short = await send(regId, { off_line_ttl: 30 });
  const long = await send(regId, { off_line_ttl: 3600 });
  clock.advance('31s');
  const again = await DeviceLinkClient.connect(`${server.url.replace('http', 'ws')}${DEVICE_LINK_PATH}`, { deviceId: 'phone-2' });
  t.after(() => again.close());
  const [frame] = (await once(again, 'notification')) as [NotificationFrame];
  assert.equal(frame.messageId, long.body.data.messageId);
  await again.sync();
  const expired = mock.platform.findMessage(short.body.data.messageId)!.targets[0]!;
  assert.equal(expired.state, 'expired');
  assert.equal(expired.reason, 'off_line_ttl');
});

test('register failures reject with DeviceLinkError; unregister and uninstall invalidate the regId', async (t) => {
  const { send, connect } = await start(t);
  const phone = await connect('phone-3');
  await assert.rejects(phone.register({ ...APP, appKey: 'nope' }), (e: DeviceLinkError) => e instanceof DeviceLinkError && e.code === CODES.INVALID_APP_KEY);
  await assert.rejects(phone.register({ ...APP, appSecret: 'nope' }), (e: DeviceLinkError) => e.code === CODES.INVALID_SIGNATURE);
  const regId = await phone.register(APP);
  await phone.unregister(APP.packageName);
  assert.equal((await send(regId)).body.code, CODES.REGID_UNSUBSCRIBED);
  const again = await phone.register(APP);
  assert.notEqual(again, regId);
  await phone.uninstall(APP.packageName);
  assert.equal((await send(again)).body.code, CODES.REGID_UNSUBSCRIBED);
});

test('a second link with the same deviceId replaces the first', async (t) => {
  const { send, connect } = await start(t);
  const first = await connect('phone-4');
  const regId = await first.register(APP);
  const firstClosed = once(first, 'close');
  const second = await connect('phone-4');
  const [code] = await firstClosed;
  assert.equal(code, 4000);
  const arrived = once(second, 'notification');
  await send(regId);
  const [frame] = (await arrived) as [NotificationFrame];
  assert.equal(frame.registrationId, regId);
});

test('malformed frames get an error frame and the link keeps working; unknown upgrade paths are refused', async (t) => {
  const { server } = await start(t);
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}${DEVICE_LINK_PATH}`);
  t.after(() => ws.terminate());
  await once(ws, 'open');
  const frames: any[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  const next = () => new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
  let reply = next();
  ws.send('not json');
  assert.equal((await reply).code, CODES.INVALID_ARGUMENTS);
  reply = next();
  ws.send(JSON.stringify({ op: 'register', id: '1', appKey: 'a', appSecret: 'b', packageName: 'c' }));
  assert.deepEqual(await reply, { op: 'error', id: '1', code: CODES.MISSING_ARGUMENTS, message: 'say hello first' });
  reply = next();
  ws.send(JSON.stringify({ op: 'hello', deviceId: 'raw' }));
  assert.equal((await reply).op, 'welcome');
  reply = next();
  ws.send(JSON.stringify({ op: 'ack', messageId: 'm', registrationId: 'r', displayed: true }));
  assert.equal((await reply).code, CODES.DATA_NOT_EXIST);
  reply = next();
  ws.send(JSON.stringify({ op: 'ping', id: 'p' }));
  assert.equal((await reply).op, 'pong');

  const stray = new WebSocket(`${server.url.replace('http', 'ws')}/elsewhere`);
  const [err] = await once(stray, 'error');
  assert.match(String(err), /404/);
});

test("show_ttl: a push without one reaches the phone with OPPO's default of one day (setting defaultShowTtl); a sender's own is kept; 0 gives none", async (t) => {
  const { mock, send, connect } = await start(t);
  const phone = await connect('phone-ttl');
  const regId = await phone.register(APP);
  const showTtlOf = async (notification: Record<string, unknown>) => {
    const arrived = once(phone, 'notification') as Promise<[NotificationFrame]>;
    assert.equal((await send(regId, notification)).body.code, 0);
    const [frame] = await arrived;
    phone.ack(frame.messageId, regId, { displayed: true });
    return frame.notification.showTtl;
  };
  assert.equal(await showTtlOf({}), 86_400);
  assert.equal(await showTtlOf({ show_ttl: 600 }), 600);
  mock.platform.updateSettings(checkSettings({ defaultShowTtl: 0 }));
  assert.equal(await showTtlOf({}), undefined);
  assert.throws(() => checkSettings({ defaultShowTtl: -1 }), /defaultShowTtl must be a positive number/);
});
