/**
 * Only the link paths upgrade: a REST call offering `Upgrade: h2c` (what Java's built-in
 * HttpClient sends on http://) is answered by the API, on the IM server and on mock-oppo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { CLIENT_LINK_PATH } from '../../harness/im/index.ts';
import { createMockOppo, DEVICE_LINK_PATH } from '../../mock-oppo/index.ts';
import { IM_APP, startIm } from './helpers.ts';

/** POSTs `body` with the headers Java's HttpClient adds for an h2c upgrade offer; resolves status, type and body. */
async function postOfferingH2c(url: string, body: string, contentType: string): Promise<{ status: number; type: string; body: string }> {
  const req = request(url, {
    method: 'POST',
    headers: {
      Connection: 'Upgrade, HTTP2-Settings',
      Upgrade: 'h2c',
      'HTTP2-Settings': 'AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA',
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(body),
    },
  });
  req.end(body);
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  let text = '';
  for await (const chunk of res) text += chunk;
  return { status: res.statusCode!, type: String(res.headers['content-type']), body: text };
}

test('IM REST with Upgrade: h2c is served as REST; the client link still upgrades', async (t) => {
  const im = await startIm(t);
  const q = new URLSearchParams({ sdkappid: String(IM_APP.sdkAppId), identifier: IM_APP.admin, usersig: im.sig(IM_APP.admin), random: '1', contenttype: 'json' });
  const res = await postOfferingH2c(`${im.url}/v4/im_open_login_svc/account_check?${q}`, '{"CheckItem":[{"UserID":"alice"}]}', 'application/json');
  assert.equal(res.status, 200);
  assert.match(res.type, /application\/json/);
  const body = JSON.parse(res.body);
  assert.equal(body.ErrorCode, 0);
  assert.equal(body.ResultItem[0].AccountStatus, 'Imported');

  const ws = new WebSocket(`${im.url.replace('http', 'ws')}${CLIENT_LINK_PATH}`);
  t.after(() => ws.terminate());
  await once(ws, 'open');
});

test('mock-oppo push API with Upgrade: h2c is served as the API; the device link still upgrades', async (t) => {
  const mock = createMockOppo();
  const server = await mock.listen();
  t.after(() => server.close());
  const res = await postOfferingH2c(`${server.url}/server/v1/auth`, 'app_key=nope&timestamp=1&sign=x', 'application/x-www-form-urlencoded');
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body).code, 14, 'the auth endpoint answered (unknown app_key)');
  assert.equal(mock.journal().at(-1)?.endpoint, 'auth');

  const ws = new WebSocket(`${server.url.replace('http', 'ws')}${DEVICE_LINK_PATH}`);
  t.after(() => ws.terminate());
  await once(ws, 'open');
});
