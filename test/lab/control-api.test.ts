import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { startInProcessLab } from '../../harness/lab/in-process.ts';
import { RemotePhone } from '../../harness/phone/http/index.ts';

const START = Date.UTC(2026, 0, 5, 8, 0, 0);

async function call(url: string, method: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as { value?: any; error?: { code: string; message: string } } };
}

test('the lab API advances the one clock and drives the phones it booted', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1 });
  t.after(() => lab.stop());
  const [serial] = lab.farm.list().map((p) => p.serial);
  assert.equal(serial, 'virtual-oppo-5554');

  const info = await call(`${lab.url}/_lab/v1`, 'GET');
  assert.deepEqual(info.json.value.phones, [serial]);
  assert.deepEqual(info.json.value.services.map((s: { name: string }) => s.name), ['mock-oppo', 'im', 'lab']);

  const advanced = await call(`${lab.url}/_lab/v1/clock/advance`, 'POST', { by: '10m' });
  assert.equal(advanced.status, 200);
  assert.equal(advanced.json.value.now, START + 600_000);
  assert.equal(lab.clock.now(), START + 600_000);

  const bad = await call(`${lab.url}/_lab/v1/clock/advance`, 'POST', { by: 'soon' });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error!.message, /cannot parse duration 'soon'/);

  const phone = lab.farm.get(serial!)!;
  const pkg = 'com.tencent.qcloud.tim.demo';
  const denied = await call(`${lab.url}/_lab/v1/phones/${serial}/notification-permission`, 'POST', { packageName: pkg, granted: false });
  assert.equal(denied.status, 200);
  const remote = new RemotePhone(lab.url, serial!);
  assert.equal(await remote.isAppInstalled(pkg), true);
  const prop = await remote.shell('getprop ro.product.brand');
  assert.equal(prop.stdout.trim(), 'OPPO');

  const offline = await call(`${lab.url}/_lab/v1/phones/${serial}/network`, 'POST', { on: false });
  assert.equal(offline.status, 200);
  assert.equal(phone.network, false);

  const missing = await call(`${lab.url}/_lab/v1/phones/virtual-oppo-9999/network`, 'POST', { on: true });
  assert.equal(missing.status, 404);
  assert.match(missing.json.error!.message, /no phone 'virtual-oppo-9999'/);

  const unknown = await call(`${lab.url}/_lab/v1/nothing-here`, 'GET');
  assert.equal(unknown.status, 404);

  const malformed = await fetch(`${lab.url}/_lab/v1/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"by":' });
  assert.equal(malformed.status, 400);
  assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'bad_request');

  const second = await RemotePhone.boot(lab.url, { deviceProfile: 'find-x7' });
  assert.deepEqual(lab.farm.list().map((p) => p.serial), [serial, second.serial]);
  await RemotePhone.shutdown(lab.url, second.serial);
  assert.deepEqual(lab.farm.list().map((p) => p.serial), [serial]);
});

test('the in-process lab boots phones that a driver reaches directly', async (t) => {
  const lab = await startInProcessLab();
  t.after(() => lab.stop());
  const serial = await lab.boot({ deviceProfile: 'r15' });
  const phone = lab.resolve(serial);
  assert.ok(phone, 'the booted phone resolves by serial');
  assert.equal((await phone.deviceInfo()).platformVersion, '8.1.0');
  assert.equal(lab.resolve('virtual-oppo-1'), undefined);
});

test('portBase puts mock-oppo, IM and the lab API on fixed consecutive ports (for adb reverse)', async (t) => {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const base = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  const lab = await startLab({ clock: new VirtualClock({ start: START }), portBase: base });
  t.after(() => lab.stop());
  assert.deepEqual(
    lab.services.map((s) => [s.name, Number(new URL(s.url).port)]),
    [['mock-oppo', base], ['im', base + 1], ['lab', base + 2]],
  );
  await assert.rejects(startLab({ portBase: -5 }), /portBase must be 0 or a port/);
});
