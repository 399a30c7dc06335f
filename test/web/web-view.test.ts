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
import { join } from 'node:path';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { parseFlow } from '../../harness/flows/parse.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { startWebView } from '../../harness/web/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const BIN = new URL('../../bin/push-lab.js', import.meta.url).pathname;
/** The launch flags: no sandbox (root in a container), and nothing that reaches the network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function labWithView(t: { after(fn: () => Promise<void>): void }, phones = 1) {
  const clock = new VirtualClock({ start: Date.UTC(2026, 2, 1, 9, 0, 0) });
  const lab = await startLab({ clock, phones });
  const view = await startWebView({ urls: { lab: lab.url, im: lab.im.url, oppo: lab.oppo.url }, refreshMs: 100 });
  t.after(async () => {
    await view.close();
    await lab.stop();
    clock.dispose();
  });
  return { lab, view };
}

/** The first SSE message of the stream. */
async function firstEvent(url: string): Promise<{ panels: Record<string, string>; recording: string }> {
  const controller = new AbortController();
  const res = await fetch(`${url}events`, { signal: controller.signal });
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  return JSON.parse(text.slice(text.indexOf('data: ') + 6, text.indexOf('\n\n')));
}

test('web view API: page, live panels, actions recorded as flow steps, bad requests refused', async (t) => {
  const { view } = await labWithView(t);
  const page = await fetch(view.url);
  assert.match(await page.text(), /<div id="panel-phones">/);
  const post = (action: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${view.url}api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  assert.equal((await post('user', { id: 'alice' })).status, 200);
  assert.equal((await post('user', { id: 'bad id!' })).status, 400);
  const unknown = await post('frobnicate', {});
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { error: string }).error, /actions: user, login/);
  assert.equal((await post('user', { id: 'mallory' }, { origin: 'http://evil.example' })).status, 403);
  assert.equal((await post('advance', { by: '10m' })).status, 200);
  const event = await firstEvent(view.url);
  assert.match(event.panels.im!, /<td>alice<\/td><td>Alice<\/td>/);
  assert.match(event.panels.phones!, /<svg[^>]*>.*IM Demo/s, 'the phone card carries the live screen with its text');
  assert.match(event.panels.clock!, /2026-03-01 09:10:00 UTC/);
  assert.equal(event.recording.split('---\n')[1], '- user: alice\n- advance: 10m\n');
  assert.equal((await fetch(`${view.url}recording.yaml`)).headers.get('content-type')?.split(';')[0], 'text/yaml');
});

test('in headless Chromium: a push arrives live, Tap opens it, the recorded flow runs green', async (t) => {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: no ${CHROMIUM} — install Debian package chromium`);
    t.skip('install Debian package chromium');
    return;
  }
  const { chromium } = await import('playwright-core');
  const { view } = await labWithView(t);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
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
  await page.locator('[data-testid=trace] .hop', { hasText: 'shown' }).waitFor();

  await entry.locator('button[data-action=tap]').click();
  await phone.locator('[data-testid=screen] text', { hasText: 'conv = c2c_alice' }).waitFor();
  await page.locator('[data-testid=trace] .hop', { hasText: 'conv=c2c_alice' }).waitFor();
  await page.locator('[data-testid=recording]', { hasText: 'tapNotification' }).waitFor();

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
