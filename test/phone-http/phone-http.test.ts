import { test } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { PhoneApi } from '../../harness/phone/api.ts';
import { createPhoneRouter, PhoneHttpError, PHONES_PATH, PHONE_ROUTES, RemotePhone } from '../../harness/phone/http/index.ts';
import type { PhoneRouterOptions } from '../../harness/phone/http/index.ts';
import { APP, FakePhone } from '../driver/fake-phone.ts';
import { startFakeLab } from '../driver/fake-lab.ts';

async function serve(t: { after(fn: () => Promise<void>): void }, resolve: (s: string) => PhoneApi | undefined, options?: PhoneRouterOptions) {
  const app = express();
  app.use(PHONES_PATH, createPhoneRouter(resolve, options));
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  t.after(() => new Promise<void>((ok) => server.close(() => ok())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Canned arguments for every PhoneApi method, and what the recording phone answers. */
const CALLS: { [M in keyof typeof PHONE_ROUTES]: { args: unknown[]; result: unknown } } = {
  deviceInfo: { args: [], result: { brand: 'OPPO', model: 'CPH2581' } },
  uiTree: { args: [], result: { id: 'root', children: [] } },
  tap: { args: ['shade/0|pkg|1|null|10086/title'], result: undefined },
  setText: { args: ['app/user', 'alice & bob'], result: undefined },
  pressKey: { args: [4], result: undefined },
  openNotifications: { args: [], result: undefined },
  collapseNotifications: { args: [], result: undefined },
  getNotifications: { args: [], result: { statusBarNotifications: [] } },
  queryAppState: { args: [APP], result: 3 },
  activateApp: { args: [APP], result: undefined },
  terminateApp: { args: [APP], result: true },
  backgroundApp: { args: [-1], result: undefined },
  startActivity: { args: [{ component: `${APP}/.SplashActivity`, extras: [['s', 'k', 'v']] }], result: 'Status: ok\n' },
  currentActivity: { args: [], result: null },
  currentPackage: { args: [], result: APP },
  isAppInstalled: { args: ['com.example?x=1&y'], result: false },
  installApp: { args: [{ id: 'variant', extends: 'tim-demo' }], result: undefined },
  removeApp: { args: ['com.example'], result: true },
  shell: { args: ["getprop 'ro.product.brand'"], result: { stdout: 'OPPO\n', stderr: '', exitCode: 0 } },
  logcat: { args: [7], result: [] },
  screenshot: { args: [], result: 'iVBORw0KGgo=' },
  screenSvg: { args: [], result: '<svg xmlns="http://www.w3.org/2000/svg"/>' },
  windowSize: { args: [], result: { width: 1080, height: 2400 } },
  touch: { args: [{ kind: 'swipe', from: { x: 540, y: 10 }, to: { x: 540, y: 1200 }, durationMs: 300 }], result: undefined },
  orientation: { args: [], result: 'LANDSCAPE' },
  setOrientation: { args: ['LANDSCAPE'], result: undefined },
};

test('every PhoneApi method travels with its arguments and result intact', async (t) => {
  const seen: Array<[string, unknown[]]> = [];
  const recorder = new Proxy({ serial: 'rec-1' } as PhoneApi, {
    get(target, prop) {
      if (prop === 'serial') return target.serial;
      return async (...args: unknown[]) => {
        seen.push([String(prop), args]);
        return CALLS[prop as keyof typeof CALLS].result;
      };
    },
  });
  const url = await serve(t, (s) => (s === 'rec-1' ? recorder : undefined));
  const remote = new RemotePhone(url, 'rec-1') as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const [method, { args, result }] of Object.entries(CALLS)) {
    const got = await remote[method]!(...args);
    assert.deepEqual(got, result, `${method} result`);
    assert.deepEqual(seen.at(-1), [method, args], `${method} arguments`);
  }
  assert.equal(seen.length, Object.keys(PHONE_ROUTES).length);
  // an optional argument left out stays out
  await remote.logcat!();
  assert.deepEqual(seen.at(-1), ['logcat', [undefined]]);
});

test('a stateful phone behaves the same through RemotePhone', async (t) => {
  const phone = new FakePhone('p1');
  const url = await serve(t, (s) => (s === 'p1' ? phone : undefined));
  const remote = new RemotePhone(url, 'p1');
  await remote.activateApp(APP);
  assert.equal(await remote.queryAppState(APP), 4);
  await remote.setText('app/login/user', 'alice');
  await remote.tap('app/login/button');
  assert.equal(phone.loggedInAs, 'alice');
  assert.equal(await remote.terminateApp(APP), true);
  assert.equal(await remote.terminateApp(APP), false);
  phone.postNotification('Hi', 'from bob', { chatId: 'c1' });
  await remote.openNotifications();
  const tree = await remote.uiTree();
  assert.equal(tree.children[0]?.children[0]?.resourceId, 'android:id/title');
  const since = (await remote.logcat()).length;
  await remote.tap(tree.children[0]!.id);
  assert.deepEqual(phone.openedWithExtras, { chatId: 'c1' });
  const fresh = await remote.logcat(since);
  assert.ok(fresh.some((e) => e.message === 'key = chatId:value = c1'));
  assert.ok(fresh.every((e) => e.index >= since));
});

test('failures answer JSON with a code and a message, never a crash', async (t) => {
  const phone = new FakePhone('p1');
  const url = await serve(t, (s) => (s === 'p1' ? phone : undefined));
  const base = `${url}${PHONES_PATH}`;

  await assert.rejects(new RemotePhone(url, 'nope').deviceInfo(), (err: unknown) => {
    assert.ok(err instanceof PhoneHttpError);
    assert.equal(err.status, 404);
    assert.equal(err.code, 'no such phone');
    assert.match(err.message, /nope/);
    return true;
  });
  // the phone's own error
  await assert.rejects(new RemotePhone(url, 'p1').setText('app/main/title', 'x'), (err: unknown) => {
    assert.ok(err instanceof PhoneHttpError);
    assert.equal(err.status, 500);
    assert.match(err.message, /not editable/);
    return true;
  });

  const cases: Array<[string, RequestInit | undefined, number, string]> = [
    [`${base}/p1/tap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nodeId": 5}' }, 400, 'invalid argument'],
    [`${base}/p1/tap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nodeId": ' }, 400, 'invalid request'],
    [`${base}/p1/tap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' }, 400, 'invalid argument'],
    [`${base}/p1/app-state`, undefined, 400, 'invalid argument'],
    [`${base}/p1/logcat?sinceIndex=abc`, undefined, 400, 'invalid argument'],
    [`${base}/p1/press-key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"keycode": "4"}' }, 400, 'invalid argument'],
    [`${base}/p1/warp-drive`, undefined, 404, 'unknown route'],
    [`${base}/`, undefined, 501, 'not supported'],
    [`${base}/`, { method: 'POST' }, 501, 'not supported'],
  ];
  for (const [target, init, status, code] of cases) {
    const res = await fetch(target, init);
    assert.equal(res.status, status, `${init?.method ?? 'GET'} ${target}`);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, code, `${target}: ${body.error.message}`);
    assert.ok(body.error.message.length > 0);
  }
  assert.deepEqual(phone.taps, [], 'no rejected request reached the phone');
});

test('the lab boots and lists phones', async (t) => {
  const lab = await startFakeLab();
  t.after(() => lab.close());
  const first = await RemotePhone.boot(lab.url);
  const second = await RemotePhone.boot(lab.url, { deviceProfile: 'reno-10', appProfiles: ['im-demo'] });
  assert.notEqual(first.serial, second.serial);
  assert.deepEqual(lab.boots, [{}, { deviceProfile: 'reno-10', appProfiles: ['im-demo'] }]);
  assert.equal((await second.deviceInfo()).brand, 'OPPO');
  assert.deepEqual(await RemotePhone.list(lab.url), [
    { serial: first.serial, brand: 'OPPO', model: 'CPH2581', platformVersion: '14', apiVersion: '34' },
    { serial: second.serial, brand: 'OPPO', model: 'CPH2581', platformVersion: '14', apiVersion: '34' },
  ]);
  await assert.rejects(RemotePhone.boot(lab.url, { deviceProfile: 'no-such-model' }), (err: unknown) => {
    assert.ok(err instanceof PhoneHttpError);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'boot failed');
    assert.match(err.message, /no-such-model/);
    return true;
  });
  const bad = await fetch(`${lab.url}${PHONES_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"appProfiles":"im-demo"}' });
  assert.equal(bad.status, 400);
  assert.equal(lab.phones.size, 2);

  await RemotePhone.shutdown(lab.url, first.serial);
  assert.deepEqual([...lab.phones.keys()], [second.serial]);
  await assert.rejects(RemotePhone.shutdown(lab.url, first.serial), (err: unknown) => {
    assert.ok(err instanceof PhoneHttpError);
    assert.equal(err.status, 404);
    assert.match(err.message, /no phone with serial/);
    return true;
  });
});
