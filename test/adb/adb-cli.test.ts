/** Debian's real `adb` CLI (1.0.41) against the lab's ADB endpoint. Skipped, with the reason printed, where adb is not installed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ShellSession } from '../../harness/phone/shell/session.ts';
import type { VirtualPhone } from '../../harness/phone/phone.ts';
import { adb, adbCliMissing, adbSpawn, startAdbRig, waitForOutput } from './rig.ts';

const skip = adbCliMissing ?? false;
const S = ['-s', 'virtual-oppo-5554'];

/** Records the sessions the endpoint starts on a phone, so a test can wait for one to end. */
function watchSessions(phone: VirtualPhone): ShellSession[] {
  const sessions: ShellSession[] = [];
  const spawn = phone.spawn.bind(phone);
  phone.spawn = (line) => {
    const s = spawn(line);
    sessions.push(s);
    return s;
  };
  return sessions;
}

test('adb devices -l lists the phones with OPPO product, model and device; get-state, get-serialno, features', { skip }, async (t) => {
  const rig = await startAdbRig([{}, { deviceProfile: 'reno2' }]);
  t.after(() => rig.close());
  const long = await adb(rig, ['devices', '-l']);
  assert.equal(long.code, 0);
  assert.match(long.stdout, /^List of devices attached\n/);
  assert.match(long.stdout, /^virtual-oppo-5554 +device usb:1-1 product:CPH2307 model:CPH2307 device:OP4F27L1 transport_id:1$/m);
  assert.match(long.stdout, /^virtual-oppo-5556 +device usb:1-2 product:PCKM00 model:PCKM00 device:OP4BA1 transport_id:2$/m);
  assert.match((await adb(rig, ['devices'])).stdout, /^virtual-oppo-5554\tdevice$/m);
  assert.equal((await adb(rig, [...S, 'get-state'])).stdout, 'device\n');
  assert.equal((await adb(rig, ['-t', '2', 'get-serialno'])).stdout, 'virtual-oppo-5556\n');
  const features = (await adb(rig, ['-s', 'virtual-oppo-5556', 'features'])).stdout.split('\n').filter(Boolean);
  assert.deepEqual(features.sort(), ['cmd', 'fixed_push_mkdir', 'ls_v2', 'shell_v2', 'stat_v2']);
  assert.ok((await adb(rig, [...S, 'features'])).stdout.split('\n').includes('abb_exec'));
  const ambiguous = await adb(rig, ['shell', 'echo']);
  assert.equal(ambiguous.code, 1);
  assert.match(ambiguous.stderr, /more than one device\/emulator/);
  const missing = await adb(rig, ['-s', 'nope', 'shell', 'echo']);
  assert.match(missing.stderr, /device 'nope' not found/);
});

test('adb shell (v2): stdout and stderr apart, the exit code, stdin; -x (v1) merges them and loses the code', { skip }, async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  assert.deepEqual(await adb(rig, ['shell', 'getprop', 'ro.product.model']), { stdout: 'CPH2307\n', stderr: '', code: 0 });
  assert.deepEqual(await adb(rig, ['shell', 'exit 3']), { stdout: '', stderr: '', code: 3 });
  assert.deepEqual(await adb(rig, ['shell', 'echo out; nope']), { stdout: 'out\n', stderr: '/system/bin/sh: nope: inaccessible or not found\n', code: 127 });
  assert.deepEqual(await adb(rig, ['shell', 'cat | grep -c b'], 'a\nb\nbb\n'), { stdout: '2\n', stderr: '', code: 0 });
  assert.deepEqual(await adb(rig, ['shell', '-x', 'echo out; nope']), { stdout: 'out\n/system/bin/sh: nope: inaccessible or not found\n', stderr: '', code: 0 });
  assert.deepEqual(await adb(rig, ['exec-out', 'getprop ro.product.brand']), { stdout: 'OPPO\n', stderr: '', code: 0 });
  // -t -t: a pty, one stream, CR LF line ends; no command: an interactive sh reading stdin, with its prompt.
  assert.deepEqual(await adb(rig, ['shell', '-t', '-t', 'echo a; echo b >&2']), { stdout: 'a\r\nb\r\n', stderr: '', code: 0 });
  assert.deepEqual(await adb(rig, ['shell'], 'getprop ro.product.model\nexit 4\n'), { stdout: 'OP4F27L1:/ $ CPH2307\nOP4F27L1:/ $ ', stderr: '', code: 4 });
});

test('adb shell streams a long-running command until the client goes away: logcat follows new lines', { skip }, async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  const sessions = watchSessions(phone);
  const child = adbSpawn(rig, ['logcat', '-s', 'LabTest']);
  t.after(() => child.kill());
  await waitForOutput(child.stdout!, '--------- beginning of main');
  phone.log(4242, 'I', 'Other', 'not shown');
  phone.log(4242, 'I', 'LabTest', 'first streamed line');
  const seen = await waitForOutput(child.stdout!, 'first streamed line');
  assert.doesNotMatch(seen, /not shown/);
  assert.match(seen, /^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}  4242  4242 I LabTest : first streamed line$/m);
  child.kill('SIGINT');
  assert.equal(await sessions[0]!.exitCode, 0);
  assert.equal(sessions[0]!.closed, true);
});

test('adb forward opens the host port at once and reaches a device port only while a program listens there', { skip }, async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  const forwarded = await adb(rig, ['forward', 'tcp:0', 'tcp:6790']);
  const port = Number(forwarded.stdout.trim());
  assert.ok(port > 0, forwarded.stderr);
  assert.match((await adb(rig, ['forward', '--list'])).stdout, new RegExp(`^virtual-oppo-5554 tcp:${port} tcp:6790$`, 'm'));
  const get = () =>
    new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/status', agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
  await assert.rejects(get(), /socket hang up|ECONNRESET/);
  const server = http.createServer((_req, res) => res.end('{"ready":true}'));
  const stop = phone.ports.listen(6790, (socket) => server.emit('connection', socket));
  assert.equal(await get(), '{"ready":true}');
  stop();
  await assert.rejects(get(), /socket hang up|ECONNRESET/);
  assert.equal((await adb(rig, ['forward', '--remove', `tcp:${port}`])).code, 0);
  await assert.rejects(get(), /ECONNREFUSED/);
  const again = await adb(rig, ['forward', '--remove', `tcp:${port}`]);
  assert.match(again.stderr, new RegExp(`listener 'tcp:${port}' not found`));
});

test('adb reverse: a connection to the phone port reaches the host port; adb forward to it goes there too', { skip }, async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  const host = net.createServer((s) => s.end('from the host\n'));
  await new Promise<void>((r) => host.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => host.close(() => r())));
  const hostPort = (host.address() as net.AddressInfo).port;
  assert.equal((await adb(rig, ['reverse', 'tcp:9000', `tcp:${hostPort}`])).code, 0);
  assert.equal((await adb(rig, ['reverse', '--list'])).stdout.trim(), `UsbFfs tcp:9000 tcp:${hostPort}`);
  assert.equal(phone.ports.isListening(9000), true);
  const port = Number((await adb(rig, ['forward', 'tcp:0', 'tcp:9000'])).stdout.trim());
  const text = await new Promise<string>((resolve, reject) => {
    let got = '';
    net.connect(port, '127.0.0.1').on('data', (c) => (got += c)).on('end', () => resolve(got)).on('error', reject);
  });
  assert.equal(text, 'from the host\n');
  assert.equal((await adb(rig, ['reverse', '--remove-all'])).code, 0);
  assert.equal(phone.ports.isListening(9000), false);
});

test('adb push and pull through sync (STA2, SEND, RECV) to /data/local/tmp and /sdcard; /system is read-only', { skip }, async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  const dir = mkdtempSync(join(tmpdir(), 'adb-push-'));
  const data = Buffer.alloc(300_000, 7);
  data.write('header');
  writeFileSync(join(dir, 'blob.bin'), data);
  const push = await adb(rig, ['push', join(dir, 'blob.bin'), '/data/local/tmp/']);
  assert.equal(push.code, 0, push.stderr);
  assert.match(push.stdout, /1 file pushed/);
  assert.deepEqual(phone.files.read('/data/local/tmp/blob.bin'), data);
  assert.equal((await adb(rig, ['push', join(dir, 'blob.bin'), '/sdcard/Download/b.bin'])).code, 0);
  assert.equal(phone.files.stat('/storage/emulated/0/Download/b.bin')!.size, 300_000);
  assert.equal((await adb(rig, ['pull', '/data/local/tmp/blob.bin', join(dir, 'back.bin')])).code, 0);
  assert.deepEqual(readFileSync(join(dir, 'back.bin')), data);
  assert.equal((await adb(rig, ['shell', 'ls /data/local/tmp'])).stdout, 'blob.bin\n');
  const denied = await adb(rig, ['push', join(dir, 'blob.bin'), '/system/blob.bin']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stdout + denied.stderr, /Read-only file system/, JSON.stringify(denied));
  const missing = await adb(rig, ['pull', '/data/local/tmp/nope', join(dir, 'x')]);
  assert.match(missing.stdout + missing.stderr, /No such file or directory/, JSON.stringify(missing));
  assert.equal((await adb(rig, ['shell', 'rm /data/local/tmp/blob.bin && ls /data/local/tmp'])).stdout, '');
});
