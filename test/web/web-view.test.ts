/**
 * The lab in a browser. Without a browser: the page, the SSE stream, the API's refusals. In real
 * headless Chromium (Debian's /usr/bin/chromium through playwright-core, no browser download): the
 * page loads, a push sent from the form arrives live on the phone's screen and shade, the Tap button
 * opens it (extras on the phone, the trace's timeline to the extras), and the recorder's YAML runs
 * green with `npx push-lab test`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { bindHttpServer, closeHttpServer } from '../../mock-oppo/transport/listen.ts';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { parseFlow } from '../../harness/flows/parse.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { startWebView } from '../../harness/web/server.ts';
import { RemotePhone } from '../../harness/phone/http/remote-phone.ts';
import type { UiNode } from '../../harness/phone/api.ts';
import { WEB_TOKEN_HEADER } from '../../mock-oppo/access/guard.ts';
import { tokenHeaders } from '../../mock-oppo/access/client.ts';
import { errorCode, send } from '../access/http.ts';

const CHROMIUM = '/usr/bin/chromium';
const BIN = new URL('../../bin/push-lab.js', import.meta.url).pathname;
/** The launch flags: no sandbox (root in a container), and nothing that reaches the network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A lab and its web view; with `token`, the lab enforces it (also on loopback) and the view serves behind the lab's guard. */
async function labWithView(t: { after(fn: () => Promise<void>): void }, phones = 1, token?: string) {
  const clock = new VirtualClock({ start: Date.UTC(2026, 2, 1, 9, 0, 0) });
  const lab = await startLab({ clock, phones, ...(token ? { token } : {}) });
  const urls = { lab: lab.url, im: lab.im.url, oppo: lab.oppo.url };
  const view = await startWebView(token ? { urls: { ...urls, token }, access: lab.access, refreshMs: 100 } : { urls, refreshMs: 100 });
  t.after(async () => {
    await view.close();
    await lab.stop();
    clock.dispose();
  });
  return { lab, view };
}

const findNode = (node: UiNode, test: (n: UiNode) => boolean): UiNode | undefined => (test(node) ? node : node.children.map((c) => findNode(c, test)).find(Boolean));

/** The first SSE message of the stream. */
async function firstEvent(url: string, headers: Record<string, string> = {}): Promise<{ panels: Record<string, string>; recording: string }> {
  const controller = new AbortController();
  const res = await fetch(`${url}events`, { signal: controller.signal, headers });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  return JSON.parse(text.slice(text.indexOf('data: ') + 6, text.indexOf('\n\n')));
}

test('web view API: page, live panels, actions recorded as flow steps, bad requests refused', async (t) => {
  const { view } = await labWithView(t);
  const page = await (await fetch(view.url)).text();
  assert.match(page, /<div id="panel-phones">/);
  const webToken = webTokenOf(page);
  const post = (action: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${view.url}api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', [WEB_TOKEN_HEADER]: webToken, ...headers }, body: JSON.stringify(body) });
  assert.equal((await post('user', { id: 'alice' })).status, 200);
  assert.equal((await post('user', { id: 'bad id!' })).status, 400);
  const unknown = await post('frobnicate', {});
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { error: string }).error, /actions: user, login/);
  assert.equal((await post('advance', { by: '10m' })).status, 200);
  const event = await firstEvent(view.url);
  assert.match(event.panels.im!, /<td>alice<\/td><td>Alice<\/td>/);
  assert.match(event.panels.phones!, /<svg[^>]*>.*IM Demo/s, 'the phone card carries the live screen with its text');
  assert.match(event.panels.clock!, /2026-03-01 09:10:00 UTC/);
  assert.equal(event.recording.split('---\n')[1], '- user: alice\n- advance: 10m\n');
  assert.equal((await fetch(`${view.url}recording.yaml`)).headers.get('content-type')?.split(';')[0], 'text/yaml');
});

test("the trace timeline is the lab's joined trace: a tap made outside the view shows as tap → activity → extras, and where the message ended", async (t) => {
  const { lab, view } = await labWithView(t);
  const webToken = webTokenOf(await (await fetch(view.url)).text());
  const post = async (action: string, body: unknown) => {
    const res = await fetch(`${view.url}api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', [WEB_TOKEN_HEADER]: webToken }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, `${action}: ${await res.text()}`);
  };
  const serial = lab.farm.list()[0]!.serial;
  for (const id of ['alice', 'bob']) await post('user', { id });
  await post('login', { serial, user: 'bob' });
  await post('stop', { serial });
  await post('send', { from: 'alice', to: 'bob', text: 'tapped elsewhere', ext: '{"conv":"c2c_alice"}' });
  // The tap goes straight through the phone API (as a spec or Appium would), not through the view.
  const phone = new RemotePhone(lab.url, serial);
  await phone.openNotifications();
  const row = findNode(await phone.uiTree(), (n) => n.resourceId.endsWith(':id/expandableNotificationRow'));
  assert.ok(row, 'the shade shows the notification');
  await phone.tap(row.id);

  const traces = (await firstEvent(view.url)).panels.traces!;
  const hops = [...traces.matchAll(/<li class="hop (\w+)"><b>([^<]+)<\/b> ([^<]*)<\/li>/g)].map((m) => `${m[2]}: ${m[3]}`);
  assert.match(traces, /Alice → bob on <span class="mono">virtual-oppo-/);
  assert.equal(hops[0], 'IM: vendor_push (push_online, link_closed)');
  for (const hop of ['OPPO: unicast 0', 'OPPO: accepted', 'phone: shown on channel tuikit', 'tap: tapped', 'extras: conv=c2c_alice', '⇒: shown, then removed (click)']) assert.ok(hops.includes(hop), `${hop} in ${hops.join(' | ')}`);
  assert.ok(hops.indexOf('tap: tapped') < hops.indexOf('extras: conv=c2c_alice'));
  assert.match(hops.find((h) => h.startsWith('activity: ')) ?? '', /com\.tencent\.qcloud\.tim\.demo\//);
});

/** The web token the page embeds (and sends with every change). */
function webTokenOf(page: string): string {
  const token = /<meta name="push-lab-web-token" content="([^"]+)">/.exec(page)?.[1];
  assert.ok(token, 'the page carries its web token');
  return token;
}

/** The IM accounts, read from the lab's IM console (with the lab token when it has one). */
async function accounts(imUrl: string, token?: string): Promise<string[]> {
  const res = await fetch(`${imUrl}/_im/v1/accounts`, { headers: tokenHeaders(token) });
  assert.equal(res.status, 200);
  return ((await res.json()) as { accounts: Array<{ userId: string }> }).accounts.map((a) => a.userId);
}

test("web view on loopback: every change needs the page's web token, a foreign Origin or Host is refused, and a refused call changes nothing", async (t) => {
  const { lab, view } = await labWithView(t, 0);
  const page = await send(view.url, 'GET', '/');
  assert.equal(page.status, 200);
  const webToken = webTokenOf(page.text);
  const { port } = new URL(view.url);
  const post = (headers: Record<string, string>, id: string) => send(view.url, 'POST', '/api/user', { headers, body: { id } });

  // Same-origin but without the web token (what a form on another page can always send): refused.
  const noToken = await post({}, 'mallory1');
  assert.equal(noToken.status, 403);
  assert.equal(errorCode(noToken), 'web_token_required');
  assert.equal(errorCode(await post({ [WEB_TOKEN_HEADER]: 'not-the-token-of-this-view' }, 'mallory2')), 'web_token_required');
  // Another page's fetch: its Origin is not the view's.
  const foreign = await post({ origin: 'http://evil.example' }, 'mallory3');
  assert.equal(foreign.status, 403);
  assert.equal(errorCode(foreign), 'forbidden_origin');
  // DNS rebinding: a name of the attacker's that resolves to 127.0.0.1; reads are refused too.
  for (const method of ['GET', 'POST']) {
    const rebound = await send(view.url, method, method === 'GET' ? '/' : '/api/user', { headers: { host: `evil.example:${port}`, [WEB_TOKEN_HEADER]: webToken }, ...(method === 'POST' ? { body: { id: 'mallory4' } } : {}) });
    assert.equal(rebound.status, 403, method);
    assert.equal(errorCode(rebound), 'forbidden_host');
  }
  assert.deepEqual((await accounts(lab.im.url)).filter((a) => a.startsWith('mallory')), [], 'no refused call created an account');

  // The page's own calls: same origin, with its token.
  assert.equal((await post({ origin: `http://127.0.0.1:${port}`, [WEB_TOKEN_HEADER]: webToken }, 'erin')).status, 200);
  assert.equal((await send(view.url, 'GET', '/', { headers: { host: `localhost:${port}` } })).status, 200);
  assert.ok((await accounts(lab.im.url)).includes('erin'));
});

test('web view of a lab with a token: a browser logs in once with ?token=, the cookie keeps it in, and the view passes the token on to the lab', async (t) => {
  const token = 'web-view-test-token-0123456789';
  const { lab, view } = await labWithView(t, 1, token);
  assert.equal((await send(view.url, 'GET', '/')).status, 401);
  assert.equal((await send(view.url, 'GET', '/events')).status, 401);
  assert.equal((await send(view.url, 'GET', '/?token=not-the-lab-token-at-all')).status, 401);

  const login = await send(view.url, 'GET', '/?token=' + token);
  assert.equal(login.status, 303);
  assert.equal(login.headers.location, '/', 'the token leaves the address bar');
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  assert.doesNotMatch(cookie, new RegExp(token), 'the cookie holds the web token, not the lab token');
  const page = await send(view.url, 'GET', '/', { headers: { cookie } });
  assert.equal(page.status, 200);
  const webToken = webTokenOf(page.text);

  // Logged in, a change still needs the page's header; with it, the view's calls reach the guarded lab.
  assert.equal(errorCode(await send(view.url, 'POST', '/api/user', { headers: { cookie }, body: { id: 'mallory' } })), 'web_token_required');
  assert.equal((await send(view.url, 'POST', '/api/user', { headers: { cookie, [WEB_TOKEN_HEADER]: webToken }, body: { id: 'erin' } })).status, 200);
  assert.equal((await send(view.url, 'POST', '/api/advance', { headers: { cookie, [WEB_TOKEN_HEADER]: webToken }, body: { by: '1m' } })).status, 200);
  const ids = await accounts(lab.im.url, token);
  assert.ok(ids.includes('erin') && !ids.includes('mallory'), ids.join(', '));
  const event = await firstEvent(view.url, { cookie });
  assert.match(event.panels.im!, /<td>erin<\/td>/);
  assert.match(event.panels.phones!, /<svg/, "the phones' screens come through the guarded phone API");
  assert.match(event.panels.clock!, /2026-03-01 09:01:00 UTC/);
});

test('in headless Chromium: a push arrives live, Tap opens it, the recorded flow runs green', async (t) => {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: no ${CHROMIUM} — install Debian package chromium`);
    t.skip('install Debian package chromium');
    return;
  }
  const { chromium } = await import('playwright-core');
  const { lab, view } = await labWithView(t);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  // One context for both pages: a page elsewhere shares the view's cookies, as in a person's browser.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(view.url);
  await page.waitForSelector('body[data-live=yes]');
  const phone = page.locator('article.phone').first();

  for (const id of ['alice', 'bob']) {
    await page.fill('form[data-form=user] input[name=id]', id);
    await page.click('form[data-form=user] button');
    await page.waitForSelector(`select[data-role=login-user] option:text-is("${id}")`, { state: 'attached' });
  }
  await phone.locator('select[data-role=login-user]').selectOption('bob');
  await phone.locator('button[data-action=login]').click();
  await phone.locator('[data-testid=screen] text', { hasText: 'Chats' }).waitFor();
  await phone.locator('button[data-action=stop]').click();
  await phone.locator('[data-testid=app-state]', { hasText: 'not running' }).waitFor();

  await page.selectOption('form[data-form=send] select[name=from]', 'alice');
  await page.selectOption('form[data-form=send] select[name=to]', 'bob');
  await page.fill('form[data-form=send] input[name=text]', 'Hello from the web');
  await page.fill('form[data-form=send] input[name=ext]', '{"conv":"c2c_alice"}');
  await page.click('form[data-form=send] button');
  // Live: no reload; the SSE stream brings the shade entry and the trace.
  const entry = phone.locator('[data-testid=shade-entry]', { hasText: 'Hello from the web' });
  await entry.waitFor();
  await page.locator('[data-testid=trace] .hop', { hasText: 'phone shown on channel tuikit' }).waitFor();

  await entry.locator('button[data-action=tap]').click();
  await phone.locator('[data-testid=screen] text', { hasText: 'conv = c2c_alice' }).waitFor();
  await page.locator('[data-testid=trace] .hop', { hasText: 'conv=c2c_alice' }).waitFor();
  await page.locator('[data-testid=recording]', { hasText: 'tapNotification' }).waitFor();

  // A page from elsewhere in the same browser (another origin: another loopback port) tries to drive
  // the lab through the view: a no-cors fetch and a form post. Both reach the view and are refused.
  const evil = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
  const evilUrl = await bindHttpServer(evil, 0, '127.0.0.1');
  t.after(() => closeHttpServer(evil));
  const other = await context.newPage();
  await other.goto(evilUrl);
  const statuses: number[] = [];
  other.on('response', (r) => {
    if (r.url().startsWith(view.url)) statuses.push(r.status());
  });
  await other.evaluate(async (target) => {
    await fetch(`${target}api/user`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ id: 'mallory' }) });
  }, view.url);
  await Promise.all([
    other.waitForURL(`${view.url}api/user`),
    other.evaluate((target) => {
      const form = Object.assign(document.createElement('form'), { method: 'POST', action: `${target}api/user`, enctype: 'text/plain' });
      form.append(Object.assign(document.createElement('input'), { name: '{"id":"mallory2","x":"', value: '"}' }));
      document.body.append(form);
      form.submit();
    }, view.url),
  ]);
  assert.match((await other.textContent('body')) ?? '', /forbidden_origin/);
  assert.deepEqual(statuses, [403, 403]);
  assert.deepEqual((await accounts(lab.im.url)).filter((a) => a.startsWith('mallory')), []);
  assert.doesNotMatch((await page.locator('[data-testid=recording]').textContent()) ?? '', /mallory/);
  await other.close();

  mkdirSync('reports', { recursive: true });
  const shot = await page.screenshot({ fullPage: true });
  writeFileSync(process.env.WEB_VIEW_SCREENSHOT ?? 'reports/web-view.png', shot);

  const recorded = await page.locator('[data-testid=recording]').textContent();
  assert.ok(recorded);
  const flow = parseFlow(recorded, 'recorded.yaml');
  assert.deepEqual(flow.steps.map((s) => s.command), ['user', 'user', 'login', 'stopApp', 'send', 'assertNotification', 'tapNotification', 'assertExtras']);
  const dir = mkdtempSync(join(tmpdir(), 'recorded-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'recorded.yaml'), recorded);
  const run = spawnSync(process.execPath, [BIN, 'test', join(dir, 'recorded.yaml')], { encoding: 'utf8', env: { ...process.env, E2E_PROFILE: 'virtual' } });
  assert.equal(run.status, 0, `${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`);
  assert.match(run.stdout, /1 passing/);
});
