/**
 * Device control with adbkit (harness/device/) against virtual phones over the lab's ADB endpoint:
 * what it reads and does there is what it reads and does on an emulator or a USB phone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { AndroidDevice } from '../../harness/device/android-device.ts';
import { describeBuild } from '../../harness/device/build-props.ts';
import { DevicePickError, listDevices, pickDevice } from '../../harness/device/devices.ts';
import { EXTRAS_TAG } from '../../harness/phone/demo-app.ts';
import { SETTINGS_APK } from '../adb/apks.ts';
import { startAdbRig } from '../adb/rig.ts';
import { PKG } from '../phone/fakes.ts';

test('list and pick: the only device, a named one, and each refusal saying what to do', async (t) => {
  const rig = await startAdbRig([{ deviceProfile: 'find-x7' }, { deviceProfile: 'reno2' }]);
  t.after(() => rig.close());
  const [x7, reno] = rig.phones as [typeof rig.phones[0], typeof rig.phones[0]];
  assert.deepEqual(await listDevices(rig.client), [
    { serial: x7!.serial, state: 'device', model: 'PHZ110', product: 'PHZ110', device: 'OP5D0DL1' },
    { serial: reno!.serial, state: 'device', model: reno!.device.props['ro.product.model'], product: reno!.device.props['ro.product.name'], device: reno!.device.props['ro.product.device'] },
  ]);
  assert.equal((await pickDevice(rig.client, reno!.serial)).serial, reno!.serial);
  await assert.rejects(pickDevice(rig.client), (e: unknown) => e instanceof DevicePickError && /more than one device\/emulator .*E2E_UDID/.test(e.message));
  await assert.rejects(pickDevice(rig.client, 'emulator-5580'), /device 'emulator-5580' not found \(attached: virtual-oppo-5554 \(device\), virtual-oppo-5556 \(device\)\)/);
  await rig.farm.shutdownAll();
  await assert.rejects(pickDevice(rig.client), /no devices\/emulators found/);
});

test('build props: brand, model, Android version, ColorOS (oplusrom on new builds, opporom on old ones)', async (t) => {
  const rig = await startAdbRig([{ deviceProfile: 'find-x7' }, { deviceProfile: 'r15' }]);
  t.after(() => rig.close());
  const x7 = await new AndroidDevice(rig.client, rig.phones[0]!.serial).buildProps();
  assert.deepEqual(x7, { brand: 'OPPO', manufacturer: 'OPPO', model: 'PHZ110', device: 'OP5D0DL1', androidVersion: '14', sdk: 34, colorOsVersion: 'V14.0.0' });
  assert.equal(describeBuild(x7), 'OPPO PHZ110, Android 14 (API 34), ColorOS V14.0.0');
  const r15 = await new AndroidDevice(rig.client, rig.phones[1]!.serial).buildProps();
  assert.equal(r15.sdk, 27);
  assert.equal(r15.colorOsVersion, rig.phones[1]!.device.props['ro.build.version.opporom']);
  assert.ok(r15.colorOsVersion, 'the R15 profile carries opporom');
});

test('install and uninstall a real APK; force-stop; start with extras; exit status of a command', async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const phone = rig.phones[0]!;
  const device = new AndroidDevice(rig.client, phone.serial);
  assert.equal(await device.isInstalled('io.appium.settings'), false);
  await device.install(SETTINGS_APK);
  assert.equal(await device.isInstalled('io.appium.settings'), true);
  assert.equal(await device.uninstall('io.appium.settings'), true);
  assert.equal(await device.isInstalled('io.appium.settings'), false);

  await device.start({ component: `${PKG}/.push.OfflinePushClickActivity`, extras: { conv: 'c2c alice', n: '7' }, wait: true });
  assert.equal(phone.app(PKG)?.process !== undefined, true);
  assert.deepEqual(phone.receivedExtras(PKG), [], 'am start is not a notification tap: nothing logged as push extras');
  assert.equal(await phone.currentActivity(), '.push.OfflinePushClickActivity');
  await device.forceStop(PKG);
  assert.equal(phone.app(PKG)?.process, undefined);
  await assert.rejects(device.start({ component: `${PKG}/.Nope` }), /does not exist/);

  assert.deepEqual(await device.run(['sh', '-c', 'echo out; exit 3']), { output: 'out\n', exitCode: 3 });
  assert.equal((await device.run(['pm', 'path', PKG])).exitCode, 0);
  assert.equal((await device.run(['pm', 'path', 'com.nope'])).exitCode, 1);
  assert.equal(await device.launcherActivity(PKG), `${PKG}/${PKG}.SplashActivity`);
  assert.equal(await device.launcherActivity('com.nope'), undefined);
});

test("adb reverse: the phone's 127.0.0.1:PORT reaches this machine's port (nc on the phone)", async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const phone = rig.phones[0]!;
  const server = net.createServer((s) => s.once('data', (d) => s.end(`lab got ${d.toString().trim()}`)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const hostPort = (server.address() as net.AddressInfo).port;
  const device = new AndroidDevice(rig.client, phone.serial);
  assert.deepEqual(await device.run(['nc', '127.0.0.1', '18600']), { output: 'nc: connect: Connection refused\n', exitCode: 1 });
  await device.reverse(18600, hostPort);
  assert.deepEqual(await device.reverses(), [{ remote: 'tcp:18600', local: `tcp:${hostPort}` }]);
  assert.equal(await device.shell("echo ping | nc -w 3 127.0.0.1 18600"), 'lab got ping');
});

test('logcat: extras lines under the app tag and push lines; dumpsys notification settings: enabled and channels', async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const phone = rig.phones[0]!;
  const device = new AndroidDevice(rig.client, phone.serial);
  assert.deepEqual(await device.notificationSettings(PKG), { packageName: PKG, enabled: false, importance: 'NONE', channels: [] }, 'never started: ColorOS keeps it off, no channels yet');
  assert.equal(await device.notificationSettings('com.nope'), undefined);
  await phone.activateApp(PKG);
  phone.log(4321, 'D', EXTRAS_TAG, 'key = conv:value = c2c_alice');
  phone.log(2419, 'I', 'HeytapPush', 'connected deviceId=x');
  assert.deepEqual(await device.loggedExtras(EXTRAS_TAG), { conv: 'c2c_alice' });
  assert.ok((await device.pushLog()).some((l) => l.tag === 'HeytapPush' && l.message === 'connected deviceId=x'));
  assert.deepEqual(await device.notificationSettings(PKG), { packageName: PKG, enabled: true, importance: 'UNSPECIFIED', channels: ['tuikit', 'marketing'].filter((c) => phone.notifications.channel(PKG, c)) });
  phone.setNotificationPermission(PKG, false);
  assert.equal((await device.notificationSettings(PKG))?.enabled, false);
});
