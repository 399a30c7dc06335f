/** The rules in-process (no HTTP, no WebSocket): delivery, TTLs, windows, quotas, limits, receipts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MockToPhone } from '../../mock-oppo/device-link/protocol.ts';
import { CODES, OppoError, VirtualClock, createMockOppo, type DeviceSink, type MockOppo } from '../../mock-oppo/index.ts';
import type { UnicastInput } from '../../mock-oppo/core/records.ts';
import { dailyPublicQuota, nextDayStart, perDeviceDailyPublic, qpsLimit } from '../../mock-oppo/core/quota.ts';
import { isWellFormedRegId, regionOfRegId } from '../../mock-oppo/core/region.ts';
import { normalizeApp } from '../../mock-oppo/core/apps.ts';
import { readNotification, jsonFields } from '../../mock-oppo/wire/notification.ts';
import { DEFAULT_SETTINGS } from '../../mock-oppo/core/settings.ts';
import { authSign } from '../../mock-oppo/core/sign.ts';
import { DEMO, T0, TEST_APP, makeLab, type Lab } from './helpers.ts';

/** A phone's connection without a socket: collects frames. */
function fakeSink(): DeviceSink & { frames: MockToPhone[]; closed: string[] } {
  const frames: MockToPhone[] = [];
  const closed: string[] = [];
  return { frames, closed, send: (f) => void frames.push(f), close: (r) => void closed.push(r) };
}

function spec(notification: Record<string, unknown> = {}, settings = DEFAULT_SETTINGS) {
  return readNotification(jsonFields({ title: 'T', content: 'C', ...notification }), { broadcast: false, settings });
}

function input(regId: string, notification: Record<string, unknown> = {}): UnicastInput {
  return { targetType: 2, targetValue: regId, spec: spec(notification), verifyRegistrationId: false };
}

function setup(lab: Lab = makeLab()) {
  const p = lab.mock.platform;
  const app = p.appById(DEMO.appId)!;
  const reg = p.registerFor(app, 'phone-1', 'CN');
  return { ...lab, p, app, reg };
}

function states(mock: MockOppo, messageId: string): string[] {
  return mock.platform.findMessage(messageId)!.targets[0]!.history.map((h) => [h.state, h.reason, h.detail].filter(Boolean).join(':'));
}

const PRIVATE = { channel_id: 'tuikit' };

test('a connected phone gets the message at once; its ack makes it acked and sends push_arrive', async () => {
  const { mock, p, app, reg, receipts } = setup();
  const sink = fakeSink();
  p.connectDevice('phone-1', 'CN', sink);
  const m = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, call_back_url: 'http://rx.test/r', call_back_parameter: 'p1', action_parameters: '{"k":"v","n":1}' }));
  const frame = sink.frames[0];
  assert.equal(frame?.op, 'notification');
  if (frame?.op !== 'notification') return;
  assert.deepEqual(frame.notification.actionParameters, { k: 'v', n: '1' });
  assert.equal(frame.registrationId, reg.regId);
  assert.ok(p.ack('phone-1', m.messageId, reg.regId, false, 'channel_missing'));
  assert.deepEqual(states(mock, m.messageId), ['accepted', 'delivered', 'acked:channel_missing']);
  await p.receipts.settled();
  assert.equal(receipts.length, 1);
  assert.deepEqual(receipts[0], {
    url: 'http://rx.test/r',
    body: [{ messageId: m.messageId, appId: DEMO.appId, taskId: m.messageId, registrationIds: reg.regId, eventTime: String(T0), param: 'p1', eventType: 'push_arrive' }],
  });
  assert.equal(p.ack('phone-1', m.messageId, reg.regId, true), false, 'a second ack finds nothing to ack');
});

test('an offline phone gets queued messages on reconnect within off_line_ttl; older ones expire', () => {
  const { mock, clock, p, app, reg } = setup();
  const short = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, off_line_ttl: 60 }));
  const long = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, off_line_ttl: 3600 }));
  assert.deepEqual(states(mock, short.messageId), ['accepted', 'queued:device_offline']);
  clock.advance('61s');
  assert.deepEqual(states(mock, short.messageId), ['accepted', 'queued:device_offline', 'expired:off_line_ttl']);
  const sink = fakeSink();
  p.connectDevice('phone-1', 'CN', sink);
  assert.deepEqual(sink.frames.map((f) => f.op === 'notification' && f.messageId), [long.messageId]);
  assert.equal(mock.platform.findMessage(long.messageId)!.targets[0]!.state, 'delivered');
});

test('off_line false: an offline phone never gets it; off_line_ttl above 10 days is clamped (or refused by setting)', () => {
  const { mock, p, app, reg } = setup();
  const m = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, off_line: false }));
  assert.deepEqual(states(mock, m.messageId), ['accepted', 'dropped:device_offline_and_off_line_false']);
  assert.equal(spec({ off_line_ttl: 2_000_000 }).offLineTtl, 864_000);
  assert.throws(() => spec({ off_line_ttl: 2_000_000 }, { ...DEFAULT_SETTINGS, offlineTtlOverMax: 'reject' }), (e: OppoError) => e.code === CODES.INVALID_ARGUMENTS);
});

test('show_time windows: held until the window opens, expired when it has passed', () => {
  const { mock, clock, p, app, reg } = setup();
  const sink = fakeSink();
  p.connectDevice('phone-1', 'CN', sink);
  const later = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, show_time_type: 1, show_start_time: T0 + 600_000, show_end_time: T0 + 1_200_000 }));
  assert.equal(sink.frames.length, 0);
  assert.deepEqual(states(mock, later.messageId), ['accepted', 'queued:waiting_show_window']);
  clock.advance('10m');
  assert.equal(sink.frames.length, 1);
  assert.equal(mock.platform.findMessage(later.messageId)!.targets[0]!.state, 'delivered');
  const past = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, show_time_type: 1, show_start_time: T0 - 20_000, show_end_time: T0 - 10_000 }));
  assert.deepEqual(states(mock, past.messageId), ['accepted', 'expired:show_window_passed']);
});

test('notify_id: a newer queued message replaces an older one with the same id', () => {
  const { mock, p, app, reg } = setup();
  const first = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, notify_id: 42 }));
  const second = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, notify_id: 42 }));
  const other = p.unicast(app, 'CN', input(reg.regId, PRIVATE));
  assert.deepEqual(states(mock, first.messageId).at(-1), `dropped:replaced:${second.messageId}`);
  const sink = fakeSink();
  p.connectDevice('phone-1', 'CN', sink);
  assert.deepEqual(sink.frames.map((f) => f.op === 'notification' && f.messageId), [second.messageId, other.messageId]);
  assert.notEqual((sink.frames[1] as any).notification.notifyId, 42, 'the platform generates a notify_id when none is given');
});

test('public messages: 2 per device per day for other apps (user_daily_limit receipt), reset at GMT+8 midnight; private unlimited', async () => {
  const { mock, clock, p, app, reg, receipts } = setup();
  const pub = { channel_id: 'marketing', call_back_url: 'http://rx.test/r' };
  const ids = [1, 2, 3].map(() => p.unicast(app, 'CN', input(reg.regId, pub)).messageId);
  assert.deepEqual(ids.map((id) => mock.platform.findMessage(id)!.targets[0]!.state), ['queued', 'queued', 'dropped']);
  assert.equal(mock.platform.findMessage(ids[2]!)!.targets[0]!.reason, 'user_daily_limit');
  for (let i = 0; i < 5; i++) assert.equal(p.unicast(app, 'CN', input(reg.regId, PRIVATE)).targets[0]!.state, 'queued');
  await p.receipts.settled();
  assert.deepEqual(receipts.flatMap((r) => r.body.map((b) => b.eventType)), ['user_daily_limit']);
  clock.set(nextDayStart(clock.now()));
  assert.equal(p.unicast(app, 'CN', input(reg.regId, pub)).targets[0]!.state, 'queued');
  assert.equal(perDeviceDailyPublic(normalizeApp({ ...DEMO, appCategory: 'news' })), 5);
});

test('quota and QPS numbers follow the documented tiers', () => {
  const app = (extra: object) => normalizeApp({ ...DEMO, ...extra });
  assert.equal(dailyPublicQuota(app({ cumulativeUsers: 49_999 })), 100_000);
  assert.equal(dailyPublicQuota(app({ cumulativeUsers: 80_000 })), 160_000);
  assert.equal(dailyPublicQuota(app({ permission: 'test' })), 1000);
  assert.deepEqual([1, 10_000_000, 50_000_000, 100_000_000].map((u) => qpsLimit(app({ cumulativeUsers: u }), 1)), [5000, 10_000, 20_000, 30_000]);
  assert.equal(nextDayStart(Date.UTC(2026, 0, 1, 15, 59)), Date.UTC(2026, 0, 1, 16, 0), 'midnight GMT+8 is 16:00 UTC');
});

test('QPS flow control counts targets per second per app (code by setting)', () => {
  for (const flowControlCode of [-2, 13, 55] as const) {
    const { clock, p, app, reg } = setup(makeLab({ qpsFactor: 0.001, flowControlCode }));
    for (let i = 0; i < 5; i++) p.unicast(app, 'CN', input(reg.regId, PRIVATE));
    assert.throws(() => p.unicast(app, 'CN', input(reg.regId, PRIVATE)), (e: OppoError) => e.code === flowControlCode);
    clock.advance('1s');
    const saved = p.saveMessageContent(app, 'CN', spec(PRIVATE));
    const regs = [1, 2, 3, 4, 5, 6].map((i) => p.registerFor(app, `bulk-${i}`, 'CN').regId);
    assert.throws(() => p.broadcast(app, 'CN', saved.messageId, 2, regs.join(';')), (e: OppoError) => e.code === flowControlCode, 'a 6-target broadcast is 6 targets');
    assert.ok(p.broadcast(app, 'CN', saved.messageId, 2, regs.slice(0, 5).join(';')).taskId);
  }
});

test('app_message_id duplicates: the first id again, or 32 by setting', () => {
  const { p, app, reg } = setup(makeLab({ duplicateAppMessageId: 'reject' }));
  p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, app_message_id: 'a1' }));
  assert.throws(() => p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, app_message_id: 'a1' })), (e: OppoError) => e.code === CODES.DATA_DUPLICATE);
  p.saveMessageContent(app, 'CN', spec({ app_message_id: 's1' }));
  assert.throws(() => p.saveMessageContent(app, 'CN', spec({ app_message_id: 's1' })), (e: OppoError) => e.code === CODES.DATA_DUPLICATE);
});

test('tokens live 24 h; the timestamp window is ±10 min', () => {
  const { clock, p } = setup();
  const { authToken } = p.authenticate('CN', DEMO.appKey, String(T0 + 600_000), authSign(DEMO.appKey, T0 + 600_000, DEMO.masterSecret));
  clock.advance(86_400_000 - 1);
  assert.equal(p.appForToken('CN', authToken).appId, DEMO.appId);
  clock.advance(1);
  assert.throws(() => p.appForToken('CN', authToken), (e: OppoError) => e.code === CODES.INVALID_AUTH_TOKEN);
  assert.throws(() => p.appForToken('CN', undefined), (e: OppoError) => e.code === CODES.MISSING_AUTH_TOKEN);
});

test('registration: codes for bad credentials, one regId per device and package, new one after unregister', () => {
  const { p } = setup();
  const code = (fn: () => unknown) => { try { fn(); return 0; } catch (e) { return (e as OppoError).code; } };
  assert.equal(code(() => p.register('d', 'CN', 'nokey', DEMO.appSecret, DEMO.packageName!)), CODES.INVALID_APP_KEY);
  assert.equal(code(() => p.register('d', 'CN', DEMO.appKey, 'wrong', DEMO.packageName!)), CODES.INVALID_SIGNATURE);
  assert.equal(code(() => p.register('d', 'CN', DEMO.appKey, DEMO.appSecret, 'com.other')), CODES.INVALID_ARGUMENTS);
  const a = p.register('d', 'CN', DEMO.appKey, DEMO.appSecret, DEMO.packageName!);
  assert.match(a.regId, /^CN_[0-9a-f]{32}$/);
  assert.equal(p.register('d', 'CN', DEMO.appKey, DEMO.appSecret, DEMO.packageName!).regId, a.regId);
  p.unregisterPackage('d', DEMO.packageName!, 'unregistered');
  const b = p.register('d', 'CN', DEMO.appKey, DEMO.appSecret, DEMO.packageName!);
  assert.notEqual(b.regId, a.regId);
  assert.match(p.register('i', 'INTL', DEMO.appKey, DEMO.appSecret, DEMO.packageName!).regId, /^INTL_[0-9a-f]{32}$/);
  const app = p.appById(DEMO.appId)!;
  assert.throws(() => p.unicast(app, 'CN', input(a.regId, PRIVATE)), (e: OppoError) => e.code === CODES.REGID_UNSUBSCRIBED);
  assert.deepEqual(p.fetchInvalidRegIds(app), [a.regId]);
  assert.deepEqual(p.fetchInvalidRegIds(app), [], 'feedbackClearsOnFetch');
});

test('uninstall drops queued messages with regid_invalid receipts', async () => {
  const { mock, p, app, reg, receipts } = setup();
  const m = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, call_back_url: 'http://rx.test/r' }));
  p.unregisterPackage('phone-1', reg.packageName, 'uninstalled');
  assert.deepEqual(states(mock, m.messageId).at(-1), 'dropped:regid_invalid');
  await p.receipts.settled();
  assert.equal(receipts[0]?.body[0]?.eventType, 'regid_invalid');
});

test('receipt faults: lost receipts are logged, delayed ones go out when the clock reaches them', async () => {
  const { clock, p, app, reg, receipts } = setup();
  const sink = fakeSink();
  p.connectDevice('phone-1', 'CN', sink);
  p.faults.add({ preset: 'receipt_lost', regId: reg.regId, times: 1 });
  p.faults.add({ preset: 'receipt_delayed', appId: DEMO.appId, delayMs: 5000, times: 1 });
  const a = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, call_back_url: 'http://rx.test/r' }));
  const b = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, call_back_url: 'http://rx.test/r' }));
  p.ack('phone-1', a.messageId, reg.regId, true);
  p.ack('phone-1', b.messageId, reg.regId, true);
  await p.receipts.settled();
  assert.deepEqual(p.receipts.list().map((r) => r.status), ['lost', 'delayed']);
  assert.equal(receipts.length, 0);
  clock.advance('5s');
  await p.receipts.settled();
  assert.deepEqual(p.receipts.list().map((r) => r.status), ['lost', 'sent']);
  assert.equal(receipts[0]?.body[0]?.messageId, b.messageId);
});

test('a reset cancels receipts that a receipt_delayed fault is holding back', async () => {
  const { clock, mock, p, app, reg, receipts } = setup();
  p.connectDevice('phone-1', 'CN', fakeSink());
  p.faults.add({ preset: 'receipt_delayed', appId: DEMO.appId, delayMs: 5000, times: 1 });
  const m = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, call_back_url: 'http://rx.test/r' }));
  p.ack('phone-1', m.messageId, reg.regId, true);
  await p.receipts.settled();
  assert.deepEqual(p.receipts.list().map((r) => r.status), ['delayed']);
  mock.reset();
  clock.advance('10s');
  await p.receipts.settled();
  assert.equal(receipts.length, 0, 'nothing from before the reset is posted after it');
  assert.deepEqual(p.receipts.list(), []);
});

test('receipts for the same URL in one turn are batched into one POST', async () => {
  const { p, app, receipts } = setup();
  const sink = fakeSink();
  p.connectDevice('phone-2', 'CN', sink);
  const regs = [p.registerFor(app, 'phone-2', 'CN', 'pkg.a'), p.registerFor(app, 'phone-2', 'CN', 'pkg.b')];
  const ms = regs.map((r) => p.unicast(app, 'CN', input(r.regId, { ...PRIVATE, call_back_url: 'http://rx.test/r' })));
  ms.forEach((m, i) => p.ack('phone-2', m.messageId, regs[i]!.regId, true));
  await p.receipts.settled();
  assert.equal(receipts.length, 1);
  assert.equal(receipts[0]!.body.length, 2);
});

test('aliases: the latest binding wins on both sides; tag expressions select (or ∩ and) − not', () => {
  const { p, app } = setup();
  const [a, b, c] = ['x', 'y', 'z'].map((d) => p.registerFor(app, d, 'CN'));
  p.setAlias(app, a!.regId, 'u1');
  p.setAlias(app, b!.regId, 'u1');
  assert.equal(p.registration(a!.regId)!.alias, undefined);
  assert.equal(p.unicast(app, 'CN', { ...input('u1', PRIVATE), targetType: 5 }).targets[0]!.registrationId, b!.regId);
  p.addTags(app, ['t1', 't2', 't3'], '');
  p.subscribeTags(app, a!.regId, ['t1', 't2'], true);
  p.subscribeTags(app, b!.regId, ['t1'], true);
  p.subscribeTags(app, c!.regId, ['t1', 't2', 't3'], true);
  const saved = p.saveMessageContent(app, 'CN', spec(PRIVATE));
  p.broadcast(app, 'CN', saved.messageId, 6, JSON.stringify({ or: ['t1'], and: ['t2'], not: ['t3'] }));
  const task = p.listMessages({ messageId: saved.messageId })[0]!;
  assert.deepEqual(task.targets.map((t) => t.registrationId), [a!.regId]);
});

test('private classification needs an approved app and a private channel (67 otherwise)', () => {
  const { p } = setup();
  const app = p.appById(DEMO.appId)!;
  assert.equal(p.classify(app, spec(PRIVATE)), 'private');
  assert.equal(p.classify(app, spec({ channel_id: 'tuikit', category: 'MARKETING' })), 'public');
  assert.equal(p.classify(app, spec({ channel_id: 'unknown' })), 'public');
  const testApp = p.appById(TEST_APP.appId)!;
  assert.throws(() => p.classify(testApp, spec({ category: 'IM' })), (e: OppoError) => e.code === CODES.CATEGORY_ERROR);
});

test('regId formats and regions follow the documented rules', () => {
  const hex = '078ad8b8a137cadb14ae5b70cf846312';
  assert.ok(isWellFormedRegId(`CN_${hex}`) && isWellFormedRegId(`OPPO_CN_${hex}`) && isWellFormedRegId(hex) && isWellFormedRegId('a'.repeat(24)));
  assert.ok(!isWellFormedRegId('CN_xyz') && !isWellFormedRegId('') && !isWellFormedRegId(`_${hex}`));
  assert.deepEqual([hex, `CN_${hex}`, `OPPO_CN_${hex}`, `EU_${hex}`, `OPPO_SG_${hex}`].map(regionOfRegId), ['CN', 'CN', 'CN', 'INTL', 'INTL']);
});

test('message retention keeps the newest messages only', () => {
  const { p, app, reg } = setup(makeLab({ messageRetention: 3 }));
  const ids = [1, 2, 3, 4, 5].map(() => p.unicast(app, 'CN', input(reg.regId, PRIVATE)).messageId);
  assert.deepEqual(p.listMessages().map((m) => m.messageId), ids.slice(2));
  const sink = fakeSink();
  p.connectDevice('phone-1', 'CN', sink);
  assert.equal(sink.frames.length, 3, 'forgotten messages are not delivered');
});

test('reset returns to the initial apps and clears state; a second connection replaces the first', () => {
  const { p, app, reg } = setup();
  p.addApp({ appId: '1', appKey: 'k', appSecret: 's', masterSecret: 'm' });
  const first = fakeSink();
  const second = fakeSink();
  p.connectDevice('phone-1', 'CN', first);
  p.connectDevice('phone-1', 'CN', second);
  assert.equal(first.closed.length, 1);
  p.unicast(app, 'CN', input(reg.regId, PRIVATE));
  assert.equal(second.frames.length, 1);
  p.reset();
  assert.deepEqual(p.listApps().map((a) => a.appId), [DEMO.appId, TEST_APP.appId]);
  assert.equal(p.listMessages().length, 0);
  assert.equal(p.listRegistrations().length, 0);
  assert.equal(second.closed.length, 1);
});

test("'target' events report every state change (for traces)", () => {
  const { p, app, reg } = setup();
  const seen: string[] = [];
  p.on('target', (e: { state: string; reason?: string; registrationId?: string }) => seen.push(`${e.registrationId === reg.regId}:${e.state}:${e.reason ?? ''}`));
  p.unicast(app, 'CN', input(reg.regId, PRIVATE));
  p.connectDevice('phone-1', 'CN', fakeSink());
  assert.deepEqual(seen, ['false:accepted:', 'true:queued:device_offline', 'true:delivered:']);
});

test('a show window that opens after off_line_ttl ends expires the message when the TTL runs out', () => {
  const { mock, clock, p, app, reg } = setup();
  const m = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, off_line_ttl: 60, show_time_type: 1, show_start_time: T0 + 3_600_000, show_end_time: T0 + 7_200_000 }));
  clock.advance('61s');
  assert.deepEqual(states(mock, m.messageId), ['accepted', 'queued:waiting_show_window', 'expired:off_line_ttl']);
});

test('a receipt sender that throws is a failed receipt, not a crash', async () => {
  const mock = createMockOppo({
    clock: new VirtualClock({ start: T0 }),
    receiptSender: () => {
      throw new Error('boom');
    },
  });
  const { p, app, reg } = setup({ mock, clock: mock.clock as VirtualClock, receipts: [] });
  p.connectDevice('phone-1', 'CN', fakeSink());
  const m = p.unicast(app, 'CN', input(reg.regId, { ...PRIVATE, call_back_url: 'http://rx.test/r' }));
  p.ack('phone-1', m.messageId, reg.regId, true);
  await p.receipts.settled();
  assert.deepEqual(p.receipts.list().map((r) => [r.status, r.error]), [['failed', 'boom']]);
});
