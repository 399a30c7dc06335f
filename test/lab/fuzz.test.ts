/**
 * Bounded, seeded fuzz over every API and link of a running lab (issue 13: "never dies from a
 * request"): the IM REST API, the IM, lab and mock control APIs, the IM client link and the OPPO
 * device link, with targeted edge values (huge numbers, Infinity, negatives, non-integers, deep JSON,
 * long strings). Each request must get an answer in its documented envelope — REST: HTTP 200 with
 * ActionStatus/ErrorCode; control APIs: JSON, never 5xx; links: a later `sync` is still answered —
 * and the lab must keep serving (its clock readable, a phone still reachable) after each run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { DEVICE_LINK_PATH } from '../../mock-oppo/device-link/protocol.ts';
import { CLIENT_LINK_PATH } from '../../harness/im/client-link/protocol.ts';
import { genUserSig } from '../../harness/im/index.ts';
import type { Lab } from '../../harness/lab/lab.ts';
import { labWithLoggedInPhone } from './helpers.ts';
import { PHONE_ROUTES } from '../../harness/phone/http/routes.ts';

const SEED = 13;
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** A request that takes longer than this is a hang (a bound, never a wait). */
const HANG_MS = 30_000;

const deep = (n: number): unknown => (n === 0 ? 1 : { d: deep(n - 1) });
const edge = fc.constantFrom<unknown>(
  1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -1, 0, 0.5, 1e-300, 2 ** 31, 2 ** 53, -0,
  '1e308', 'Infinity', '-Infinity', 'NaN', '3650d', '99999999999d', '-5m', '1h30m', '', ' ', '0x10', '1e400',
  null, true, false, [], {}, [[[[[]]]]], deep(64), 'x'.repeat(70_000), '\u0000', '__proto__', 'constructor',
  'bob', 'alice', 'virtual-oppo-5554', 'com.tencent.qcloud.tim.demo', 7005,
);
const value: fc.Arbitrary<unknown> = fc.oneof(edge, fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 20 }), fc.double(), fc.integer());
const object = (keys: string[]) => fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value, { maxKeys: 6 });

async function labForFuzz(t: import('node:test').TestContext): Promise<Lab> {
  return (await labWithLoggedInPhone(t)).lab;
}

async function send(url: string, method: string, body?: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url, {
    method,
    signal: AbortSignal.timeout(HANG_MS),
    ...(body === undefined || method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body }),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The lab still serves: each service answers, the clock is a valid time, the phone answers. */
async function stillServing(lab: Lab): Promise<void> {
  assert.ok(Number.isFinite(lab.clock.now()));
  assert.equal((await send(`${lab.oppo.url}/_mock/v1/clock`, 'GET')).status, 200);
  assert.equal((await send(`${lab.url}/_lab/v1/clock`, 'GET')).status, 200);
  assert.equal((await send(`${lab.im.url}/_im/v1/settings`, 'GET')).status, 200);
  for (const phone of lab.farm.list()) await phone.deviceInfo();
}

function jsonBody(text: string, where: string): Record<string, any> {
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    assert.fail(`${where} answered non-JSON: ${text.slice(0, 200)}`);
  }
}

test('fuzz: the IM REST API always answers HTTP 200 with the ActionStatus/ErrorCode envelope', async (t) => {
  const lab = await labForFuzz(t);
  const im = lab.im.server.imApp;
  const commands = ['openim/sendmsg', 'openim/batchsendmsg', 'openim/query_online_status', 'openim/querystate', 'im_open_login_svc/account_import',
    'im_open_login_svc/multiaccount_import', 'im_open_login_svc/account_check', 'im_open_login_svc/kick', 'openim/nosuch', '', 'openim'];
  const keys = ['To_Account', 'From_Account', 'MsgRandom', 'MsgBody', 'MsgLifeTime', 'MsgSeq', 'MsgTimeStamp', 'SyncOtherMachine', 'OfflinePushInfo',
    'CloudCustomData', 'OnlineOnlyFlag', 'Identifier', 'Nick', 'Accounts', 'CheckItem', 'UserID', 'IsNeedDetail'];
  const msgBody = fc.array(fc.record({ MsgType: fc.oneof(fc.constantFrom('TIMTextElem', 'TIMCustomElem', 'TIMFaceElem'), edge), MsgContent: object(['Text', 'Data', 'Desc', 'Index']) }, { requiredKeys: [] }), { maxLength: 3 });
  const body = fc.oneof(
    object(keys),
    fc.record({ To_Account: fc.oneof(fc.constant('bob'), fc.array(fc.constantFrom('bob', 'alice', 'nobody'), { maxLength: 4 }), edge), MsgRandom: value, MsgBody: fc.oneof(msgBody, edge), OfflinePushInfo: fc.oneof(object(['Title', 'Desc', 'Ext', 'PushFlag', 'AndroidInfo']), edge), MsgLifeTime: value }, { requiredKeys: [] }),
  );
  const raw = fc.oneof(body.map((b) => JSON.stringify(b)), fc.string({ maxLength: 40 }), fc.constantFrom('', 'null', '[]', '{', JSON.stringify(deep(1500))));
  const query = fc.record({ sdkappid: fc.oneof(fc.constant(String(im.sdkAppId)), fc.string({ maxLength: 12 })), identifier: fc.oneof(fc.constant(im.admin), fc.string({ maxLength: 8 })), usersig: fc.oneof(fc.constant('SIG'), fc.string({ maxLength: 8 })), contenttype: fc.constantFrom('json', 'xml', undefined) }, { requiredKeys: [] });
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...commands), query, raw, fc.constantFrom('POST', 'POST', 'GET', 'PUT'), async (command, q, bodyText, method) => {
      const sig = genUserSig({ sdkAppId: im.sdkAppId, secretKey: im.secretKey, userId: im.admin, now: lab.clock.now() });
      const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v === 'SIG' ? sig : String(v)]));
      const res = await send(`${lab.im.url}/v4/${command}?${params}`, method, bodyText);
      assert.equal(res.status, 200, res.text.slice(0, 200));
      const json = jsonBody(res.text, `/v4/${command}`);
      assert.ok(json.ActionStatus === 'OK' || json.ActionStatus === 'FAIL', res.text.slice(0, 200));
      assert.equal(typeof json.ErrorCode, 'number');
      assert.equal(json.ActionStatus === 'OK', json.ErrorCode === 0);
    }),
    { numRuns: RUNS * 3, seed: SEED },
  );
  await stillServing(lab);
});

/** method + path + body against a control API: JSON, < 500. */
async function fuzzControl(lab: Lab, base: string, routes: Array<[string, string]>, keys: string[], runs: number): Promise<void> {
  const body = fc.oneof(object(keys).map((b) => JSON.stringify(b)), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), fc.constantFrom('', '{', 'null', JSON.stringify(deep(3000))));
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...routes), body, fc.constantFrom('', '?limit=-1', '?limit=1e308', '?limit=abc', '?sinceIndex=1e400', '?user=bob', '?offset=-5&limit=2'), async ([method, path], text, query) => {
      const res = await send(`${base}${path}${query}`, method, text);
      assert.ok(res.status < 500, `${method} ${path}${query} ${text.slice(0, 100)} → ${res.status} ${res.text.slice(0, 300)}`);
      if (res.status !== 204 && res.text !== '') jsonBody(res.text, `${method} ${path}`);
      assert.match(res.type, /json|^$/, `${method} ${path} answered ${res.type}`);
    }),
    { numRuns: runs, seed: SEED },
  );
}

test('fuzz: the lab control API and the phone API never answer 5xx, always JSON', async (t) => {
  const lab = await labForFuzz(t);
  const serial = lab.farm.list()[0]!.serial;
  const routes: Array<[string, string]> = [
    ['GET', '/_lab/v1'], ['GET', '/_lab/v1/clock'], ['POST', '/_lab/v1/clock/advance'],
    ['POST', `/_lab/v1/phones/${serial}/network`], ['POST', `/_lab/v1/phones/${serial}/notification-permission`], ['POST', `/_lab/v1/phones/${serial}/kill`],
    ['POST', '/_lab/v1/phones/nope/kill'], ['GET', '/_lab/v1/phones'], ['OPTIONS', '/_lab/v1/clock'],
    ...Object.values(PHONE_ROUTES).filter((r) => r.path !== 'screenshot').map((r): [string, string] => [r.verb, `/_lab/v1/phones/${serial}/${r.path}`]),
  ];
  const keys = ['by', 'on', 'granted', 'mode', 'packageName', 'seconds', 'keycode', 'nodeId', 'text', 'command', 'options', 'deviceProfile', 'appProfiles', 'sinceIndex', 'orientation'];
  await fuzzControl(lab, lab.url, routes, keys, RUNS * 3);
  await stillServing(lab);
});

test('fuzz: the IM and mock-oppo control APIs never answer 5xx, always JSON', async (t) => {
  const lab = await labForFuzz(t);
  const imRoutes: Array<[string, string]> = [
    ['GET', '/_im/v1/console/certificates'], ['POST', '/_im/v1/console/certificates'], ['PATCH', '/_im/v1/console/certificates/7005'], ['PATCH', '/_im/v1/console/certificates/1e308'],
    ['DELETE', '/_im/v1/console/certificates/-1'], ['GET', '/_im/v1/traces'], ['GET', '/_im/v1/traces/nope'], ['GET', '/_im/v1/sessions'], ['GET', '/_im/v1/sessions/journal'],
    ['GET', '/_im/v1/accounts'], ['POST', '/_im/v1/usersig'], ['GET', '/_im/v1/settings'], ['OPTIONS', '/_im/v1'], ['GET', '/_im/v1/nope'],
  ];
  await fuzzControl(lab, lab.im.url, imRoutes, ['id', 'appKey', 'masterSecret', 'channelId', 'clickAction', 'userId', 'expireSeconds', 'effectiveAt', 'certificateId'], RUNS * 2);
  const mockRoutes: Array<[string, string]> = [
    ['GET', '/_mock/v1/apps'], ['POST', '/_mock/v1/apps'], ['GET', '/_mock/v1/apps/30123456'], ['GET', '/_mock/v1/apps/30123456/registrations'], ['GET', '/_mock/v1/registrations'],
    ['POST', '/_mock/v1/registrations'], ['GET', '/_mock/v1/registrations/nope'], ['DELETE', '/_mock/v1/registrations/nope'], ['GET', '/_mock/v1/devices'], ['GET', '/_mock/v1/messages'],
    ['GET', '/_mock/v1/messages/nope'], ['GET', '/_mock/v1/journal'], ['GET', '/_mock/v1/receipts'], ['GET', '/_mock/v1/clock'], ['POST', '/_mock/v1/clock'], ['GET', '/_mock/v1/faults'],
    ['POST', '/_mock/v1/faults'], ['DELETE', '/_mock/v1/faults'], ['DELETE', '/_mock/v1/faults/1e308'], ['GET', '/_mock/v1/settings'], ['OPTIONS', '/_mock/v1/clock'],
  ];
  await fuzzControl(lab, lab.oppo.url, mockRoutes, ['set', 'advance', 'preset', 'endpoint', 'times', 'for', 'until', 'delayMs', 'code', 'appKey', 'cumulativeUsers', 'deviceId', 'packageName', 'registrationId'], RUNS * 2);
  await stillServing(lab);
});

/** Opens a raw WebSocket, sends each frame, then a sync; resolves with the answer to the sync (or the close). */
function linkSession(url: string, frames: string[], sync: string): Promise<'synced' | 'closed'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const guard = setTimeout(() => reject(new Error(`no answer to sync after ${frames.length} frames: ${frames.map((f) => f.slice(0, 80)).join(' | ')}`)), HANG_MS);
    ws.on('error', () => {});
    ws.on('close', () => {
      clearTimeout(guard);
      resolve('closed');
    });
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"synced"') && text.includes('"fuzz-sync"')) {
        clearTimeout(guard);
        ws.close();
        resolve('synced');
      }
    });
    ws.on('open', () => {
      for (const f of frames) ws.send(f);
      ws.send(sync);
    });
  });
}

/** Any frames, then a sync: answered, unless a frame was over the link's size limit (closed). */
async function fuzzLink(url: string, frame: fc.Arbitrary<string>, maxBytes: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(frame, { maxLength: 6 }), async (frames) => {
      const expected = frames.some((f) => Buffer.byteLength(f) > maxBytes) ? 'closed' : 'synced';
      assert.equal(await linkSession(url, frames, JSON.stringify({ op: 'sync', id: 'fuzz-sync' })), expected);
    }),
    { numRuns: RUNS, seed: SEED },
  );
}

test('fuzz: the IM client link and the OPPO device link answer a sync after any frames, and the lab survives', async (t) => {
  const lab = await labForFuzz(t);
  const im = lab.im.server.imApp;
  const imOps = fc.constantFrom('login', 'logout', 'set_offline_push_config', 'do_background', 'do_foreground', 'heartbeat', 'sync', 'nope', undefined);
  const imFrame = fc.oneof(
    fc.record({ op: imOps, id: fc.oneof(fc.string({ maxLength: 4 }), edge), userId: fc.oneof(fc.constantFrom('bob', 'carol'), edge), userSig: fc.oneof(fc.constant('SIG'), fc.constant('HUGE'), edge),
      deviceId: fc.oneof(fc.constant('fuzz-phone'), edge), platform: fc.oneof(fc.constantFrom('Android', 'iPhone', 'Web'), edge), businessId: value, token: value, unreadCount: value, every: value }, { requiredKeys: ['op'] })
      .map((f) => JSON.stringify(f).replace('"SIG"', JSON.stringify(genUserSig({ sdkAppId: im.sdkAppId, secretKey: im.secretKey, userId: 'carol', now: lab.clock.now() })))
        .replace('"HUGE"', JSON.stringify(genUserSig({ sdkAppId: im.sdkAppId, secretKey: im.secretKey, userId: 'carol', expireSeconds: 1e308, now: lab.clock.now() })))),
    fc.string({ maxLength: 30 }), fc.constantFrom('null', '[]', '{}', JSON.stringify(deep(2000))),
  );
  // A frame over the link's limit closes it (ws code 1009), as documented: 64 KiB on the client link.
  await fuzzLink(lab.im.url.replace('http:', 'ws:') + CLIENT_LINK_PATH, imFrame, 64 * 1024);
  const deviceOps = fc.constantFrom('hello', 'register', 'unregister', 'uninstall', 'ack', 'ping', 'sync', 'nope', undefined);
  const deviceFrame = fc.oneof(
    fc.record({ op: deviceOps, id: fc.oneof(fc.string({ maxLength: 4 }), edge), deviceId: fc.oneof(fc.constant('fuzz-device'), edge), region: fc.oneof(fc.constantFrom('CN', 'INTL'), edge),
      appKey: value, appSecret: value, packageName: fc.oneof(fc.constant('com.tencent.qcloud.tim.demo'), edge), messageId: value, registrationId: value, displayed: value, reason: value }, { requiredKeys: ['op'] })
      .map((f) => JSON.stringify(f)),
    fc.string({ maxLength: 30 }), fc.constantFrom('null', '[]', '{}', JSON.stringify(deep(2000))),
  );
  await fuzzLink(lab.oppo.url.replace('http:', 'ws:') + DEVICE_LINK_PATH, deviceFrame, 1024 * 1024);
  await lab.advance('1h');
  await stillServing(lab);
});
