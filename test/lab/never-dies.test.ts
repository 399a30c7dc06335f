/**
 * Requests that once crashed or hung the whole lab (issue 13), each kept as a regression test: the
 * lab answers with a clear 4xx (or the service's envelope), changes nothing it refused, and serves on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { genUserSig, ImClientLink } from '../../harness/im/index.ts';
import { OppoClient } from '../../harness/im/push/oppo-client.ts';
import { START, labWithLoggedInPhone } from './helpers.ts';

const PKG = 'com.tencent.qcloud.tim.demo';

async function call(url: string, method: string, body?: unknown) {
  const res = await fetch(url, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: JSON.parse(text) as Record<string, any> };
}

test('a validly signed UserSig valid for 1e308 seconds logs in over the client link; the lab survives and the ticket never expires', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }) });
  t.after(() => lab.stop());
  const link = await ImClientLink.connect(lab.im.url);
  t.after(() => link.close());
  const userSig = genUserSig({ ...lab.im.server.imApp, userId: 'bob', expireSeconds: 1e308, now: lab.clock.now() });
  await link.login({ userId: 'bob', userSig, deviceId: 'bob-phone' });
  assert.equal(lab.im.server.sessions.onlineState('bob').state, 'Online');
  const refused = await call(`${lab.im.url}/_im/v1/usersig`, 'POST', { userId: 'bob', expireSeconds: 1e308 });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error.message, /expireSeconds must be a positive integer of at most/);
});

test('background-app with 1e308 seconds is a 400 that leaves the app in front', async (t) => {
  const { lab, phone } = await labWithLoggedInPhone(t);
  const before = await phone.currentActivity();
  const res = await call(`${lab.url}/_lab/v1/phones/${phone.serial}/background-app`, 'POST', { seconds: 1e308 });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.code, 'invalid argument');
  assert.equal(await phone.currentActivity(), before);
  assert.equal(await phone.queryAppState(PKG), 4, 'still in the foreground');
});

test('the mock clock: "advance 3650d" with an app running answers at once; "set 1e300" is a 400 that does not move the clock', async (t) => {
  const { lab } = await labWithLoggedInPhone(t);
  const advanced = await call(`${lab.oppo.url}/_mock/v1/clock`, 'POST', { advance: '3650d' });
  assert.equal(advanced.status, 200);
  assert.equal(advanced.json.now, START + 3650 * 86_400_000);
  const now = lab.clock.now();
  for (const body of [{ set: 1e300 }, { set: -1e300 }, { set: 'not a time' }, { advance: 1e300 }, { advance: '99999999999999d' }, { set: START, advance: -5 }, { set: { nested: 1 } }]) {
    const res = await call(`${lab.oppo.url}/_mock/v1/clock`, 'POST', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(lab.clock.now(), now, `${JSON.stringify(body)} moved the clock`);
  }
  const view = await call(`${lab.oppo.url}/_mock/v1/clock`, 'GET');
  assert.equal(view.status, 200);
  assert.equal(view.json.now, now);
  const lab10y = await call(`${lab.url}/_lab/v1/clock/advance`, 'POST', { by: '3650d' });
  assert.equal(lab10y.status, 200);
  const tooFar = await call(`${lab.url}/_lab/v1/clock/advance`, 'POST', { by: 1e300 });
  assert.equal(tooFar.status, 400);
});

test('IM: /v4/ without a command answers the REST envelope; OPTIONS on /_im/v1 answers JSON', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }) });
  t.after(() => lab.stop());
  for (const path of ['/v4', '/v4/']) {
    const res = await call(`${lab.im.url}${path}`, 'POST', {});
    assert.equal(res.status, 200, path);
    assert.equal(res.json.ActionStatus, 'FAIL', path);
    assert.equal(typeof res.json.ErrorCode, 'number', path);
  }
  for (const path of ['/_im/v1', '/_im/v1/sessions']) {
    const res = await call(`${lab.im.url}${path}`, 'OPTIONS');
    assert.equal(res.status, 405, path);
    assert.match(res.type, /application\/json/, path);
    assert.equal(res.json.error.code, 'method_not_allowed', path);
  }
});

/** Sends `bytes` of body in 64 KiB chunks and reads the answer; a reset rejects. */
function upload(url: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bytes } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

test('an 11 MiB body is read, then refused with each service\'s answer, without a connection reset', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }) });
  t.after(() => lab.stop());
  const size = 11 * 1024 * 1024;
  const oppo = await upload(`${lab.oppo.url}/server/v1/auth`, size);
  assert.equal(oppo.status, 413);
  assert.match(oppo.body, /payload_too_large/);
  const rest = await upload(`${lab.im.url}/v4/openim/sendmsg`, size);
  assert.equal(rest.status, 200);
  assert.equal(JSON.parse(rest.body).ActionStatus, 'FAIL');
  const control = await upload(`${lab.im.url}/_im/v1/usersig`, size);
  assert.equal(control.status, 413);
  const labApi = await upload(`${lab.url}/_lab/v1/clock/advance`, size);
  assert.equal(labApi.status, 413);
  // and everything still serves
  assert.equal((await call(`${lab.oppo.url}/_mock/v1/clock`, 'GET')).status, 200);
});

test('more than ten OPPO retries waiting at once raise no MaxListenersExceededWarning, and close() ends them all', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    const client = new OppoClient({
      baseUrl: 'http://127.0.0.1:9',
      clock: new VirtualClock({ start: START }),
      fetch: async () => new Response('busy', { status: 503 }),
      retryDelaysMs: [3_600_000],
      timeoutMs: 1000,
    });
    const cert = { id: 7005, appKey: 'k', masterSecret: 's', appId: 'a' } as unknown as Parameters<OppoClient['unicast']>[0];
    const sends = Array.from({ length: 25 }, () => client.unicast(cert, { target_type: 2, target_value: 'r' }));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    client.close();
    const outcomes = await Promise.all(sends);
    assert.deepEqual(new Set(outcomes.map((o) => o.outcome)), new Set(['gave_up']));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => w === 'MaxListenersExceededWarning'), []);
  } finally {
    process.off('warning', onWarning);
  }
});
