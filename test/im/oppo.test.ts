/** The IM server's OPPO calls against the real mock-oppo: request contents, faults, retries, no duplicate push. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createMockOppo, demoApp, DeviceLinkClient, type NotificationFrame } from '../../mock-oppo/index.ts';
import { createImServer, genUserSig, ImClientLink, type ImServer, type ImSettings } from '../../harness/im/index.ts';
import { CERT_ID, IM_APP, START, kill, text } from './helpers.ts';

const APP = demoApp();

/** mock-oppo + IM on one frozen clock; bob's phone registered with OPPO, logged in to IM, then killed. */
async function chain(t: TestContext, opts: { settings?: Partial<ImSettings>; fetch?: (real: typeof fetch) => typeof fetch } = {}) {
  const clock = new VirtualClock({ start: START });
  const mock = createMockOppo({ clock });
  const oppo = await mock.listen({ port: 0 });
  const im: ImServer = createImServer({
    clock,
    app: IM_APP,
    oppoBaseUrl: oppo.url,
    settings: { oppoRetryDelays: ['1ms', '1ms', '1ms'], ...opts.settings },
    ...(opts.fetch ? { fetch: opts.fetch(globalThis.fetch) } : {}),
  });
  const imListening = await im.listen({ port: 0 });
  const phone = await DeviceLinkClient.connect(oppo.url, { deviceId: 'bob-phone' });
  const link = await ImClientLink.connect(imListening.url);
  t.after(async () => {
    await link.close();
    await phone.close();
    await imListening.close();
    await oppo.close();
    clock.dispose();
  });
  const regId = await phone.register({ appKey: APP.appKey, appSecret: APP.appSecret, packageName: APP.packageName! });
  const shown: NotificationFrame[] = [];
  phone.on('notification', (f: NotificationFrame) => shown.push(f));
  await link.login({ userId: 'bob', userSig: genUserSig({ sdkAppId: IM_APP.sdkAppId, secretKey: IM_APP.secretKey, userId: 'bob', now: clock.now() }), deviceId: 'bob-phone' });
  await link.setOfflinePushConfig(CERT_ID, regId);
  await kill(im, link, 'bob');
  const send = async (body: Record<string, unknown>) => {
    const sig = genUserSig({ sdkAppId: IM_APP.sdkAppId, secretKey: IM_APP.secretKey, userId: IM_APP.admin, now: clock.now() });
    const q = new URLSearchParams({ sdkappid: String(IM_APP.sdkAppId), identifier: IM_APP.admin, usersig: sig, random: '7', contenttype: 'json' });
    const res = await fetch(`${imListening.url}/v4/openim/sendmsg?${q}`, { method: 'POST', body: JSON.stringify({ To_Account: 'bob', From_Account: 'alice', MsgRandom: 42, ...body }) });
    const reply = (await res.json()) as { ErrorCode: number; MsgKey: string };
    assert.equal(reply.ErrorCode, 0);
    await phone.sync();
    return { ...reply, trace: im.traces.byMsgKey(reply.MsgKey)[0]! };
  };
  return { clock, mock, im, url: imListening.url, phone, regId, shown, send };
}

test('a vendor push reaches the phone: title, content, Ext as extras, channel, click action, app_message_id', async (t) => {
  const c = await chain(t);
  const { MsgKey, trace } = await c.send({
    MsgBody: text('See you at 8'),
    OfflinePushInfo: { Ext: '{"conv":"c2c_alice","entity":{"id":7}}', AndroidInfo: { OPPOChannelID: 'marketing', Sound: 'ring.mp3' } },
  });
  assert.equal(trace.oppo?.outcome, 'accepted');
  assert.equal(c.shown.length, 1);
  const { notification, messageId } = c.shown[0]!;
  assert.equal(messageId, trace.oppo!.messageId);
  assert.equal(notification.title, 'Alice', "no Title: the sender's Nick");
  assert.equal(notification.content, 'See you at 8');
  assert.deepEqual(notification.actionParameters, { conv: 'c2c_alice', entity: '{"id":7}' });
  assert.equal(notification.channelId, 'marketing', 'OPPOChannelID overrides the certificate channel');
  assert.equal(notification.clickActionType, 0);
  assert.equal((trace.oppo!.request.notification as Record<string, unknown>).app_message_id, MsgKey);
  assert.deepEqual(trace.ignored, ['AndroidInfo.Sound ignored: OPPO does not support custom sounds']);
  // Secrets never appear in the trace.
  const dump = JSON.stringify(trace);
  assert.ok(!dump.includes(APP.masterSecret));
  const auth = trace.oppo!.attempts.find((a) => a.call === 'auth')!;
  assert.match(auth.form.sign!, /^\w{4}\*+$/);
  assert.match((auth.response as { data: { auth_token: string } }).data.auth_token, /^\w{4}\*+$/, "the auth answer's token is masked too");
  const unicast = trace.oppo!.attempts.find((a) => a.call === 'unicast')!;
  assert.match(unicast.form.auth_token!, /^\w{4}\*+$/);
  assert.equal(unicast.form.message, undefined);
});

test('title falls back to From_Account without a Nick; non-object Ext is dropped (the push still goes); over-long texts are cut', async (t) => {
  const c = await chain(t);
  c.im.accounts.import('zed');
  const { trace } = await c.send({ From_Account: 'zed', MsgBody: text('yo'), OfflinePushInfo: { Ext: 'plain text' } });
  assert.equal(c.shown[0]!.notification.title, 'zed');
  assert.deepEqual(c.shown[0]!.notification.actionParameters, {});
  assert.equal(c.shown[0]!.notification.channelId, 'tuikit', "the certificate's channel");
  assert.deepEqual(trace.ignored, ['Ext dropped: not a JSON object (OPPO takes only a JSON object as action_parameters)']);
  const titled = await c.send({ MsgBody: text('yo'), OfflinePushInfo: { Title: 'Team chat', Desc: 'New message' } });
  assert.equal(titled.trace.oppo?.outcome, 'accepted');
  assert.deepEqual([c.shown[1]!.notification.title, c.shown[1]!.notification.content], ['Team chat', 'New message']);
  const long = await c.send({ MsgBody: text('x'.repeat(250)), OfflinePushInfo: { Title: '标'.repeat(60) } });
  assert.equal(long.trace.oppo?.outcome, 'accepted');
  assert.deepEqual([[...c.shown[2]!.notification.title].length, c.shown[2]!.notification.content.length], [50, 200]);
  assert.deepEqual(long.trace.ignored, ['title shortened from 60 to 50 characters (OPPO limit)', 'content shortened from 250 to 200 characters (OPPO limit)']);
});

test('click actions from the certificate map to click_action_type and its field', async (t) => {
  const c = await chain(t, { settings: { certificateActivationDelay: 0 } });
  const cases = [
    [{ type: 'open_activity', activity: 'com.tencent.qcloud.tim.demo.main.MainActivity' }, 4, { clickActionActivity: 'com.tencent.qcloud.tim.demo.main.MainActivity' }],
    [{ type: 'intent_action', action: 'com.tencent.qcloud.tim.demo.OPEN_CHAT' }, 1, { clickActionActivity: 'com.tencent.qcloud.tim.demo.OPEN_CHAT' }],
    [{ type: 'open_url', url: 'https://example.com/chat' }, 2, { clickActionUrl: 'https://example.com/chat' }],
  ] as const;
  for (const [clickAction, type, field] of cases) {
    c.im.certificates.edit(CERT_ID, { clickAction });
    await c.send({ MsgBody: text(clickAction.type) });
    const n = c.shown.at(-1)!.notification;
    assert.equal(n.clickActionType, type);
    for (const [k, v] of Object.entries(field)) assert.equal(n[k as keyof typeof n], v);
  }
});

test('flow control (-2) and HTTP 5xx are retried, boundedly; the phone shows the message once', async (t) => {
  const c = await chain(t);
  c.mock.faults.add({ preset: 'flow_control', endpoint: 'unicast', times: 2 });
  const first = await c.send({ MsgBody: text('one') });
  assert.equal(first.trace.oppo?.outcome, 'accepted');
  assert.deepEqual(first.trace.oppo!.attempts.map((a) => `${a.call}:${(a.response as { code?: number })?.code}`), ['auth:0', 'unicast:-2', 'unicast:-2', 'unicast:0']);
  c.mock.faults.add({ preset: 'http_5xx', endpoint: 'unicast', times: 1 });
  const second = await c.send({ MsgBody: text('two') });
  assert.deepEqual(second.trace.oppo!.attempts.map((a) => a.httpStatus), [503, 200], 'the cached token is reused');
  c.mock.faults.add({ preset: 'service_unavailable', endpoint: 'unicast' });
  const third = await c.send({ MsgBody: text('three') });
  assert.equal(third.trace.oppo?.outcome, 'gave_up');
  assert.equal(third.trace.oppo!.attempts.length, 4, 'one call + 3 retries (oppoRetryDelays)');
  assert.equal(third.trace.oppo!.code, -1);
  assert.deepEqual(c.shown.map((f) => f.notification.content), ['one', 'two']);
});

test('code 11 refreshes the token once; a second 11 is final', async (t) => {
  const c = await chain(t);
  await c.send({ MsgBody: text('warm the token') });
  c.mock.faults.add({ preset: 'invalid_auth', endpoint: 'unicast', times: 1 });
  const refreshed = await c.send({ MsgBody: text('after refresh') });
  assert.deepEqual(refreshed.trace.oppo!.attempts.map((a) => `${a.call}:${(a.response as { code?: number }).code}`), ['unicast:11', 'auth:0', 'unicast:0']);
  c.mock.faults.add({ preset: 'invalid_auth', endpoint: 'unicast' });
  const rejected = await c.send({ MsgBody: text('never') });
  assert.equal(rejected.trace.oppo?.outcome, 'rejected');
  assert.equal(rejected.trace.oppo!.code, 11);
  assert.deepEqual(rejected.trace.oppo!.attempts.map((a) => a.call), ['unicast', 'auth', 'unicast']);
  assert.deepEqual(c.shown.map((f) => f.notification.content), ['warm the token', 'after refresh']);
});

test('business codes are never retried (quota 33, invalid regId 10000)', async (t) => {
  const c = await chain(t);
  c.mock.faults.add({ preset: 'quota_exhausted', endpoint: 'unicast', times: 1 });
  const quota = await c.send({ MsgBody: text('a') });
  assert.deepEqual([quota.trace.oppo?.outcome, quota.trace.oppo?.code, quota.trace.oppo?.attempts.filter((a) => a.call === 'unicast').length], ['rejected', 33, 1]);
  c.mock.faults.add({ preset: 'invalid_regid', regId: c.regId, times: 1 });
  const bad = await c.send({ MsgBody: text('b') });
  assert.deepEqual([bad.trace.oppo?.outcome, bad.trace.oppo?.code, bad.trace.oppo?.attempts.length], ['rejected', 10000, 1]);
  assert.equal(c.shown.length, 0);
});

test('an answer lost after OPPO accepted: the retry carries the same app_message_id, the phone shows it once', async (t) => {
  let lost = 0;
  const c = await chain(t, {
    fetch: (real) => (async (input, init) => {
      const res = await real(input, init);
      if (String(input).endsWith('/unicast') && lost++ === 0) throw new TypeError('fetch failed: socket hang up');
      return res;
    }) as typeof fetch,
  });
  const { trace } = await c.send({ MsgBody: text('exactly once') });
  assert.equal(trace.oppo?.outcome, 'accepted');
  assert.deepEqual(trace.oppo!.attempts.map((a) => a.call), ['auth', 'unicast', 'unicast']);
  assert.match(trace.oppo!.attempts[1]!.error!, /socket hang up/);
  assert.equal(c.shown.length, 1);
  assert.equal(c.shown[0]!.messageId, trace.oppo!.messageId);
});

test('network errors (connection dropped by OPPO) are retried', async (t) => {
  const c = await chain(t);
  c.mock.faults.add({ preset: 'drop_connection', endpoint: 'unicast', times: 1 });
  const { trace } = await c.send({ MsgBody: text('through') });
  assert.equal(trace.oppo?.outcome, 'accepted');
  assert.ok(trace.oppo!.attempts.some((a) => a.error), 'the dropped attempt is recorded');
  assert.equal(c.shown.length, 1);
});

test('a message to several killed apps goes to OPPO as one unicast_batch; each recipient gets its own messageId or its own error', async (t) => {
  const c = await chain(t);
  // carol: logged in and killed too, with a token OPPO has never issued.
  const carol = await ImClientLink.connect(c.url);
  t.after(() => carol.close());
  await carol.login({ userId: 'carol', userSig: genUserSig({ sdkAppId: IM_APP.sdkAppId, secretKey: IM_APP.secretKey, userId: 'carol', now: c.clock.now() }), deviceId: 'carol-phone' });
  await carol.setOfflinePushConfig(CERT_ID, 'CN_00000000000000000000000000000000');
  await kill(c.im, carol, 'carol');
  const traces = await c.im.send({ from: 'alice', to: ['bob', 'carol'], msgRandom: 9, body: text('to both'), onlineOnly: false, syncToSender: false });
  const [bob, carolTrace] = traces.traces;
  assert.deepEqual([bob!.oppo?.outcome, carolTrace!.oppo?.outcome], ['accepted', 'rejected']);
  assert.equal(typeof carolTrace!.oppo?.code, 'number');
  assert.notEqual(carolTrace!.oppo?.code, 0);
  assert.deepEqual(bob!.oppo!.attempts.map((a) => a.call), ['auth', 'unicast_batch']);
  assert.equal(bob!.oppo!.attempts, carolTrace!.oppo!.attempts, 'one call, shared by both exchanges');
  assert.equal(bob!.oppo!.attempts[1]!.form.messages, undefined, 'the messages are in each exchange request, not the attempt');
  assert.equal(c.shown.length, 1);
  assert.equal(c.shown[0]!.messageId, bob!.oppo!.messageId);
});
