/**
 * A lab on loopback, as a browser on the same machine could reach it: a page that DNS-rebinds its
 * own name to 127.0.0.1 (foreign Host) and a cross-site page (foreign Origin) are refused on every
 * control surface with nothing changed; the server APIs and the lab's own tools work unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { CLIENT_LINK_PATH } from '../../harness/im/client-link/protocol.ts';
import { DEVICE_LINK_PATH } from '../../mock-oppo/device-link/protocol.ts';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import adbkit from '@devicefarmer/adbkit';
import { ADB_TUNNEL_PATH, openAdbTunnel } from '../../harness/lab/adb-tunnel.ts';
import { send, sendRawTarget, upgradeStatus } from './http.ts';
import { controlProbes, isStateChanging, sendProbe, seed, serverApisAnswer, snapshot } from './probes.ts';

const { Adb } = adbkit;
const BIN = new URL('../../bin/push-lab.js', import.meta.url).pathname;
const START = Date.UTC(2026, 2, 1, 9, 0, 0);

test('loopback lab: foreign Host and foreign Origin are refused on every control surface, nothing changes; our own calls and the server APIs work', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1, adb: true });
  t.after(() => lab.stop());
  const urls = { oppo: lab.oppo.url, im: lab.im.url, lab: lab.url };
  const serial = lab.farm.list()[0]!.serial;
  const probes = controlProbes(serial);
  assert.equal(lab.access.token, undefined, 'a loopback lab needs no token');
  await seed(urls, serial);
  const before = await snapshot(urls, serial);

  for (const probe of probes) {
    const rebound = await sendProbe(urls, probe, { host: `attacker.example:${new URL(urls[probe.service]).port}` });
    assert.equal(rebound.status, 403, `${probe.method} ${probe.path} with a foreign Host`);
    assert.match(rebound.text, /forbidden_host/);
    if (!isStateChanging(probe)) continue;
    const crossSite = await sendProbe(urls, probe, { origin: 'http://attacker.example', 'content-type': 'text/plain' });
    assert.equal(crossSite.status, 403, `${probe.method} ${probe.path} from a foreign Origin`);
    assert.match(crossSite.text, /forbidden_origin/);
    assert.equal(crossSite.json<{ userSig?: string }>().userSig, undefined);
  }
  assert.deepEqual(await snapshot(urls, serial), before, 'the refused calls changed nothing');

  // Browsers cannot open the device links from another origin either; our clients (no Origin) can.
  const ws = (base: string, path: string) => `${base.replace(/^http/, 'ws')}${path}`;
  assert.equal(await upgradeStatus(ws(urls.oppo, DEVICE_LINK_PATH), 'http://attacker.example'), 403);
  assert.equal(await upgradeStatus(ws(urls.im, CLIENT_LINK_PATH), 'http://attacker.example'), 403);
  assert.equal(await upgradeStatus(ws(urls.oppo, DEVICE_LINK_PATH)), 101);
  assert.equal(await upgradeStatus(ws(urls.im, CLIENT_LINK_PATH)), 101);

  // The server APIs keep only their own auth: a backend behind any Host or Origin calls them unchanged.
  assert.deepEqual(await serverApisAnswer(urls, { host: 'api.push.oppomobile.com', origin: 'http://backend.example' }, lab.clock.now()), { oppoCode: 0, imStatus: 'OK' });

  // The same calls without the intruder's headers are real calls that do change the lab.
  for (const probe of probes) {
    const reply = await sendProbe(urls, probe);
    assert.ok(reply.status >= 200 && reply.status < 300, `${probe.method} ${probe.path}: ${reply.status} ${reply.text}`);
  }
  assert.notDeepEqual(await snapshot(urls, serial), before);
});

/** What a web page can make a browser send to any loopback port: an HTTP request, here with ADB commands in its body. */
function httpToAdb(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      const body = '000chost:kill0012host:transport-any';
      socket.end(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://attacker.example\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

test('loopback ADB: a browser cannot speak to the endpoint (an HTTP request is no ADB request), nor open the tunnel from another origin; our own tunnel works', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1, adb: true });
  t.after(() => lab.stop());
  const { port } = lab.adb.info()!;
  assert.match(await httpToAdb(port), /^FAIL/);
  const direct = Adb.createClient({ host: '127.0.0.1', port, bin: 'false' });
  assert.deepEqual((await direct.listDevices()).map((d: { id: string }) => d.id), [lab.farm.list()[0]!.serial], 'the endpoint still serves');

  const tunnelUrl = `${lab.url.replace(/^http/, 'ws')}${ADB_TUNNEL_PATH}`;
  // A page's WebSocket is no tunnel (a browser cannot send `Upgrade: push-lab-adb`); a crafted one from another origin is refused.
  assert.notEqual(await upgradeStatus(tunnelUrl, 'http://attacker.example'), 101);
  const crossSite = await send(lab.url, 'GET', ADB_TUNNEL_PATH, { headers: { connection: 'Upgrade', upgrade: 'push-lab-adb', origin: 'http://attacker.example' } });
  assert.equal(crossSite.status, 403);
  const refused = await send(lab.url, 'GET', ADB_TUNNEL_PATH, { headers: { connection: 'Upgrade', upgrade: 'push-lab-adb', host: 'attacker.example' } });
  assert.equal(refused.status, 403, 'DNS rebinding cannot reach the tunnel either');

  const tunnel = await openAdbTunnel(lab.url);
  t.after(() => tunnel.close());
  const client = Adb.createClient({ host: '127.0.0.1', port: tunnel.port, bin: 'false' });
  assert.equal(await client.version(), 41);
  await send(lab.url, 'DELETE', '/_lab/v1/adb');
  await assert.rejects(client.listDevices(), /refused the ADB tunnel \(409\).*the ADB endpoint is off/);
});

test('npx push-lab adb-tunnel: prints the local port and carries adb there; without --lab it is a usage error', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1, adb: true });
  t.after(() => lab.stop());
  const cli = (args: string[]) => spawn(process.execPath, [BIN, 'adb-tunnel', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const usage = cli([]);
  let usageErr = '';
  usage.stderr!.on('data', (d: Buffer) => (usageErr += d.toString()));
  assert.equal((await once(usage, 'close'))[0], 2);
  assert.match(usageErr, /--lab <url> is required/);

  const child = cli(['--lab', lab.url]);
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let port = 0;
  for await (const line of createInterface({ input: child.stdout! })) {
    const m = /^adb-tunnel\s+127\.0\.0\.1:(\d+) -> /.exec(line);
    if (m) port = Number(m[1]);
    if (/^Ctrl-C/.test(line)) break;
  }
  assert.ok(port > 0);
  assert.deepEqual((await Adb.createClient({ host: '127.0.0.1', port, bin: 'false' }).listDevices()).map((d: { id: string }) => d.id), [lab.farm.list()[0]!.serial]);
  const exited = once(child, 'close');
  child.kill('SIGTERM');
  assert.equal((await exited)[0], 0);
});

test('a call that offers another protocol (Upgrade: h2c, as Java sends) is still a plain call for the guard: the token rule holds, the server APIs answer', async (t) => {
  const token = 'loopback-given-token-0123456789';
  const lab = await startLab({ clock: new VirtualClock({ start: START }), token });
  t.after(() => lab.stop());
  const urls = { oppo: lab.oppo.url, im: lab.im.url, lab: lab.url };
  const h2c = { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAAQAoAAAAAIAAAAA' };
  for (const [base, path] of [[urls.oppo, '/_mock/v1/reset'], [urls.im, '/_im/v1/reset'], [urls.lab, '/_lab/v1/reset']] as const) {
    const refused = await send(base, 'POST', path, { headers: h2c });
    assert.equal(refused.status, 401, `${path}: ${refused.text}`);
    assert.equal((await send(base, 'POST', path, { headers: { ...h2c, authorization: `Bearer ${token}` } })).status, 200, path);
  }
  assert.deepEqual(await serverApisAnswer(urls, h2c, lab.clock.now()), { oppoCode: 0, imStatus: 'OK' });
});

test('a control path dressed as a server API path (dot segments, encodings, absolute form, case) never reaches a control handler', async (t) => {
  const token = 'loopback-given-token-0123456789';
  const lab = await startLab({ clock: new VirtualClock({ start: START }), token, phones: 1 });
  t.after(() => lab.stop());
  const urls = { oppo: lab.oppo.url, im: lab.im.url, lab: lab.url };
  const serial = lab.farm.list()[0]!.serial;
  await seed(urls, serial, token);
  const before = await snapshot(urls, serial, token);
  const dressed: Array<[string, string]> = [
    [urls.oppo, '/server/v1/../_mock/v1/reset'],
    [urls.oppo, '/server/v1/%2e%2e/_mock/v1/reset'],
    [urls.oppo, '/intl/server/v1/../../_mock/v1/reset'],
    [urls.oppo, `${urls.oppo}/_mock/v1/reset`],
    [urls.oppo, '//_mock/v1/reset'],
    [urls.im, '/v4/../_im/v1/reset'],
    [urls.im, '/v4/%2e%2e/_im/v1/reset'],
    [urls.im, '/v4/..%2f_im/v1/reset'],
    [urls.im, '/V4/../_im/v1/reset'],
    [urls.im, '/_IM/v1/reset'],
    [urls.im, `${urls.im}/v4/../_im/v1/reset`],
    [urls.im, `${urls.im}/_im/v1/reset`],
  ];
  for (const [base, target] of dressed) {
    const reply = await sendRawTarget(base, 'POST', target);
    // Either the guard refused it, or it reached the server API, which knows no such call.
    assert.ok(reply.status === 401 || reply.status === 404 || /ActionStatus|"code":\s*\d/.test(reply.text), `${target}: ${reply.status} ${reply.text}`);
    assert.doesNotMatch(reply.text, /"reset":\s*true/, target);
  }
  assert.deepEqual(await snapshot(urls, serial, token), before, 'no dressed path reset anything');
});
