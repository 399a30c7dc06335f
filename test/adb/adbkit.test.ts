/** @devicefarmer/adbkit against the lab's ADB endpoint (needs no Debian package: always runs). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import adbkit from '@devicefarmer/adbkit';
import type { VirtualPhone } from '../../harness/phone/phone.ts';
import { startAdbRig } from './rig.ts';

const { Adb } = adbkit;
const read = async (stream: NodeJS.ReadableStream): Promise<string> => (await Adb.util.readAll(stream as never)).toString('utf8');

test('adbkit: version 41, devices with paths, features, properties, shell with its quoting', async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  assert.equal(await rig.client.version(), 41);
  assert.deepEqual(await rig.client.listDevices(), [{ id: 'virtual-oppo-5554', type: 'device' }]);
  const [withPath] = await rig.client.listDevicesWithPaths();
  assert.equal(withPath!.path, 'usb:1-1');
  assert.equal(withPath!.model, 'model:CPH2307');
  const device = rig.client.getDevice('virtual-oppo-5554');
  const props = await device.getProperties();
  assert.equal(props['ro.product.brand'], 'OPPO');
  assert.equal(props['ro.build.version.sdk'], '33');
  assert.equal(await read(await device.shell(['echo', "it's", 'a b'])), "it's a b\n");
  assert.equal(await read(await device.shell('nope; echo rc=$?')), '/system/bin/sh: nope: inaccessible or not found\nrc=127\n');
  assert.equal(await device.getState(), 'device');
  // adbkit 3.3.9 exports its get-devpath command under the name GetSerialNoCommand, so getSerialNo() also answers the path.
  assert.equal(await device.getDevicePath(), 'usb:1-1');
  await assert.rejects(rig.client.getDevice('nope').getState(), /device 'nope' not found/);
});

test('adbkit: trackDevices reports phones joining and leaving the farm', async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const tracker = await rig.client.trackDevices();
  t.after(() => tracker.end());
  const added = once(tracker, 'add');
  const booted = await rig.farm.boot({ deviceProfile: 'find-x7' });
  assert.equal((await added)[0].id, booted.serial);
  const removed = once(tracker, 'remove');
  await rig.farm.shutdown(booted.serial);
  assert.equal((await removed)[0].id, booted.serial);
});

test('adbkit: push, stat, readdir and pull over sync', async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const device = rig.client.getDevice('virtual-oppo-5554');
  const transfer = await device.push(Readable.from([Buffer.from('hello sdcard')]), '/sdcard/hello.txt');
  await once(transfer, 'end');
  const stat = await device.stat('/sdcard/hello.txt');
  assert.equal(stat.size, 12);
  assert.ok(stat.isFile());
  const names = (await device.readdir('/sdcard')).map((e: { name: string }) => e.name);
  assert.ok(names.includes('hello.txt') && names.includes('Download'), names.join(','));
  assert.equal(await read(await device.pull('/sdcard/hello.txt')), 'hello sdcard');
  const missing = await device.pull('/sdcard/none');
  const [error] = (await once(missing, 'error')) as [Error];
  assert.match(error.message, /open failed: No such file or directory/);
});

test('adbkit: forward and reverse bookkeeping; openTcp reaches a listening device port and is refused otherwise', async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  const device = rig.client.getDevice('virtual-oppo-5554');
  const free = net.createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
  const local = (free.address() as net.AddressInfo).port;
  await new Promise<void>((r) => free.close(() => r()));
  assert.equal(await device.forward(`tcp:${local}`, 'tcp:6790'), true);
  assert.deepEqual(await device.listForwards(), [{ serial: 'virtual-oppo-5554', local: `tcp:${local}`, remote: 'tcp:6790' }]);
  assert.equal(await device.reverse('tcp:9100', 'tcp:9200'), true);
  assert.deepEqual(await device.listReverses(), [{ remote: 'tcp:9100', local: 'tcp:9200' }]);
  await assert.rejects(device.openTcp(6790), /closed/);
  const stop = phone.ports.listen(6790, (socket) => socket.end('hi from the phone'));
  t.after(stop);
  assert.equal(await read(await device.openTcp(6790)), 'hi from the phone');
});

/** A raw smart-socket exchange: one request, everything the server answers until it closes. */
async function exchange(port: number, request: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(request);
  let got = '';
  socket.on('data', (c) => (got += c.toString('latin1')));
  await once(socket, 'close');
  return got;
}

test('unknown host services and malformed requests answer FAIL at once, never hang', async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const frame = (s: string) => s.length.toString(16).padStart(4, '0') + s;
  assert.match(await exchange(rig.server.port, frame('host:no-such-service')), /^FAIL[0-9a-f]{4}unknown host service 'no-such-service'/);
  assert.match(await exchange(rig.server.port, frame('host:server-status')), /^FAIL/);
  assert.match(await exchange(rig.server.port, 'zzzzhost:version'), /^FAIL[0-9a-f]{4}bad request length/);
  assert.match(await exchange(rig.server.port, frame('shell:echo')), /^FAIL[0-9a-f]{4}unknown host service 'shell:echo' \(switch to a device first/);
  assert.equal(await exchange(rig.server.port, frame('host:version')), 'OKAY00040029');
  assert.match(await exchange(rig.server.port, frame('host:transport:virtual-oppo-5554') + frame('framebuffer:')), /^OKAYFAIL0006closed$/);
  assert.equal(await exchange(rig.server.port, frame('host-serial:virtual-oppo-5554:get-devpath')), 'OKAY0007usb:1-1');
});

test('adbkit openLogcat: binary entries (logcat -B) parsed by adbkit-logcat, streamed as the phone logs', async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  const device = rig.client.getDevice('virtual-oppo-5554');
  const reader = await device.openLogcat();
  t.after(() => reader.end());
  const seen = new Promise<{ tag: string; message: string; pid: number; priority: number }>((resolve) => {
    reader.on('entry', (entry: { tag: string; message: string; pid: number; priority: number }) => {
      if (entry.tag === 'LabProbe') resolve(entry);
    });
  });
  phone.log(4321, 'W', 'LabProbe', 'binary hello');
  const entry = await seen;
  assert.deepEqual({ tag: entry.tag, message: entry.message, pid: entry.pid, priority: entry.priority }, { tag: 'LabProbe', message: 'binary hello', pid: 4321, priority: 5 });
});
