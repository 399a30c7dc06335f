/** Hostile and malformed input: each gets its documented code or a clear JSON 404/413, and the server keeps serving. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { setupServer } from 'msw/node';
import { CODES, HOSTS } from '../../mock-oppo/index.ts';
import { DEMO, T0, authForm, makeLab, postForm, tokenFor, unicastMessage } from './helpers.ts';

const UNICAST = '/server/v1/message/notification/unicast';

async function start(t: { after(fn: () => unknown): void }, settings = {}) {
  const lab = makeLab(settings);
  const server = await lab.mock.listen();
  t.after(() => server.close());
  const token = tokenFor(lab.mock);
  const regId = lab.mock.platform.registerFor(lab.mock.platform.appById(DEMO.appId)!, 'phone', 'CN').regId;
  const raw = async (path: string, init: RequestInit) => {
    const res = await fetch(`${server.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) };
  };
  const stillServing = async () => assert.equal((await postForm(server.url, '/server/v1/auth', authForm(DEMO, T0))).body.code, 0);
  return { ...lab, server, token, regId, raw, stillServing };
}

test('malformed forms, JSON and content types get the documented codes', async (t) => {
  const { raw, token, regId, stillServing } = await start(t);
  const form = 'application/x-www-form-urlencoded';
  assert.equal((await raw(UNICAST, { method: 'POST', headers: { 'content-type': form }, body: '%%%&&==' })).body.code, CODES.MISSING_AUTH_TOKEN);
  assert.equal((await raw('/server/v1/auth', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(authForm(DEMO, T0)) })).body.code, CODES.MISSING_APP_KEY, 'a JSON body is not a form');
  assert.equal((await raw(UNICAST, { method: 'POST', headers: { 'content-type': 'text/plain', auth_token: token }, body: `message=${unicastMessage(regId)}` })).body.code, CODES.MISSING_ARGUMENTS);
  assert.equal((await raw(UNICAST, { method: 'POST', headers: { 'content-type': form }, body: Buffer.from([0x61, 0x3d, 0xff, 0xfe]) })).body.code, CODES.INVALID_ENCODING);
  assert.equal((await raw(UNICAST, { method: 'POST', headers: { 'content-type': form }, body: `auth_token=${token}&message=%7B%22target_type%22%3A` })).body.code, CODES.INVALID_ARGUMENTS);
  assert.equal((await raw('/server/v1/device/set_alias', { method: 'POST', headers: { 'content-type': 'application/json', auth_token: token }, body: '[1,2]' })).body.code, CODES.INVALID_ARGUMENTS);
  await stillServing();
});

test('wrong methods and unknown paths', async (t) => {
  const { raw, stillServing } = await start(t);
  assert.deepEqual((await raw(UNICAST, { method: 'DELETE' })).body, { code: CODES.HTTP_ACTION_NOT_ALLOWED, message: 'Http Action Not Allowed' });
  assert.equal((await raw('/server/v1/device/set_alias', { method: 'GET' })).body.code, CODES.HTTP_ACTION_NOT_ALLOWED);
  const unknownApi = await raw('/server/v1/message/notification/everyone', { method: 'POST' });
  assert.deepEqual([unknownApi.status, unknownApi.body.code], [404, CODES.INVALID_METHOD]);
  const nonApi = await raw('/wp-admin', { method: 'GET' });
  assert.deepEqual([nonApi.status, nonApi.body.error], [404, 'not_found']);
  assert.equal((await raw('/server/v1/__proto__', { method: 'POST' })).status, 404);
  assert.equal((await raw('/server/v1/constructor', { method: 'POST' })).status, 404);
  await stillServing();
});

test('bodies over the limit get a JSON 413 over HTTP and through msw', async (t) => {
  const { raw, server, mock, stillServing } = await start(t, { maxBodyBytes: 2048 });
  const big = `message=${'x'.repeat(5000)}`;
  const res = await raw(UNICAST, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big });
  assert.deepEqual([res.status, res.body.error], [413, 'payload_too_large']);
  // A chunked upload without content-length is cut when it passes the limit.
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = request(`${server.url}${UNICAST}`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (r) => { r.resume(); resolve(r.statusCode!); });
    req.on('error', reject);
    req.write('a'.repeat(1500));
    req.end('b'.repeat(1500));
  });
  assert.equal(chunked, 413);
  const msw = setupServer(...mock.handlers);
  msw.listen({ onUnhandledRequest: 'bypass' });
  try {
    const viaMsw = await fetch(`https://${HOSTS.api}${UNICAST}`, { method: 'POST', body: big });
    assert.equal(viaMsw.status, 413);
  } finally {
    msw.close();
  }
  await stillServing();
});

test('__proto__ and constructor keys pollute nothing', async (t) => {
  const { raw, token, regId, mock, stillServing } = await start(t);
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const r1 = await raw(UNICAST, form({ __proto__: 'x', constructor: 'y', auth_token: token, message: '{"__proto__":{"target_type":2,"target_value":"x"},"constructor":{"prototype":{"polluted":1}}}' } as never));
  assert.equal(r1.body.code, CODES.MISSING_ARGUMENTS);
  const r2 = await raw(UNICAST, form({ auth_token: token, message: `{"target_type":2,"target_value":"${regId}","notification":{"__proto__":{"title":"t","content":"c"}}}` }));
  assert.equal(r2.body.code, CODES.MISSING_ARGUMENTS, 'fields inherited through __proto__ do not count');
  const r3 = await raw(UNICAST, form({ auth_token: token, message: unicastMessage(regId, { channel_id: 'tuikit', action_parameters: '{"__proto__":{"admin":true},"constructor":"c"}' }) }));
  assert.equal(r3.body.code, 0);
  const params = mock.platform.findMessage(r3.body.data.messageId)!.spec.notification.actionParameters;
  assert.deepEqual(Object.keys(params).sort(), ['__proto__', 'constructor']);
  assert.equal(({} as Record<string, unknown>).admin, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  await stillServing();
});

test('huge numbers are refused with 41 or 19, never crash', async (t) => {
  const { raw, token, regId, stillServing } = await start(t);
  const send = (message: string) => raw(UNICAST, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ auth_token: token, message }).toString() });
  assert.equal((await send(`{"target_type":2,"target_value":"${regId}","notification":{"title":"t","content":"c","off_line_ttl":1e400}}`)).body.code, CODES.INVALID_ARGUMENTS);
  assert.equal((await send(`{"target_type":2,"target_value":"${regId}","notification":{"title":"t","content":"c","notify_id":99999999999999999999}}`)).body.code, CODES.INVALID_ARGUMENTS);
  assert.equal((await send(`{"target_type":1e308,"target_value":"${regId}","notification":{"title":"t","content":"c"}}`)).body.code, CODES.INVALID_ARGUMENTS);
  assert.equal((await send(`{"target_type":2,"target_value":"${regId}","notification":{"title":"t","content":"c","show_time_type":1,"show_start_time":"123456789012345678901234","show_end_time":1}}`)).body.code, CODES.INVALID_ARGUMENTS);
  const auth = await raw('/server/v1/auth', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...authForm(DEMO, T0), timestamp: '9'.repeat(30) }).toString() });
  assert.equal(auth.body.code, CODES.INVALID_TIMESTAMP);
  await stillServing();
});

test('a Host header of the intl push host selects the intl region on the same server', async (t) => {
  const { server, mock } = await start(t);
  const post = (host: string, path: string, body: string) =>
    new Promise<{ code: number; data?: any }>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method: 'POST', headers: { host, 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', reject);
      req.end(body);
    });
  const auth = await post(HOSTS.apiIntl, '/server/v1/auth', new URLSearchParams(authForm(DEMO, T0)).toString());
  assert.equal(auth.code, 0);
  const intlReg = mock.platform.registerFor(mock.platform.appById(DEMO.appId)!, 'intl-phone', 'INTL').regId;
  const form = new URLSearchParams({ auth_token: auth.data.auth_token, message: unicastMessage(intlReg) }).toString();
  assert.equal((await post(HOSTS.apiIntl, UNICAST, form)).code, 0);
  assert.equal((await post(HOSTS.api, UNICAST, form)).code, CODES.INVALID_AUTH_TOKEN, 'the intl token is not valid on the CN host');
  assert.equal(mock.journal().at(-1)!.region, 'CN');
});
