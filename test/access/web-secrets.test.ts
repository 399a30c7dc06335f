/**
 * The web view shows no secret: after a person used it as intended (accounts, a login, a push that
 * went through OPPO's auth, the clock, an action that fails), the page, the live panels, the recorded
 * flow and the error answers hold no configured secret, no UserSig and no unmasked auth token — of a
 * lab that has a token, so the lab token is searched for too. The page's own web token is not a
 * secret of the lab: it is the page's, and only that page can read it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { generateToken, WEB_TOKEN_HEADER } from '../../mock-oppo/access/guard.ts';
import { tokenHeaders } from '../../mock-oppo/access/client.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { startWebView } from '../../harness/web/server.ts';
import { fixtureSecrets, leaksIn } from './secret-scan.ts';
import { send } from './http.ts';

test('the web view of a lab with a token: page, panels, recording and errors hold no secret after real use', async (t) => {
  const token = generateToken();
  const clock = new VirtualClock({ start: Date.UTC(2026, 2, 1, 9, 0, 0) });
  const lab = await startLab({ clock, phones: 1, token });
  const view = await startWebView({ urls: { lab: lab.url, im: lab.im.url, oppo: lab.oppo.url, token }, access: lab.access, refreshMs: 100 });
  t.after(async () => {
    await view.close();
    await lab.stop();
    clock.dispose();
  });
  const auth = tokenHeaders(token);
  const texts = new Map<string, string>();
  const page = await send(view.url, 'GET', '/', { headers: auth });
  assert.equal(page.status, 200);
  texts.set('page', page.text);
  const webToken = /<meta name="push-lab-web-token" content="([^"]+)">/.exec(page.text)![1]!;
  const post = async (action: string, body: unknown) => {
    const reply = await send(view.url, 'POST', `/api/${action}`, { headers: { ...auth, [WEB_TOKEN_HEADER]: webToken }, body });
    texts.set(`POST ${action} ${JSON.stringify(body)}`, reply.text);
    return reply;
  };

  const serial = lab.farm.list()[0]!.serial;
  for (const id of ['alice', 'bob']) assert.equal((await post('user', { id })).status, 200);
  assert.equal((await post('login', { serial, user: 'bob' })).status, 200);
  assert.equal((await post('stop', { serial })).status, 200);
  assert.equal((await post('send', { from: 'alice', to: 'bob', text: 'through OPPO' })).status, 200);
  assert.equal((await post('advance', { by: '5m' })).status, 200);
  // Failures a person runs into: their answers are shown on the page.
  assert.equal((await post('send', { from: 'alice', to: 'nobody_here', text: 'to no one' })).status >= 400, true);
  assert.equal((await post('login', { serial, user: 'carol' })).status, 400);
  assert.equal((await post('send', { from: 'alice', to: 'bob', text: 'x', ext: '{not json' })).status, 400);

  const controller = new AbortController();
  t.after(() => controller.abort());
  const events = await fetch(`${view.url}events`, { headers: auth, signal: controller.signal });
  const reader = events.body!.getReader();
  let stream = '';
  while (!stream.includes('\n\n')) stream += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  texts.set('events', stream);
  const { panels } = JSON.parse(stream.slice(stream.indexOf('data: ') + 6, stream.indexOf('\n\n'))) as { panels: Record<string, string> };
  // What was searched is the real thing: a push OPPO authenticated and accepted, sessions, certificates.
  assert.match(panels.traces ?? '', /OPPO<\/b> accepted/, 'the push went through OPPO (its auth_token was issued)');
  assert.match(panels.im ?? '', /Certificates/);
  texts.set('recording.yaml', (await send(view.url, 'GET', '/recording.yaml', { headers: auth })).text);
  assert.match(texts.get('recording.yaml')!, /send:/);

  assert.deepEqual(leaksIn(texts, fixtureSecrets(token)), []);
  // The detector is not blind here: the lab token in a text is found.
  assert.deepEqual(leaksIn([['probe', `?token=${token}`]], fixtureSecrets(token)), ['probe: the lab token']);
});
