/**
 * Bounded fuzz: thousands of generated requests in-process (the HTTP core both transports use),
 * then a few hundred over real HTTP. No crash, only documented codes, and the server keeps serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DOCUMENTED_CODES, HOSTS, type WireRequest, type WireResponse } from '../../mock-oppo/index.ts';
import { parseForm } from '../../mock-oppo/wire/form.ts';
import { DEMO, T0, authForm, makeLab, postForm, tokenFor } from './helpers.ts';

const PATHS = [
  '/server/v1/auth',
  '/server/v1/message/notification/unicast',
  '/server/v1/message/notification/unicast_batch',
  '/server/v1/message/notification/save_message_content',
  '/server/v1/message/notification/broadcast',
  '/server/v1/message/statistics',
  '/server/v1/feedback/fetch_invalid_regidList',
  '/server/v1/device/set_alias',
  '/server/v1/device/delete_alias',
  '/server/v1/device/add_tags',
  '/server/v1/device/subscribe_tags',
  '/server/v1/device/get_all_tags',
  '/intl/server/v1/message/notification/unicast',
  '/server/v1/',
];
const FIELDS = [
  'title', 'sub_title', 'content', 'style', 'click_action_type', 'click_action_activity', 'click_action_url', 'action_parameters',
  'show_time_type', 'show_start_time', 'show_end_time', 'off_line', 'off_line_ttl', 'push_time_type', 'push_start_time', 'fix_speed',
  'fix_speed_rate', 'network_type', 'call_back_url', 'call_back_parameter', 'channel_id', 'show_ttl', 'notify_id', 'category',
  'notify_level', 'app_message_id', 'big_picture_id', '__proto__', 'constructor', 'toString',
];

function arbitraries(token: string, regId: string) {
  const scalar = fc.oneof(
    fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(regId), fc.constant('1e400'),
    fc.constantFrom('IM', 'MARKETING', 'tuikit', '16', 'true', '{"a":1}', '[]', '9'.repeat(40)),
  );
  const notification = fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 12 });
  const message = fc.record(
    { target_type: fc.oneof(fc.constantFrom(1, 2, 5, 6, '2'), fc.integer()), target_value: fc.oneof(fc.constant(regId), fc.string()), notification, verify_registration_id: scalar },
    { requiredKeys: [] },
  );
  const value = fc.oneof(
    scalar.map(String), fc.constant(token), message.map((m) => JSON.stringify(m)),
    fc.array(message, { maxLength: 3 }).map((m) => JSON.stringify(m)), fc.jsonValue().map((v) => JSON.stringify(v)),
  );
  const form = fc.dictionary(
    fc.oneof(fc.constantFrom('auth_token', 'message', 'messages', 'app_key', 'timestamp', 'sign', 'message_id', 'task_id', 'target_type', 'target_value', 'registration_id', 'alias', 'tags', 'name', ...FIELDS), fc.string()),
    value, { maxKeys: 8 },
  );
  const body = fc.oneof(
    form.map((f) => ({ type: 'application/x-www-form-urlencoded', bytes: Buffer.from(new URLSearchParams(f as Record<string, string>).toString()) })),
    form.map((f) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(f)) })),
    fc.uint8Array({ maxLength: 200 }).map((b) => ({ type: 'application/octet-stream', bytes: Buffer.from(b) })),
    fc.constantFrom('application/x-www-form-urlencoded; charset=latin1', 'multipart/form-data', '').map((type) => ({ type, bytes: Buffer.from('a=b') })),
  );
  // Near-valid pushes, so the fuzz also walks the accept path (quotas, queues, dedupe).
  const nearValid = fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/server/v1/message/notification/unicast'),
    host: fc.constant(HOSTS.api),
    query: fc.constant(''),
    headerToken: fc.constant(undefined),
    body: fc.tuple(notification, fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 })).map(([n, title, content]) => ({
      type: 'application/x-www-form-urlencoded',
      bytes: Buffer.from(new URLSearchParams({ auth_token: token, message: JSON.stringify({ target_type: 2, target_value: regId, notification: { ...n, title, content } }) }).toString()),
    })),
  });
  const anything = fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.oneof(fc.constantFrom(...PATHS), fc.webPath()),
    host: fc.constantFrom(...Object.values(HOSTS), '127.0.0.1'),
    query: fc.oneof(fc.constant(''), form.map((f) => new URLSearchParams(f as Record<string, string>).toString())),
    headerToken: fc.oneof(fc.constant(undefined), fc.constant(token), fc.string()),
    body,
  });
  return fc.oneof({ arbitrary: anything, weight: 4 }, { arbitrary: nearValid, weight: 1 });
}

function checkReply(reply: WireResponse, path: string): void {
  assert.equal(reply.kind, 'reply');
  if (reply.kind !== 'reply') return;
  assert.ok([200, 404, 405, 413].includes(reply.status), `status ${reply.status} for ${path}`);
  const body = JSON.parse(reply.body);
  if (reply.status === 200 || 'code' in body) assert.ok(DOCUMENTED_CODES.has(body.code), `undocumented code ${body.code} for ${path}: ${reply.body}`);
}

test('thousands of generated requests in-process: no crash, only documented codes', async () => {
  const { mock } = makeLab();
  const token = tokenFor(mock);
  const regId = mock.platform.registerFor(mock.platform.appById(DEMO.appId)!, 'phone', 'CN').regId;
  await fc.assert(
    fc.asyncProperty(arbitraries(token, regId), async (r) => {
      if (r.path.startsWith('/_mock')) return;
      const req: WireRequest = {
        method: r.method, host: r.host, path: r.path, query: r.query, via: 'http', body: r.body.bytes,
        header: (name) => (name === 'content-type' ? r.body.type : name === 'auth_token' ? r.headerToken : undefined),
      };
      checkReply(await mock.core.handle(req), r.path);
    }),
    { numRuns: 3000, seed: 4242 },
  );
  assert.ok(mock.platform.listMessages().length > 0, 'some generated requests were valid pushes');
  const codes = new Set(mock.journal().map((e) => e.code));
  assert.ok(codes.size >= 8, `the fuzz reached many codes: ${[...codes].join(',')}`);
  assert.equal(mock.platform.authenticate('CN', DEMO.appKey, String(T0), authForm(DEMO, T0).sign).createTime, T0);
});

test('generated requests over real HTTP: the server keeps serving', async (t) => {
  const { mock } = makeLab();
  const server = await mock.listen();
  t.after(() => server.close());
  const token = tokenFor(mock);
  const regId = mock.platform.registerFor(mock.platform.appById(DEMO.appId)!, 'phone', 'CN').regId;
  await fc.assert(
    fc.asyncProperty(arbitraries(token, regId), async (r) => {
      if (r.path.startsWith('/_mock') || r.method === 'GET' || r.method === 'OPTIONS') return;
      const res = await fetch(`${server.url}${r.path}${r.query ? `?${r.query}` : ''}`, {
        method: r.method,
        headers: { 'content-type': r.body.type, ...(r.headerToken ? { auth_token: encodeURIComponent(r.headerToken) } : {}) },
        body: r.body.bytes,
      });
      checkReply({ kind: 'reply', status: res.status, body: await res.text(), contentType: '' }, r.path);
    }),
    { numRuns: 300, seed: 77 },
  );
  assert.equal((await postForm(server.url, '/server/v1/auth', authForm(DEMO, T0))).body.code, 0);
});

test('the form parser decodes exactly as URLSearchParams does (first value of a key wins)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[a-z%+=&0-9A-F]*$/)), (text) => {
      const reference: Record<string, string> = Object.create(null);
      // A body is not a URL query: a leading '?' is data, so keep URLSearchParams from stripping it.
      for (const [key, value] of new URLSearchParams(`&${text}`)) if (!Object.hasOwn(reference, key)) Object.defineProperty(reference, key, { value, enumerable: true, writable: true, configurable: true });
      assert.deepEqual(parseForm(text), reference);
      assert.deepEqual(parseForm(Buffer.from(text)), reference);
    }),
    { numRuns: 5000, seed: 99 },
  );
});
