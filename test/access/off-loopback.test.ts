/**
 * A lab and a mock bound to a non-loopback address, reached from another address: each runs inside
 * a network namespace this test makes (test/access/netns.ts) and binds the namespace's address; the
 * test process calls it over the veth pair. Every control call without the token gets 401 and
 * changes nothing; with the token our own clients (typed clients, RemotePhone, the VirtualOppo
 * driver through `appium:labUrl`) work; the server APIs need only their own auth.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { execFile, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { tmpdir } from 'node:os';
import adbkit from '@devicefarmer/adbkit';
import { remote } from 'webdriverio';
import { WebSocket } from 'ws';
import { MockOppoControl, MockOppoControlError } from '../../mock-oppo/control-client.ts';
import { LabClient } from '../../harness/scenario/lab-client.ts';
import { ImConsoleClient } from '../../harness/scenario/im-console.ts';
import { RemotePhone, PhoneHttpError } from '../../harness/phone/http/index.ts';
import { LAB_TOKEN_ENV } from '../../harness/lab/access.ts';
import { DEVICE_LINK_PATH } from '../../mock-oppo/device-link/protocol.ts';
import { tokenHeaders } from '../../mock-oppo/access/client.ts';
import { WEB_TOKEN_HEADER } from '../../mock-oppo/access/guard.ts';
import { startAppium, type AppiumServer } from '../driver/appium-server.ts';
import { createNetns, type Netns } from './netns.ts';
import { openAdbTunnel } from '../../harness/lab/adb-tunnel.ts';
import { adbCliMissing } from '../adb/rig.ts';
import { controlProbes, sendProbe, seed, serverApisAnswer, snapshot, type LabUrls } from './probes.ts';
import { errorCode, send } from './http.ts';
import { ADB_NO_AUTOSTART } from '../../harness/device/adb-client.ts';

const { Adb } = adbkit;
const ROOT = new URL('../../', import.meta.url).pathname;
const made = createNetns();
const skip = 'skip' in made ? made.skip : undefined;
if (skip) console.log(`# off-loopback access tests skipped: ${skip}`);
const ns = made as Netns;

/** Starts a CLI inside the namespace and collects its start-up lines (up to "Ctrl-C to stop."). */
async function startInside(children: ChildProcess[], script: string, args: string[], env: Record<string, string> = {}): Promise<{ lines: string[]; stderr: () => string }> {
  const child = ns.exec([process.execPath, '--import', 'tsx', `${ROOT}${script}`, ...args], env);
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    lines.push(line);
    if (/Ctrl-C/.test(line)) break;
  }
  if (!lines.some((l) => /Ctrl-C/.test(l))) throw new Error(`${script} did not start: ${stderr}`);
  return { lines, stderr: () => stderr };
}

const children: ChildProcess[] = [];
after(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  if (!skip) ns.remove();
});

let lab: { urls: LabUrls; token: string; serial: string; output: string[]; adbPort: number; web: string };
before(async () => {
  if (skip) return;
  const { lines } = await startInside(children, 'harness/lab/run-cli.ts', ['--host', ns.inside, '--phones', '1', '--frozen', '--adb', '--ui']);
  const url = (name: string) => lines.map((l) => new RegExp(`^${name}\\s+(http://\\S+)$`).exec(l)?.[1]).find(Boolean)!;
  const token = lines.map((l) => /^token\s+(\S+)\s+\(generated; printed only now/.exec(l)?.[1]).find(Boolean);
  assert.ok(token, `no token line in:\n${lines.join('\n')}`);
  const adbPort = Number(lines.map((l) => /^adb\s+tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(l)?.[1]).find(Boolean));
  lab = { urls: { oppo: url('mock-oppo'), im: url('im'), lab: url('lab') }, token, serial: /^phone\s+(\S+)/.exec(lines.find((l) => l.startsWith('phone'))!)![1]!, output: lines, adbPort, web: lines.map((l) => /^web\s+(http:\/\/\S+)/.exec(l)?.[1]).find(Boolean)! };
});

test('a lab off loopback: every control call without the token is 401 and changes nothing; the server APIs keep their own auth', { skip }, async () => {
  const { urls, token, serial } = lab;
  assert.ok(urls.lab.startsWith(`http://${ns.inside}:`), 'the lab binds the namespace address');
  assert.equal(lab.output.filter((l) => l.includes(token)).length, 1, 'the token is printed once');
  await seed(urls, serial, token);
  const before = await snapshot(urls, serial, token);
  for (const probe of controlProbes(serial)) {
    const bare = await sendProbe(urls, probe);
    assert.equal(bare.status, 401, `${probe.method} ${probe.path} without the token: ${bare.text}`);
    assert.equal(errorCode(bare), 'token_required');
    assert.match(bare.text, /not loopback.*Authorization: Bearer <token>.*PUSH_LAB_TOKEN.*nothing was changed/);
    const wrong = await sendProbe(urls, probe, tokenHeaders(`${token.slice(1)}x`));
    assert.equal(wrong.status, 401);
    assert.ok(!wrong.text.includes(token));
    assert.equal(bare.json<{ userSig?: string }>().userSig, undefined);
  }
  assert.deepEqual(await snapshot(urls, serial, token), before, 'the refused calls changed nothing');
  // Off loopback the Host rule is off: the token is the defence (a name such as lab.example.com is fine).
  assert.equal((await send(urls.lab, 'GET', '/_lab/v1/clock', { headers: { ...tokenHeaders(token), host: 'lab.example.com' } })).status, 200);

  const { value: clock } = (await send(urls.lab, 'GET', '/_lab/v1/clock', { headers: tokenHeaders(token) })).json<{ value: { now: number } }>();
  assert.deepEqual(await serverApisAnswer(urls, {}, clock.now), { oppoCode: 0, imStatus: 'OK' });
  const link = new WebSocket(`${urls.oppo.replace(/^http/, 'ws')}${DEVICE_LINK_PATH}`);
  await once(link, 'open');
  link.terminate();

  for (const probe of controlProbes(serial)) {
    const reply = await sendProbe(urls, probe, tokenHeaders(token));
    assert.ok(reply.status >= 200 && reply.status < 300, `${probe.method} ${probe.path} with the token: ${reply.status} ${reply.text}`);
  }
  assert.notDeepEqual(await snapshot(urls, serial, token), before);
});

test('the web view off loopback: nothing without the token; ?token= logs a browser in, and its changes still carry the page\'s web token', { skip }, async () => {
  const { urls, token, web } = lab;
  assert.ok(web?.startsWith(`http://${ns.inside}:`), lab.output.join('\n'));
  assert.ok(lab.output.some((l) => l.startsWith('web') && l.includes('?token=<the lab token>')), 'the web line says how to log in, without the token');
  for (const path of ['/', '/events', '/recording.yaml']) {
    const bare = await send(web, 'GET', path);
    assert.equal(bare.status, 401, path);
    assert.equal(errorCode(bare), 'token_required');
  }
  assert.equal((await send(web, 'POST', '/api/advance', { body: { by: '1m' } })).status, 401);
  assert.equal((await send(web, 'GET', `/?token=${token.slice(1)}x`)).status, 401);
  const login = await send(web, 'GET', `/?token=${token}`);
  assert.equal(login.status, 303);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const page = await send(web, 'GET', '/', { headers: { cookie } });
  assert.equal(page.status, 200);
  const webToken = /<meta name="push-lab-web-token" content="([^"]+)">/.exec(page.text)![1]!;
  const clock = async () => (await send(urls.lab, 'GET', '/_lab/v1/clock', { headers: tokenHeaders(token) })).json<{ value: { now: number } }>().value.now;
  const before = await clock();
  assert.equal((await send(web, 'POST', '/api/advance', { headers: { cookie }, body: { by: '1m' } })).status, 403, 'the cookie alone does not change anything');
  assert.equal(await clock(), before);
  const advanced = await send(web, 'POST', '/api/advance', { headers: { cookie, [WEB_TOKEN_HEADER]: webToken }, body: { by: '1m' } });
  assert.equal(advanced.status, 200, advanced.text);
  assert.equal(await clock(), before + 60_000, "the view's own call reached the lab with the token");
});

test('our typed clients pass the token on; without it they fail with the 401 message', { skip }, async () => {
  const { urls, token } = lab;
  assert.equal(typeof (await new MockOppoControl(urls.oppo, { token }).clock()).now, 'number');
  await assert.rejects(new MockOppoControl(urls.oppo).faults(), (err: unknown) => err instanceof MockOppoControlError && err.status === 401 && /needs the token/.test(err.message));
  assert.equal(typeof (await new LabClient(urls.lab, { token }).now()), 'number');
  await assert.rejects(new LabClient(urls.lab).advance('1m'), /401|needs the token/);
  assert.equal(typeof (await new ImConsoleClient(urls.im, { token }).now()), 'number');
  await assert.rejects(new ImConsoleClient(urls.im).now(), /needs the token/);
  const phone = await RemotePhone.boot(urls.lab, {}, { token });
  assert.equal((await phone.deviceInfo()).brand.toUpperCase(), 'OPPO');
  assert.ok((await RemotePhone.list(urls.lab, { token })).some((p) => p.serial === phone.serial));
  await assert.rejects(new RemotePhone(urls.lab, phone.serial).deviceInfo(), (err: unknown) => err instanceof PhoneHttpError && err.status === 401);
  await RemotePhone.shutdown(urls.lab, phone.serial, { token });
});

test('the VirtualOppo driver reaches a lab off loopback with appium:labToken or PUSH_LAB_TOKEN, and says why without', { skip }, async (t) => {
  const { urls, token } = lab;
  let appium: AppiumServer | undefined;
  const sessions: WebdriverIO.Browser[] = [];
  t.after(async () => {
    for (const s of sessions) await s.deleteSession().catch(() => undefined);
    await appium?.close();
    delete process.env[LAB_TOKEN_ENV];
  });
  const started = await startAppium();
  appium = started.server;
  const open = async (caps: Record<string, unknown>) => {
    const driver = await remote({
      hostname: '127.0.0.1', port: started.port, logLevel: 'silent', connectionRetryCount: 0,
      capabilities: { platformName: 'Android', 'appium:automationName': 'VirtualOppo', 'appium:labUrl': urls.lab, 'appium:appProfile': 'tim-demo', ...caps } as WebdriverIO.Capabilities,
    });
    sessions.push(driver);
    return driver;
  };
  await assert.rejects(open({}), /could not boot a phone.*needs the token/s);
  const withCap = await open({ 'appium:labToken': token });
  assert.match(await withCap.getPageSource(), /<hierarchy/);
  assert.equal((withCap.capabilities as Record<string, unknown>)['appium:labToken'] ?? (withCap.capabilities as Record<string, unknown>).labToken, undefined, 'the session answer does not repeat the token');
  process.env[LAB_TOKEN_ENV] = token; // the driver runs in this process (in-process Appium), as in a WDIO run's Appium
  const withEnv = await open({});
  assert.match(await withEnv.getPageSource(), /<hierarchy/);
});

test('mock-oppo alone off loopback: a generated or a given token (MOCK_OPPO_TOKEN), 401 without it', { skip }, async () => {
  const generated = await startInside(children, 'mock-oppo/cli.ts', ['--host', ns.inside]);
  const base = /listening on (http:\/\/\S+)/.exec(generated.lines[0]!)![1]!;
  const token = generated.lines.map((l) => /^\s+token\s+(\S+)\s+\(generated/.exec(l)?.[1]).find(Boolean)!;
  assert.ok(token);
  const refused = await send(base, 'POST', '/_mock/v1/reset');
  assert.equal(refused.status, 401);
  assert.equal(errorCode(refused), 'token_required');
  assert.match(refused.text, /MOCK_OPPO_TOKEN/);
  assert.equal((await send(base, 'POST', '/_mock/v1/reset', { headers: tokenHeaders(token) })).status, 200);
  const auth = await send(base, 'POST', '/server/v1/auth', { body: '' });
  assert.equal(auth.status, 200, 'the server API answers with its own auth error, not the token rule');
  assert.notEqual(auth.json<{ code: number }>().code, 0);

  const given = 'given-mock-token-0123456789';
  const withEnv = await startInside(children, 'mock-oppo/cli.ts', ['--host', ns.inside], { MOCK_OPPO_TOKEN: given });
  const base2 = /listening on (http:\/\/\S+)/.exec(withEnv.lines[0]!)![1]!;
  assert.ok(!withEnv.lines.join('\n').includes(given), 'a given token is not printed');
  assert.ok(withEnv.lines.some((l) => /token\s+give\*\*\*\* \(the one given/.test(l)));
  assert.equal((await send(base2, 'GET', '/_mock/v1/journal')).status, 401);
  assert.equal((await send(base2, 'GET', '/_mock/v1/journal', { headers: tokenHeaders(given) })).status, 200);
});

function connectRefused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('ADB off loopback only with the token: the endpoint stays on loopback; the tunnel carries adb with the token and refuses without', { skip }, async (t) => {
  const { urls, token } = lab;
  assert.ok(lab.adbPort > 0, lab.output.join('\n'));
  assert.ok(lab.output.some((l) => l.includes(`npx push-lab adb-tunnel --lab ${urls.lab}`)), lab.output.join('\n'));
  assert.equal(await connectRefused(ns.inside, lab.adbPort), true, 'the ADB endpoint is not on the lab\'s network address');

  const bare = await openAdbTunnel(urls.lab);
  t.after(() => bare.close());
  await assert.rejects(Adb.createClient({ host: '127.0.0.1', port: bare.port, bin: 'false' }).listDevices(), /refused the ADB tunnel \(401\).*needs the token/);

  const tunnel = await openAdbTunnel(urls.lab, { token });
  t.after(() => tunnel.close());
  const client = Adb.createClient({ host: '127.0.0.1', port: tunnel.port, bin: 'false' });
  const [device] = await client.listDevices();
  assert.ok(device, 'a phone of the lab is an adb device here');
  const brand = await (await client.getDevice(device.id).shell('getprop ro.product.brand')).toArray();
  assert.equal(Buffer.concat(brand as Buffer[]).toString().trim(), 'OPPO');

  if (adbCliMissing) t.diagnostic(`adb CLI part skipped: ${adbCliMissing}`);
  else {
    const out = await new Promise<string>((resolve, reject) =>
      execFile('adb', [...ADB_NO_AUTOSTART, '-P', String(tunnel.port), 'devices'], { env: { ...process.env, HOME: tmpdir() } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    assert.match(out, new RegExp(`${device.id}\\s+device`));
  }
});
