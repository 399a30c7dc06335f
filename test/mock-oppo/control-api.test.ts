/** The control API through its typed client, over real HTTP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemClock } from '../../mock-oppo/core/clock.ts';
import { MockOppoControl, MockOppoControlError } from '../../mock-oppo/control-client.ts';
import { CODES, createMockOppo } from '../../mock-oppo/index.ts';
import { DEMO, T0, authForm, makeLab, postForm, unicastMessage } from './helpers.ts';

const UNICAST = '/server/v1/message/notification/unicast';

async function start(t: { after(fn: () => unknown): void }) {
  const lab = makeLab();
  const server = await lab.mock.listen();
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  const auth = await postForm(server.url, '/server/v1/auth', authForm(DEMO, T0));
  const token: string = auth.body.data.auth_token;
  const send = (regId: string, notification: Record<string, unknown> = {}) =>
    postForm(server.url, UNICAST, { auth_token: token, message: unicastMessage(regId, { channel_id: 'tuikit', ...notification }) });
  return { ...lab, server, control, token, send };
}

test('apps: list with masked secrets, create, duplicate and invalid apps refused', async (t) => {
  const { control } = await start(t);
  const apps = await control.apps();
  assert.deepEqual(apps.map((a) => a.appId), [DEMO.appId, '30000002']);
  assert.equal(apps[0]!.masterSecret, `${DEMO.masterSecret.slice(0, 4)}****`);
  assert.ok(!JSON.stringify(apps).includes(DEMO.masterSecret));
  const created = await control.createApp({ appId: '777', appKey: 'k777', appSecret: 's777s777s', masterSecret: 'm777m777m' });
  assert.equal(created.permission, 'released');
  assert.equal(created.cumulativeUsers, 1000);
  const detail = await control.app('777');
  assert.equal(detail.quota?.publicLimit, 100_000);
  await assert.rejects(control.createApp({ appId: '777', appKey: 'k2', appSecret: 's', masterSecret: 'm' }), (e: MockOppoControlError) => e.status === 400);
  await assert.rejects(control.createApp({ appId: '778' } as never), (e: MockOppoControlError) => e.status === 400 && /appKey/.test(e.message));
});

test('registrations and messages: create, filter by app/regId/app_message_id, per-target history, invalidate', async (t) => {
  const { control, send } = await start(t);
  const reg = await control.register({ appId: DEMO.appId, deviceId: 'dev-1' });
  const other = await control.register({ appKey: DEMO.appKey, deviceId: 'dev-2' });
  assert.equal(reg.state, 'active');
  assert.equal((await control.registrations({ appId: DEMO.appId })).length, 2);
  assert.equal((await control.registration(reg.regId)).deviceId, 'dev-1');
  const a = await send(reg.regId, { app_message_id: 'order-9' });
  await send(other.regId);
  const byApp = await control.messages({ appId: DEMO.appId });
  assert.equal(byApp.length, 2);
  const byRegId = await control.messages({ regId: reg.regId });
  assert.deepEqual(byRegId.map((m) => m.messageId), [a.body.data.messageId]);
  const byAppMessageId = await control.messages({ appMessageId: 'order-9' });
  assert.equal(byAppMessageId[0]!.messageId, a.body.data.messageId);
  const one = await control.message(a.body.data.messageId);
  assert.deepEqual(one.targets[0]!.history.map((h) => h.state), ['accepted', 'queued']);
  assert.equal(one.classification, 'private');
  assert.deepEqual((await control.registration(reg.regId)).queued, [a.body.data.messageId]);
  const gone = await control.invalidate(reg.regId, 'uninstalled');
  assert.equal(gone.state, 'uninstalled');
  assert.equal((await control.message(a.body.data.messageId)).targets[0]!.reason, 'regid_invalid');
  const rejected = await send(reg.regId);
  assert.equal(rejected.body.code, CODES.REGID_UNSUBSCRIBED);
  const rejectedRecord = (await control.messages({ regId: reg.regId, state: 'rejected' }))[0]!;
  assert.equal(rejectedRecord.targets[0]!.code, CODES.REGID_UNSUBSCRIBED);
  await assert.rejects(control.message('nope'), (e: MockOppoControlError) => e.status === 404);
  assert.deepEqual((await control.devices()).map((d) => d.connected), [false, false]);
});

test('journal masks tokens and signatures; receipts are listed', async (t) => {
  const { control, token, send, mock } = await start(t);
  const reg = await control.register({ deviceId: 'dev-1' });
  await send(reg.regId, { call_back_url: 'http://rx.test/cb' });
  const journal = await control.journal();
  const text = JSON.stringify(journal);
  assert.ok(!text.includes(token), 'token masked');
  assert.ok(!text.includes(authForm(DEMO, T0).sign), 'sign masked');
  assert.deepEqual(journal.map((e) => e.endpoint), ['auth', 'unicast']);
  assert.equal(journal[1]!.appId, DEMO.appId);
  assert.equal((await control.journal({ endpoint: 'auth', limit: 5 })).length, 1);
  const m = mock.platform.listMessages()[0]!;
  mock.platform.connectDevice('dev-1', 'CN', { send: () => {}, close: () => {} });
  mock.platform.ack('dev-1', m.messageId, reg.regId, true);
  await mock.platform.receipts.settled();
  const receipts = await control.receipts();
  assert.equal(receipts[0]!.body.eventType, 'push_arrive');
  assert.equal(receipts[0]!.status, 'sent');
});

test('clock: get, set, advance (fires TTL expiry); reset clears state', async (t) => {
  const { control, send } = await start(t);
  const clock = await control.clock();
  assert.deepEqual([clock.now, clock.virtual, clock.flowing], [T0, true, false]);
  const reg = await control.register({ deviceId: 'dev-1' });
  const m = await send(reg.regId, { off_line_ttl: 60 });
  const advanced = await control.advanceClock('2m');
  assert.equal(advanced.now, T0 + 120_000);
  assert.ok(advanced.fired! >= 1);
  assert.equal((await control.message(m.body.data.messageId)).targets[0]!.state, 'expired');
  assert.equal((await control.setClock('2026-02-01T00:00:00.000Z')).now, Date.UTC(2026, 1, 1));
  assert.equal((await control.setClock(T0)).now, T0);
  await assert.rejects(control.advanceClock('soon'), (e: MockOppoControlError) => e.status === 400);
  await control.reset();
  assert.equal((await control.messages()).length, 0);
  assert.equal((await control.registrations()).length, 0);
  assert.equal((await control.journal()).length, 0);
});

test('clock control needs a virtual clock', async (t) => {
  const mock = createMockOppo({ clock: new SystemClock() });
  const server = await mock.listen();
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  assert.equal((await control.clock()).virtual, false);
  await assert.rejects(control.advanceClock('1s'), (e: MockOppoControlError) => e.status === 409);
});

test('faults: presets over the control API, scoped, for N calls or a time span; latency waits for the frozen clock', async (t) => {
  const { control, send, clock, server, token } = await start(t);
  const reg = await control.register({ deviceId: 'dev-1' });
  const f = await control.addFault({ preset: 'service_unavailable', endpoint: 'unicast', times: 2 });
  assert.equal(f.code, CODES.SERVICE_UNAVAILABLE);
  assert.equal((await send(reg.regId)).body.code, CODES.SERVICE_UNAVAILABLE);
  assert.equal((await send(reg.regId)).body.code, CODES.SERVICE_UNAVAILABLE);
  assert.equal((await send(reg.regId)).body.code, 0);
  await control.addFault({ preset: 'flow_control', for: '1m' });
  assert.equal((await send(reg.regId)).body.code, CODES.FLOW_CONTROL);
  clock.advance('61s');
  assert.equal((await send(reg.regId)).body.code, 0);
  const scoped = await control.addFault({ preset: 'app_call_limited', appId: 'someone-else' });
  assert.equal((await send(reg.regId)).body.code, 0, 'scoped to another app');
  assert.equal((await control.faults()).length, 1);
  await control.deleteFault(scoped.id);
  assert.equal((await control.faults()).length, 0);
  await assert.rejects(control.deleteFault('nope'), (e: MockOppoControlError) => e.status === 404);
  await assert.rejects(control.addFault({ preset: 'meteor' } as never), (e: MockOppoControlError) => e.status === 400);

  await control.addFault({ preset: 'latency', delayMs: 5000, times: 1 });
  let settled = false;
  const pending = send(reg.regId).then((r) => { settled = true; return r; });
  // The reply is held on the frozen clock (a pending clock timer) until the clock passes the delay.
  const timersBefore = clock.pendingTimers();
  while (clock.pendingTimers() === timersBefore) await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  await control.advanceClock('5s');
  assert.equal((await pending).body.code, 0);
  assert.ok(token && server.url);
});

test('control API errors: unknown route 404, wrong method 405, bad JSON 400', async (t) => {
  const { server } = await start(t);
  const get = (path: string, init?: RequestInit) => fetch(`${server.url}/_mock/v1${path}`, init).then(async (r) => ({ status: r.status, body: await r.json() }));
  assert.equal((await get('/nothing')).status, 404);
  assert.equal((await get('/apps', { method: 'DELETE' })).status, 405);
  assert.equal((await get('/faults', { method: 'POST', body: '{oops', headers: { 'content-type': 'application/json' } })).status, 400);
  assert.equal((await get('/registrations/%E0%A4%A')).status, 400);
  assert.equal((await get('/settings')).body.flowControlCode, -2);
});
