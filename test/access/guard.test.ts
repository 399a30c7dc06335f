/**
 * The access guard's rules through real HTTP: a node:http server with guardListener/admitUpgrade in
 * front of a listener that records every call it gets, so "refused" also means "never reached".
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import { WebSocketServer } from 'ws';
import { AccessGuard, isLoopback, WEB_TOKEN_HEADER, type AccessGuardOptions, type SurfaceOf } from '../../mock-oppo/access/guard.ts';
import { admitUpgrade, guardListener } from '../../mock-oppo/access/node.ts';
import { tokenHeaders } from '../../mock-oppo/access/client.ts';
import { bindHttpServer, closeHttpServer } from '../../mock-oppo/transport/listen.ts';
import { errorCode, send, upgradeStatus } from './http.ts';

const surfaces: SurfaceOf = (path) => (path.startsWith('/api/') || path === '/link' ? 'open' : path.startsWith('/ui') ? 'web' : 'control');

/** A guarded server on 127.0.0.1 whose guard may speak for another address (the rules do not look at the socket). */
async function serve(t: TestContext, options: AccessGuardOptions) {
  const guard = new AccessGuard(options);
  const reached: string[] = [];
  const listener: RequestListener = (req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  };
  const server = createServer(guardListener(guard, surfaces, listener));
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!admitUpgrade(guard, surfaces, req, socket)) return;
    wss.handleUpgrade(req, socket, head, (ws) => ws.close());
  });
  const url = await bindHttpServer(server, 0, '127.0.0.1');
  t.after(() => closeHttpServer(server));
  return { guard, url, reached, port: new URL(url).port };
}

test('loopback names: localhost, *.localhost, 127/8, ::1; nothing that merely looks like them', () => {
  for (const yes of ['127.0.0.1', '127.9.8.7:80', 'localhost', 'LOCALHOST:8080', 'lab.localhost', '[::1]:9', '::1', '[::ffff:127.0.0.1]']) assert.ok(isLoopback(yes), yes);
  for (const no of ['0.0.0.0', '::', '10.0.0.1', '192.0.2.2', 'evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', 'localhost.', '']) assert.ok(!isLoopback(no), no);
});

test('on loopback a foreign Host is refused (403) on control paths and never reaches the handler; the server API does not care', async (t) => {
  const { url, reached, port } = await serve(t, { host: '127.0.0.1', allowedHosts: ['bs-local.com'] });
  const rebound = await send(url, 'GET', '/_mock/v1/journal', { headers: { host: `evil.example:${port}` } });
  assert.equal(rebound.status, 403);
  assert.equal(errorCode(rebound), 'forbidden_host');
  assert.match(rebound.json<{ error: { message: string } }>().error.message, /DNS rebinding/);
  assert.equal((await send(url, 'POST', '/_mock/v1/reset', { headers: { host: 'localhost.evil.example' } })).status, 403);
  assert.deepEqual(reached, []);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'lab.localhost', `bs-local.com:${port}`]) {
    assert.equal((await send(url, 'GET', '/_mock/v1/journal', { headers: { host } })).status, 200, host);
  }
  assert.equal((await send(url, 'POST', '/api/auth', { headers: { host: 'api.push.oppomobile.com' }, body: 'x' })).status, 200);
  assert.equal(reached.length, 6);
});

test('a state-changing request from a foreign Origin is refused (403) unless it carries the web token; reads and own-origin calls pass', async (t) => {
  const { url, reached, port, guard } = await serve(t, { host: '127.0.0.1' });
  const post = (headers: Record<string, string>) => send(url, 'POST', '/_lab/v1/clock/advance', { headers, body: { by: '1h' } });
  for (const origin of ['http://evil.example', 'null', `http://localhost:${Number(port) + 1}`, `https://127.0.0.1:${port}.evil.example`]) {
    const refused = await post({ origin });
    assert.equal(refused.status, 403, origin);
    assert.equal(errorCode(refused), 'forbidden_origin');
  }
  assert.equal((await post({ origin: 'http://evil.example', [WEB_TOKEN_HEADER]: 'guessed-guessed-guessed' })).status, 403);
  assert.deepEqual(reached, []);
  assert.equal((await post({ origin: `http://127.0.0.1:${port}` })).status, 200);
  assert.equal((await post({ origin: 'http://evil.example', [WEB_TOKEN_HEADER]: guard.webToken })).status, 200);
  assert.equal((await send(url, 'GET', '/_lab/v1/clock', { headers: { origin: 'http://evil.example' } })).status, 200);
  assert.equal((await post({})).status, 200, 'no Origin: not a browser, no token needed on loopback');
  // The open API keeps its own auth only.
  assert.equal((await send(url, 'POST', '/api/unicast', { headers: { origin: 'http://evil.example' }, body: 'x' })).status, 200);
  assert.equal(reached.length, 5);
});

test('upgrades: a foreign Origin cannot open a WebSocket, not even on an open path (device links); clients without one can', async (t) => {
  const { url, port } = await serve(t, { host: '127.0.0.1' });
  assert.equal(await upgradeStatus(`${url.replace(/^http/, 'ws')}/link`, 'http://evil.example'), 403);
  assert.equal(await upgradeStatus(`${url.replace(/^http/, 'ws')}/_lab/v1/events`, 'http://evil.example'), 403);
  assert.equal(await upgradeStatus(`${url.replace(/^http/, 'ws')}/link`), 101);
  assert.equal(await upgradeStatus(`${url.replace(/^http/, 'ws')}/link`, `http://127.0.0.1:${port}`), 101);
});

test('with a token (given, or off loopback): 401 without it, with a wrong one; the bearer token or the web token pass; open paths need none', async (t) => {
  for (const options of [{ host: '127.0.0.1', token: 'given-token-0123456789' }, { host: '10.213.0.2' }] satisfies AccessGuardOptions[]) {
    const { url, reached, guard, port } = await serve(t, { ...options, tokenSource: '--token / TEST_TOKEN' });
    assert.ok(guard.token);
    assert.equal(guard.generated, options.token === undefined);
    const missing = await send(url, 'POST', '/_mock/v1/reset');
    assert.equal(missing.status, 401);
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="push-lab"');
    const { error } = missing.json<{ error: { code: string; message: string } }>();
    assert.equal(error.code, 'token_required');
    assert.match(error.message, /Authorization: Bearer <token>.*--token \/ TEST_TOKEN.*nothing was changed/);
    const wrong = await send(url, 'POST', '/_mock/v1/reset', { headers: tokenHeaders('not-the-token-at-all') });
    assert.equal(wrong.status, 401);
    assert.equal(errorCode(wrong), 'bad_token');
    assert.ok(!wrong.text.includes(guard.token) && !missing.text.includes(guard.token));
    assert.deepEqual(reached, []);
    assert.equal((await send(url, 'POST', '/_mock/v1/reset', { headers: tokenHeaders(guard.token) })).status, 200);
    assert.equal((await send(url, 'GET', '/_mock/v1/journal', { headers: { [WEB_TOKEN_HEADER]: guard.webToken } })).status, 200);
    assert.equal((await send(url, 'GET', '/_mock/v1/journal', { headers: { cookie: `other=1; push_lab_web_${port}=${guard.webToken}` } })).status, 200);
    assert.equal((await send(url, 'POST', '/api/auth', { body: 'x' })).status, 200);
    // Off loopback there is no Host rule (the token is the defence); a given token on loopback keeps it.
    const foreignHost = await send(url, 'GET', '/_mock/v1/journal', { headers: { ...tokenHeaders(guard.token), host: 'lab.example.com' } });
    assert.equal(foreignHost.status, guard.loopback ? 403 : 200);
  }
});

test('the web view: ?token= logs a browser in with a cookie and drops the token from the URL; its state changes need its header', async (t) => {
  const { url, reached, guard, port } = await serve(t, { host: '10.213.0.2' });
  const login = await send(url, 'GET', `/ui/phones?token=${encodeURIComponent(guard.token!)}&tab=shade`);
  assert.equal(login.status, 303);
  assert.equal(login.headers.location, '/ui/phones?tab=shade');
  assert.equal(login.headers['set-cookie']?.[0], `push_lab_web_${port}=${guard.webToken}; Path=/; HttpOnly; SameSite=Strict`);
  assert.equal((await send(url, 'GET', '/ui/phones?token=wrong-token-wrong-token')).status, 401);
  assert.deepEqual(reached, []);
  const cookie = `push_lab_web_${port}=${guard.webToken}`;
  assert.equal((await send(url, 'GET', '/ui/phones', { headers: { cookie } })).status, 200);
  // The cookie proves a logged-in browser, not which page sent the request: a state change needs the header.
  const refused = await send(url, 'POST', '/ui/send', { headers: { cookie, origin: `http://127.0.0.1:${port}` }, body: {} });
  assert.equal(refused.status, 403);
  assert.equal(errorCode(refused), 'web_token_required');
  assert.equal((await send(url, 'POST', '/ui/send', { headers: { cookie, [WEB_TOKEN_HEADER]: guard.webToken }, body: {} })).status, 200);
  assert.equal(reached.length, 2);
});

test('a given token must be long enough to be one', () => {
  assert.throws(() => new AccessGuard({ host: '127.0.0.1', token: 'short' }), /16 to 256 characters/);
  assert.throws(() => new AccessGuard({ host: '127.0.0.1', token: 'has spaces in it, sixteen+' }), /16 to 256 characters/);
  assert.equal(new AccessGuard({ host: '127.0.0.1' }).token, undefined);
  assert.notEqual(new AccessGuard({ host: '0.0.0.0' }).token, new AccessGuard({ host: '0.0.0.0' }).token);
});
