import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../harness/lab/run-cli.ts', import.meta.url).pathname;

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout! });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, lines, stderr: () => stderr };
}

test('npm run lab prints one URL per service, serves them, and stops cleanly on SIGTERM', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const imFile = join(dir, 'im.json');
  await writeFile(imFile, JSON.stringify({ sdkAppId: 1400000009, secretKey: 'k'.repeat(64), admin: 'ops' }));
  const { child, lines, stderr } = run(['--im', imFile, '--phones', '2']);
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const urls = new Map<string, string>();
  const serials: string[] = [];
  for await (const line of lines) {
    const m = /^(mock-oppo|im|lab)\s+(http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    if (m) urls.set(m[1]!, m[2]!);
    const phone = /^phone\s+(\S+)$/.exec(line);
    if (phone) serials.push(phone[1]!);
    if (/^Ctrl-C/.test(line)) break;
  }
  assert.equal(urls.size, 3, stderr());
  assert.deepEqual(serials, ['virtual-oppo-5554', 'virtual-oppo-5556']);
  const labInfo = (await (await fetch(`${urls.get('lab')}/_lab/v1`)).json()) as { value: { phones: string[] } };
  assert.deepEqual(labInfo.value.phones, serials);
  const clock = (await (await fetch(`${urls.get('mock-oppo')}/_mock/v1/clock`)).json()) as { now: number };
  assert.equal(typeof clock.now, 'number');
  const imSettings = (await (await fetch(`${urls.get('im')}/_im/v1/settings`)).json()) as { now: number };
  assert.equal(typeof imSettings.now, 'number');
  // The --im app is the one the REST API checks.
  const rest = await fetch(`${urls.get('im')}/v4/openim/querystate?sdkappid=1400000001&identifier=administrator&usersig=x`, { method: 'POST', body: '{}' });
  assert.equal(((await rest.json()) as { ErrorCode: number }).ErrorCode, 60006);
  const exited = once(child, 'close');
  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0, stderr());
});

test('npm run lab -- --help and bad arguments', async () => {
  const help = run(['--help']);
  const out: string[] = [];
  for await (const line of help.lines) out.push(line);
  assert.match(out.join('\n'), /--im <file>/);
  const bad = run(['--nope']);
  const [code] = await once(bad.child, 'close');
  assert.equal(code, 2);
  assert.match(bad.stderr(), /--nope/);
  const badPhones = run(['--phones', 'two']);
  const [phonesCode] = await once(badPhones.child, 'close');
  assert.equal(phonesCode, 2);
  assert.match(badPhones.stderr(), /--phones takes a whole number/);
});

/** Ports that were free a moment ago (bound to 0, read, released). */
async function freePorts(n: number): Promise<number[]> {
  const { createServer } = await import('node:net');
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

test('every lab port can be pinned: --oppo-port, --im-port, --lab-port', async (t) => {
  const [oppo, im, lab] = await freePorts(3);
  const { child, lines, stderr } = run(['--oppo-port', String(oppo), '--im-port', String(im), '--lab-port', String(lab)]);
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const urls = new Map<string, string>();
  for await (const line of lines) {
    const m = /^(mock-oppo|im|lab)\s+(\S+)$/.exec(line);
    if (m) urls.set(m[1]!, m[2]!);
    if (/^Ctrl-C/.test(line)) break;
  }
  assert.deepEqual(Object.fromEntries(urls), { 'mock-oppo': `http://127.0.0.1:${oppo}`, im: `http://127.0.0.1:${im}`, lab: `http://127.0.0.1:${lab}` }, stderr());
  const exited = once(child, 'close');
  child.kill('SIGTERM');
  assert.equal((await exited)[0], 0);
});

test('a lab port in use: one line, exit 2, and nothing left listening', async (t) => {
  const { createServer } = await import('node:net');
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
  t.after(() => new Promise((resolve) => taken.close(resolve)));
  const port = (taken.address() as import('node:net').AddressInfo).port;
  const { child, stderr } = run(['--lab-port', String(port)]);
  const [code] = await once(child, 'close');
  assert.equal(code, 2);
  assert.equal(stderr(), `lab: 127.0.0.1:${port} is already in use (EADDRINUSE); choose another port, or 0 for any free one (--port-base, --oppo-port, --im-port, --lab-port, --adb)\n`);
  const bad = run(['--im-port', 'x']);
  assert.equal((await once(bad.child, 'close'))[0], 2);
  assert.match(bad.stderr(), /--im-port takes a port from 0 to 65535, got 'x'/);
});
