/** Auditable at any volume: exact totals past retention, filters and pages on the lists, retention as a setting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { DeviceLinkClient, MockOppoControl, type NotificationFrame } from '../../mock-oppo/index.ts';
import { isReason } from '../../mock-oppo/core/reasons.ts';
import { DEMO, makeLab, postForm, tokenFor, unicastMessage } from './helpers.ts';

const UNICAST = '/server/v1/message/notification/unicast';

test('totals count every target ever accepted by state and reason, exactly, after the messages left retention', async (t) => {
  const { mock, clock } = makeLab({ messageRetention: 3 });
  const server = await mock.listen({ port: 0 });
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  const phone = await DeviceLinkClient.connect(server.url, { deviceId: 'online-phone' });
  t.after(() => phone.close());
  phone.on('notification', (f: NotificationFrame) => phone.ack(f.messageId, f.registrationId, { displayed: f.notification.title !== 'drop me' }));
  const online = await phone.register({ appKey: DEMO.appKey, appSecret: DEMO.appSecret, packageName: DEMO.packageName! });
  const offline = (await control.register({ appId: DEMO.appId, deviceId: 'offline-phone' })).regId;
  const token = tokenFor(mock);
  const send = (target: string, title = 'Hello', extra: Record<string, unknown> = {}) =>
    postForm(server.url, UNICAST, { auth_token: token, message: unicastMessage(target, { title, channel_id: 'tuikit', ...extra }) });
  for (let i = 0; i < 4; i++) assert.equal((await send(online)).body.code, 0);
  assert.equal((await send(online, 'drop me')).body.code, 0);
  for (let i = 0; i < 3; i++) assert.equal((await send(offline, 'later', { off_line_ttl: 60 })).body.code, 0);
  assert.notEqual((await send('CN_nosuchregid000000000000000000')).body.code, 0);
  await phone.sync();
  clock.advance('2m'); // the offline TTLs run out

  const totals = await control.totals();
  assert.equal(totals.accepted, 9);
  // Retention 3: the first offline message was forgotten while still queued (dropped, `evicted`).
  assert.deepEqual(totals.byState, { acked: 5, dropped: 1, expired: 2, rejected: 1 });
  assert.deepEqual(totals.byStateAndReason.acked, { displayed: 4, not_displayed: 1 });
  assert.deepEqual(totals.byStateAndReason.dropped, { evicted: 1 });
  assert.deepEqual(totals.byStateAndReason.expired, { off_line_ttl: 2 });
  assert.equal(Object.values(totals.byState).reduce((a, b) => a + b, 0), totals.accepted, 'each target is in exactly one state');
  for (const reasons of Object.values(totals.byStateAndReason)) {
    for (const reason of Object.keys(reasons)) assert.ok(reason === '' || isReason(reason), `${reason} is a name of the reason vocabulary`);
  }
  assert.deepEqual(totals.messages, { stored: 9, forgotten: 6 });
  assert.equal((await control.messages()).length, 3, 'retention 3: only the newest three are listed');
});

test('message and journal lists filter and page: the newest first page, offset walks back', async (t) => {
  const { mock, clock } = makeLab();
  const server = await mock.listen({ port: 0 });
  t.after(() => server.close());
  const control = new MockOppoControl(server.url);
  const regId = (await control.register({ appId: DEMO.appId, deviceId: 'p' })).regId;
  const token = tokenFor(mock);
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    clock.advance('1s');
    ids.push((await postForm(server.url, UNICAST, { auth_token: token, message: unicastMessage(regId, { channel_id: 'tuikit' }) })).body.data.messageId);
  }
  const pageIds = async (q: Record<string, number | string>) => (await control.messages(q as never)).map((m) => m.messageId);
  assert.deepEqual(await pageIds({ limit: 3 }), ids.slice(4));
  assert.deepEqual(await pageIds({ limit: 3, offset: 3 }), ids.slice(1, 4));
  assert.deepEqual(await pageIds({ limit: 3, offset: 6 }), ids.slice(0, 1));
  assert.deepEqual(await pageIds({ limit: 3, offset: 9 }), []);
  assert.deepEqual(await pageIds({ state: 'queued', reason: 'device_offline', limit: 2 }), ids.slice(5));
  assert.deepEqual(await pageIds({ reason: 'displayed' }), []);
  const t3 = (await control.message(ids[2]!)).createdAt;
  assert.deepEqual(await pageIds({ since: t3, until: t3 + 1000 }), ids.slice(2, 4));
  const journal = await control.journal({ endpoint: 'unicast', code: 0, limit: 2, offset: 1 });
  assert.deepEqual(journal.map((e) => e.endpoint), ['unicast', 'unicast']);
  for (const bad of ['offset=-1', 'limit=1.5', 'offset=abc', 'since=tomorrow', 'limit=1e3', 'reason=no_such_reason', 'state=lost']) {
    const res = await fetch(`${server.url}/_mock/v1/messages?${bad}`);
    assert.equal(res.status, 400, bad);
  }
});

test('retention is a setting, validated, and settable from the mock-oppo CLI', async () => {
  assert.throws(() => makeLab({ messageRetention: 0 }), /messageRetention must be a whole number/);
  assert.throws(() => makeLab({ messageRetention: 1.5 }), /messageRetention must be a whole number/);
  const bad = spawn(process.execPath, ['--import', 'tsx', 'mock-oppo/cli.ts', '--retention', 'lots'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  bad.stderr.on('data', (d: Buffer) => (stderr += d));
  const [code] = await once(bad, 'exit');
  assert.equal(code, 2);
  assert.match(stderr, /--retention takes a whole number of messages/);

  const cli = spawn(process.execPath, ['--import', 'tsx', 'mock-oppo/cli.ts', '--retention', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve) => {
      let out = '';
      cli.stdout.on('data', (d: Buffer) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
    });
    const settings = (await (await fetch(`${url}/_mock/v1/settings`)).json()) as { messageRetention: number };
    assert.equal(settings.messageRetention, 2);
  } finally {
    cli.kill('SIGTERM');
    await once(cli, 'exit');
  }
});
