/**
 * The UiAutomator2 server facade over real HTTP on loopback (a listener on an ephemeral port hands
 * its sockets to the facade, as the phone's device port does): routes, JSON shapes and W3C errors
 * of appium-uiautomator2-server, against a virtual phone.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import { Uia2Server } from '../../harness/phone/uia2/server.ts';
import { W3C_ELEMENT_KEY } from '../../harness/phone/uia2/protocol.ts';
import { bootPhone, PKG } from './fakes.ts';
import { send } from '../access/http.ts';

interface Answer {
  status: number;
  body: { value: any; sessionId: string | null };
}

async function rig(t: TestContext) {
  const { phone } = await bootPhone();
  let deleted = 0;
  const server = new Uia2Server({
    device: phone,
    build: { version: '10.6.6', versionCode: 216 },
    targetPackage: 'io.appium.uiautomator2.server',
    onSessionDeleted: () => deleted++,
  });
  const listener = createServer((socket) => server.accept(socket));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.close();
    await new Promise((resolve) => listener.close(resolve));
    await phone.shutdown();
  });
  const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };
  return { phone, server, call, base, deleted: () => deleted };
}

async function session(call: (m: string, p: string, b?: unknown) => Promise<Answer>, caps: Record<string, unknown> = {}) {
  const created = await call('POST', '/session', { capabilities: { firstMatch: [{ platformName: 'Android', ...caps }], alwaysMatch: {} } });
  assert.equal(created.status, 200);
  const id = created.body.sessionId!;
  return { id, s: (path: string) => `/session/${id}${path}`, created };
}

test('status, sessions and the session lifecycle have the server shapes; DELETE ends the session and tells the owner', async (t) => {
  const { call, deleted } = await rig(t);
  const status = await call('GET', '/status');
  assert.deepEqual(status.body, { value: { ready: true, message: 'UiAutomator2 Server is ready to accept commands', build: { version: '10.6.6', versionCode: 216 } }, sessionId: null });
  assert.deepEqual((await call('GET', '/sessions')).body, { value: [], sessionId: null });

  const { id, s, created } = await session(call, { 'appium:appPackage': PKG });
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(created.body.value, { capabilities: { firstMatch: [{ platformName: 'Android', 'appium:appPackage': PKG }], alwaysMatch: {} }, sessionId: id });
  const sessions = (await call('GET', '/sessions')).body.value;
  assert.deepEqual(sessions, [{ id, sessionId: id, capabilities: { platformName: 'Android', appPackage: PKG } }]);

  assert.equal(deleted(), 0);
  const gone = await call('DELETE', s(''));
  assert.deepEqual(gone, { status: 200, body: { value: null, sessionId: id } });
  assert.equal(deleted(), 1);
  const again = await call('GET', s('/source'));
  assert.equal(again.status, 404);
  assert.equal(again.body.value.error, 'invalid session id');
  assert.equal((await call('DELETE', s(''))).body.value.error, 'invalid session id');
});

test('finding by id, accessibility id, class name, UiSelector and xpath; element ids under both keys', async (t) => {
  const { phone, call } = await rig(t);
  await phone.activateApp(PKG);
  const { s } = await session(call, { 'appium:appPackage': PKG });
  const find = async (strategy: string, selector: string) => (await call('POST', s('/element'), { strategy, selector })).body.value;

  const byId = await find('id', 'login_btn');
  assert.deepEqual(Object.keys(byId).sort(), ['ELEMENT', W3C_ELEMENT_KEY].sort());
  assert.equal(byId.ELEMENT, byId[W3C_ELEMENT_KEY]);
  for (const [strategy, selector] of [
    ['id', `${PKG}:id/login_btn`],
    ['accessibility id', 'login'],
    ['-android uiautomator', 'new UiSelector().text("Login")'],
    ['xpath', `//android.widget.Button[@resource-id='${PKG}:id/login_btn']`],
  ] as const) {
    assert.equal((await find(strategy, selector)).ELEMENT, byId.ELEMENT, `${strategy} finds the same element`);
  }
  const texts = (await call('POST', s('/elements'), { strategy: 'class name', selector: 'android.widget.TextView' })).body.value;
  assert.ok(texts.length >= 1);
  assert.deepEqual((await call('POST', s('/elements'), { strategy: 'id', selector: 'nope' })).body.value, [], 'no match: an empty list, not an error');

  const el = (path: string) => s(`/element/${byId.ELEMENT}${path}`);
  assert.equal((await call('GET', el('/text'))).body.value, 'Login');
  assert.equal((await call('GET', el('/name'))).body.value, 'login', 'GetName answers the content-desc');
  assert.equal((await call('GET', el('/attribute/resource-id'))).body.value, `${PKG}:id/login_btn`);
  assert.equal((await call('GET', el('/attribute/clickable'))).body.value, 'true');
  assert.equal((await call('GET', el('/attribute/name'))).body.value, 'Login', "'name' is the text, as the server's Attribute enum says");
  const rect = (await call('GET', el('/rect'))).body.value;
  const node = (await phone.uiTree()).children.flatMap(function all(n): typeof n[] { return [n, ...n.children.flatMap(all)]; }).find((n) => n.resourceId === `${PKG}:id/login_btn`)!;
  assert.deepEqual(rect, { x: node.bounds[0], y: node.bounds[1], width: node.bounds[2] - node.bounds[0], height: node.bounds[3] - node.bounds[1] });

  // With the session's package gone, a bare id resolves against the instrumentation target, as the server does.
  const { s: bare } = await session(call);
  assert.equal((await call('POST', bare('/element'), { strategy: 'id', selector: 'login_btn' })).status, 404);
  await call('POST', bare('/appium/settings'), { settings: { disableIdLocatorAutocompletion: true } });
  assert.equal((await call('POST', bare('/element'), { strategy: 'id', selector: `${PKG}:id/login_btn` })).status, 200);
});

test('typing, clearing and clicking drive the app; the source and the screenshot show the screen', async (t) => {
  const { phone, call } = await rig(t);
  await phone.activateApp(PKG);
  const { s } = await session(call, { 'appium:appPackage': PKG });
  const field = (await call('POST', s('/element'), { strategy: 'id', selector: 'login_user' })).body.value.ELEMENT;
  await call('POST', s(`/element/${field}/value`), { text: 'bo', replace: false });
  await call('POST', s(`/element/${field}/value`), { text: 'b', replace: false });
  assert.equal((await call('GET', s(`/element/${field}/text`))).body.value, 'bob', 'without replace the text is appended');
  await call('POST', s(`/element/${field}/clear`), {});
  assert.equal((await call('GET', s(`/element/${field}/text`))).body.value, '');
  await call('POST', s(`/element/${field}/value`), { text: 'alice', replace: true });
  const login = (await call('POST', s('/element'), { strategy: 'accessibility id', selector: 'login' })).body.value.ELEMENT;
  assert.deepEqual(await call('POST', s(`/element/${login}/click`), {}), { status: 200, body: { value: null, sessionId: s('').split('/')[2]! } });
  await phone.sync();
  const source = (await call('GET', s('/source'))).body.value as string;
  assert.match(source, /^<\?xml version='1.0' encoding='UTF-8' standalone='yes' \?>\n<hierarchy /);
  assert.match(source, new RegExp(`resource-id="${PKG}:id/logout_btn"`), 'logged in: the main screen shows');
  const stale = await call('GET', s(`/element/${field}/text`));
  assert.equal(stale.status, 404);
  assert.equal(stale.body.value.error, 'stale element reference');

  const png = PNG.sync.read(Buffer.from((await call('GET', s('/screenshot'))).body.value, 'base64'));
  const size = (await call('GET', s('/window/current/size'))).body.value;
  assert.deepEqual({ width: png.width, height: png.height }, size);
  assert.deepEqual(size, await phone.windowSize());
});

test('device routes: info, pixel ratio, system bars, notifications shade, keys and back', async (t) => {
  const { phone, call } = await rig(t);
  const { s } = await session(call);
  assert.deepEqual((await call('GET', s('/appium/device/info'))).body.value, await phone.deviceInfo());
  const density = (await phone.deviceInfo()).displayDensity;
  assert.equal((await call('GET', s('/appium/device/pixel_ratio'))).body.value, density / 160);
  assert.deepEqual((await call('GET', s('/appium/device/system_bars'))).body.value, { statusBar: phone.statusBarHeight() });
  assert.equal(phone.statusBarHeight(), Math.round((24 * density) / 160));

  await call('POST', s('/appium/device/open_notifications'), {});
  assert.equal(phone.shadeOpen, true);
  await call('POST', s('/back'), {});
  assert.equal(phone.shadeOpen, false);
  await call('POST', s('/appium/device/press_keycode'), { keycode: 83 });
  assert.equal(phone.shadeOpen, true);
  await call('POST', s('/appium/device/press_keycode'), { keycode: 3 });
  assert.equal(phone.shadeOpen, false);
  const bad = await call('POST', s('/appium/device/press_keycode'), { keycode: 'HOME' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.value.error, 'invalid argument');
});

test('settings: defaults, updates (unknown names skipped, wrong types refused), reset by a new session', async (t) => {
  const { call } = await rig(t);
  const { s } = await session(call);
  const defaults = (await call('GET', s('/appium/settings'))).body.value;
  assert.equal(defaults.shouldUseCompactResponses, true);
  assert.equal(defaults.elementResponseAttributes, 'name,text');
  assert.equal(defaults.waitForIdleTimeout, 10000);
  assert.equal((await call('POST', s('/appium/settings'), { settings: { waitForIdleTimeout: 0, noSuchSetting: 1 } })).status, 200);
  const after = (await call('GET', s('/appium/settings'))).body.value;
  assert.equal(after.waitForIdleTimeout, 0);
  assert.equal('noSuchSetting' in after, false);
  const wrong = await call('POST', s('/appium/settings'), { settings: { waitForIdleTimeout: 'soon' } });
  assert.equal(wrong.status, 400);
  assert.equal((await call('GET', s('/appium/settings'))).body.value.waitForIdleTimeout, 0, 'a refused update changes nothing');

  await call('POST', s('/appium/settings'), { settings: { shouldUseCompactResponses: false, elementResponseAttributes: 'name,text,rect,attribute/class' } });
  const full = (await call('POST', s('/element'), { strategy: 'class name', selector: 'android.widget.FrameLayout' })).body.value;
  assert.deepEqual(Object.keys(full).sort(), ['ELEMENT', 'attribute/class', W3C_ELEMENT_KEY, 'name', 'rect', 'text'].sort());
  assert.equal(full['attribute/class'], 'android.widget.FrameLayout');

  const { s: next } = await session(call);
  assert.equal((await call('GET', next('/appium/settings'))).body.value.waitForIdleTimeout, 10000);
});

test('errors are W3C JSON with the server statuses', async (t) => {
  const { call } = await rig(t);
  const { s } = await session(call);
  const expect = async (answer: Promise<Answer>, status: number, error: string, message?: RegExp) => {
    const { status: got, body } = await answer;
    assert.equal(got, status, JSON.stringify(body));
    assert.equal(body.value.error, error);
    assert.equal(typeof body.value.stacktrace, 'string');
    if (message) assert.match(body.value.message, message);
  };
  await expect(call('POST', s('/element'), { strategy: 'id', selector: 'nope' }), 404, 'no such element', /could not be located/);
  await expect(call('POST', s('/element'), { strategy: 'css selector', selector: 'a' }), 400, 'invalid selector');
  await expect(call('POST', s('/element'), { strategy: 'xpath', selector: '//*[@text=' }), 400, 'invalid selector');
  await expect(call('POST', s('/element'), { strategy: '-android uiautomator', selector: 'new UiScrollable()' }), 400, 'invalid selector', /UiScrollable is not supported/);
  await expect(call('POST', s('/element'), { selector: 'x' }), 400, 'invalid argument', /'strategy'/);
  await expect(call('GET', s('/element/not-an-element/text')), 404, 'no such element');
  await expect(call('GET', s('/element/x/attribute/hint')), 404, 'no such element');
  await expect(call('GET', '/no/such/route'), 404, 'unknown command');
  await expect(call('POST', s('/element'), '{not json'), 400, 'invalid argument', /not valid JSON/);
  await expect(call('POST', '/session', {}), 500, 'session not created', /capabilities/);
  const label = (await call('POST', s('/element'), { strategy: 'class name', selector: 'android.widget.TextView' })).body.value.ELEMENT;
  await expect(call('GET', s(`/element/${label}/attribute/hint`)), 400, 'invalid argument', /does not have the 'hint' attribute/);
  await expect(call('POST', s(`/element/${label}/value`), { text: 'x' }), 400, 'invalid element state');
});

test('W3C actions: a tap on an element origin clicks it, a swipe down from the status bar pulls the shade; orientation', async (t) => {
  const { phone, call } = await rig(t);
  await phone.activateApp(PKG);
  const { s } = await session(call, { 'appium:appPackage': PKG });
  const field = (await call('POST', s('/element'), { strategy: 'id', selector: 'login_user' })).body.value.ELEMENT;
  await call('POST', s(`/element/${field}/value`), { text: 'carol', replace: true });
  const login = (await call('POST', s('/element'), { strategy: 'id', selector: 'login_btn' })).body.value;
  const tap = [{ type: 'pointer', id: 'finger1', parameters: { pointerType: 'touch' }, actions: [
    { type: 'pointerMove', duration: 0, origin: login, x: 0, y: 0 },
    { type: 'pointerDown', button: 0 },
    { type: 'pause', duration: 50 },
    { type: 'pointerUp', button: 0 },
  ] }];
  assert.equal((await call('POST', s('/actions'), { actions: tap })).status, 200);
  await phone.sync();
  assert.equal((await call('POST', s('/element'), { strategy: 'id', selector: 'logout_btn' })).status, 200, 'the tap logged in');

  const { width } = await phone.windowSize();
  const pull = [{ type: 'pointer', id: 'finger1', parameters: { pointerType: 'touch' }, actions: [
    { type: 'pointerMove', duration: 0, x: Math.round(width / 2), y: 5 },
    { type: 'pointerDown', button: 0 },
    { type: 'pointerMove', duration: 300, x: Math.round(width / 2), y: 1200 },
    { type: 'pointerUp', button: 0 },
  ] }];
  await call('POST', s('/actions'), { actions: pull });
  assert.equal(phone.shadeOpen, true);
  const bad = await call('POST', s('/actions'), { actions: 'tap' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.value.error, 'invalid argument');

  assert.equal((await call('GET', s('/orientation'))).body.value, 'PORTRAIT');
  await call('POST', s('/orientation'), { orientation: 'LANDSCAPE' });
  assert.equal(await phone.orientation(), 'LANDSCAPE');
  assert.deepEqual((await call('GET', s('/window/current/size'))).body.value, await phone.windowSize());
  assert.equal((await call('POST', s('/orientation'), { orientation: 'SIDEWAYS' })).status, 400);
});

test('a web page cannot drive the phone through a forwarded port: a foreign Origin or Host gets 403 and no session starts; drivers are served', async (t) => {
  const { call, base, server } = await rig(t);
  const caps = JSON.stringify({ capabilities: { firstMatch: [{ platformName: 'Android' }], alwaysMatch: {} } });
  // What a cross-site form or fetch can send without a preflight: text/plain, which the server would parse as JSON.
  const crossSite = await send(base, 'POST', '/session', { headers: { origin: 'http://attacker.example', 'content-type': 'text/plain' }, body: caps });
  assert.equal(crossSite.status, 403);
  assert.equal(crossSite.json<{ value: { error: string } }>().value.error, 'forbidden_origin');
  const rebound = await send(base, 'POST', '/session', { headers: { host: 'attacker.example', 'content-type': 'text/plain' }, body: caps });
  assert.equal(rebound.status, 403);
  assert.equal((await send(base, 'GET', '/status', { headers: { host: 'attacker.example' } })).status, 403, 'a rebound page cannot read it either');
  assert.equal(server.sessionId, undefined, 'no session was created');
  assert.deepEqual((await call('GET', '/sessions')).body.value, []);
  const driver = await send(base, 'POST', '/session', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: caps });
  assert.equal(driver.status, 200);
  assert.equal(server.sessionId, driver.json<{ sessionId: string }>().sessionId);
});
