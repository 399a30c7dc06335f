/**
 * Secrets around the control surfaces: `/_im/v1/usersig` only with the fixtures' key (or when turned
 * on), the one warning a lab with a real-looking key gives, errors that never quote what failed to
 * parse (a credentials file, a certificate body), and the CLIs' token flags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { verifyUserSig } from '../../harness/im/usersig.ts';
import { tokenHeaders } from '../../mock-oppo/access/client.ts';
import { errorCode, send } from './http.ts';

const REAL_LOOKING = { sdkAppId: 1400123456, secretKey: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', admin: 'ops' };
const START = Date.UTC(2026, 2, 1, 9, 0, 0);
const ROOT = new URL('../../', import.meta.url).pathname;

test('a lab with a real-looking IM key says so once, and does not mint UserSigs unless told to', async (t) => {
  const warnings: string[] = [];
  const lab = await startLab({ clock: new VirtualClock({ start: START }), imApp: REAL_LOOKING, warn: (m) => warnings.push(m) });
  t.after(() => lab.stop());
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /real-looking secret key \(e3b0\*\*\*\*\).*real Tencent IM.*POST \/_im\/v1\/usersig is off \(--allow-usersig turns it on\)/);
  assert.ok(!warnings[0]!.includes(REAL_LOOKING.secretKey));
  const refused = await send(lab.im.url, 'POST', '/_im/v1/usersig', { body: { userId: 'ops' } });
  assert.equal(refused.status, 403);
  assert.equal(errorCode(refused), 'usersig_disabled');
  assert.equal(refused.json<{ userSig?: string }>().userSig, undefined);

  const onWarnings: string[] = [];
  const allowed = await startLab({ clock: new VirtualClock({ start: START }), imApp: REAL_LOOKING, imSettings: { userSigEndpoint: 'on' }, warn: (m) => onWarnings.push(m) });
  t.after(() => allowed.stop());
  assert.equal(onWarnings.length, 1);
  assert.match(onWarnings[0]!, /The control API mints tickets with it \(POST \/_im\/v1\/usersig is on\)/);
  const minted = await send(allowed.im.url, 'POST', '/_im/v1/usersig', { body: { userId: 'ops' } });
  assert.equal(minted.status, 200);
  assert.ok(verifyUserSig(minted.json<{ userSig: string }>().userSig, { sdkAppId: REAL_LOOKING.sdkAppId, secretKey: REAL_LOOKING.secretKey, userId: 'ops', now: START }).ok);
});

test('with the fixtures key the lab is quiet and mints UserSigs; the setting can turn that off', async (t) => {
  const warnings: string[] = [];
  const lab = await startLab({ clock: new VirtualClock({ start: START }), warn: (m) => warnings.push(m) });
  t.after(() => lab.stop());
  assert.deepEqual(warnings, []);
  assert.equal((await send(lab.im.url, 'POST', '/_im/v1/usersig', { body: { userId: 'administrator' } })).status, 200);
  const off = await startLab({ clock: new VirtualClock({ start: START }), imSettings: { userSigEndpoint: 'off' } });
  t.after(() => off.stop());
  assert.equal((await send(off.im.url, 'POST', '/_im/v1/usersig', { body: { userId: 'administrator' } })).status, 403);
});

test('a body that is not JSON gets a position, never a quote of itself (it may hold a MasterSecret or a typed password)', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1 });
  t.after(() => lab.stop());
  const serial = lab.farm.list()[0]!.serial;
  const secret = 'TOPSECRET9a8b7c6d5e4f40312a1b2c3d';
  const body = `{"masterSecret": ${secret}}`;
  for (const [base, method, path] of [
    [lab.im.url, 'POST', '/_im/v1/console/certificates'],
    [lab.im.url, 'PATCH', '/_im/v1/console/certificates/7005'],
    [lab.url, 'POST', '/_lab/v1/clock/advance'],
    [lab.url, 'POST', `/_lab/v1/phones/${serial}/set-text`],
    [lab.oppo.url, 'POST', '/_mock/v1/apps'],
  ] as const) {
    const reply = await send(base, method, path, { body });
    assert.equal(reply.status, 400, `${method} ${path}: ${reply.text}`);
    assert.match(reply.text, /JSON/);
    assert.ok(!reply.text.includes('TOPSECRET'), `${method} ${path} quoted the body: ${reply.text}`);
  }
});

function runCli(script: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}${script}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, lines: createInterface({ input: child.stdout! }), stderr: () => stderr };
}

test('the CLIs: a bad credentials file or a short token is a usage error that never echoes the secret', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'access-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const secret = 'TOPSECRET5c2b9d3e8f1a4b6c7d0e2f3a';
  await writeFile(join(dir, 'im.json'), `{"sdkAppId": 1400000009, "secretKey": ${secret}, "admin": "ops"}`);
  await writeFile(join(dir, 'apps.json'), `[{"appId": "1", "masterSecret": ${secret}}]`);
  const cases = [
    runCli('harness/lab/run-cli.ts', ['--im', join(dir, 'im.json')]),
    runCli('mock-oppo/cli.ts', ['--apps', join(dir, 'apps.json')]),
    runCli('harness/lab/run-cli.ts', ['--token', 'short-secret']),
    runCli('mock-oppo/cli.ts', [], { MOCK_OPPO_TOKEN: 'short-secret' }),
  ];
  const closed = cases.map((c) => once(c.child, 'close'));
  for (const [i, c] of cases.entries()) {
    const [code] = await closed[i]!;
    assert.equal(code, 2, c.stderr());
    assert.ok(!c.stderr().includes('TOPSECRET') && !c.stderr().includes('short-secret'), c.stderr());
  }
  assert.match(cases[0]!.stderr(), /cannot load the IM app from .*im.json: not valid JSON/);
  assert.match(cases[2]!.stderr(), /--token: a token needs 16 to 256 characters/);
  assert.match(cases[3]!.stderr(), /MOCK_OPPO_TOKEN: a token needs/);
});

test('push-lab start with a given token and a real-looking key: the warning once on stderr, the token masked, 401 without it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'access-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'im.json'), JSON.stringify(REAL_LOOKING));
  const token = 'a-given-lab-token-0123456789';
  const lab = runCli('harness/lab/run-cli.ts', ['--im', join(dir, 'im.json')], { PUSH_LAB_TOKEN: token });
  t.after(() => {
    if (lab.child.exitCode === null) lab.child.kill('SIGKILL');
  });
  const lines: string[] = [];
  for await (const line of lab.lines) {
    lines.push(line);
    if (/^Ctrl-C/.test(line)) break;
  }
  const output = lines.join('\n');
  assert.ok(!output.includes(token) && !lab.stderr().includes(token), 'a given token is never printed');
  assert.match(output, /^token\s+a-gi\*\*\*\* \(the one given with --token \/ PUSH_LAB_TOKEN/m);
  assert.equal(lab.stderr().match(/real-looking secret key/g)?.length, 1, lab.stderr());
  assert.ok(!lab.stderr().includes(REAL_LOOKING.secretKey));
  const im = /^im\s+(\S+)/m.exec(output)![1]!;
  assert.equal((await send(im, 'GET', '/_im/v1/settings')).status, 401, 'a given token is enforced on loopback too');
  const usersig = await send(im, 'POST', '/_im/v1/usersig', { headers: tokenHeaders(token), body: { userId: 'ops' } });
  assert.equal(errorCode(usersig), 'usersig_disabled');
  const exited = once(lab.child, 'close');
  lab.child.kill('SIGTERM');
  assert.equal((await exited)[0], 0);
});
