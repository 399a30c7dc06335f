import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { createInterface } from 'node:readline';
import adbkit from '@devicefarmer/adbkit';
import { startLab } from '../../harness/lab/lab.ts';
import { adbCliMissing } from '../adb/rig.ts';
import { ADB_NO_AUTOSTART } from '../../harness/device/adb-client.ts';

const { Adb } = adbkit;
const CLI = new URL('../../harness/lab/run-cli.ts', import.meta.url).pathname;

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

test('npm run lab -- --adb prints how to reach the phones over ADB; adbkit (and Debian adb) list them there', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--adb', '--phones', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const printed: string[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    printed.push(line);
    if (/^Ctrl-C/.test(line)) break;
  }
  const service = printed.map((l) => /^adb\s+tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(l)).find(Boolean);
  assert.ok(service, printed.join('\n') + stderr);
  const port = Number(service[1]);
  assert.ok(printed.includes(`  adb -P ${port} devices -l      or  export ANDROID_ADB_SERVER_PORT=${port}`), printed.join('\n'));
  const client = Adb.createClient({ host: '127.0.0.1', port, bin: 'false' });
  assert.deepEqual(await client.listDevices(), [{ id: 'virtual-oppo-5554', type: 'device' }]);
  if (adbCliMissing) t.diagnostic(`adb CLI part skipped: ${adbCliMissing}`);
  else {
    const out = await new Promise<string>((resolve, reject) =>
      execFile('adb', [...ADB_NO_AUTOSTART, '-P', String(port), 'shell', 'getprop ro.product.brand'], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    assert.equal(out, 'OPPO\n');
  }
  const exited = once(child, 'close');
  child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null]);
  assert.equal(await refused(port), true);
});

test('npm run lab -- --adb with a bad port is a usage error', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--adb=99999'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = await once(child, 'close');
  assert.equal(code, 2);
  assert.match(stderr, /--adb takes a port/);
});

test('the lab API turns the ADB endpoint on and off; startLab({ adb: true }) starts with it; it binds loopback only', async (t) => {
  const lab = await startLab({ phones: 1, adb: true });
  t.after(() => lab.stop());
  const api = `${lab.url}/_lab/v1/adb`;
  const first = (await (await fetch(api)).json()) as { value: { host: string; port: number; serials: string[] } };
  assert.equal(first.value.host, '127.0.0.1');
  assert.deepEqual(first.value.serials, ['virtual-oppo-5554']);
  assert.ok(lab.services.some((s) => s.name === 'adb' && s.url === `tcp://127.0.0.1:${first.value.port}`));
  const off = await fetch(api, { method: 'DELETE' });
  assert.deepEqual(await off.json(), { value: { stopped: true } });
  assert.equal(await refused(first.value.port), true);
  assert.deepEqual(await (await fetch(api)).json(), { value: null });
  assert.ok(!lab.services.some((s) => s.name === 'adb'));
  const bad = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ port: 'x' }) });
  assert.equal(bad.status, 400);
  const on = (await (await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { value: { port: number } };
  const client = Adb.createClient({ host: '127.0.0.1', port: on.value.port, bin: 'false' });
  assert.equal(await client.version(), 41);
  assert.deepEqual((await client.listDevices()).map((d: { id: string }) => d.id), ['virtual-oppo-5554']);
});
