/** Installs of real APK files (shipped by npm packages) over ADB: streamed, multi-APK sessions, adbkit's push + pm install; manifests read with adbkit-apkreader. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import adbkit from '@devicefarmer/adbkit';
import type { VirtualPhone } from '../../harness/phone/phone.ts';
import { SETTINGS_APK, UIA2_SERVER_APK, UIA2_TEST_APK } from './apks.ts';
import { adb, adbCliMissing, startAdbRig } from './rig.ts';

const { Adb } = adbkit;
const skip = adbCliMissing ?? false;
const read = async (stream: NodeJS.ReadableStream): Promise<string> => (await Adb.util.readAll(stream as never)).toString('utf8');

test('adb install streams over abb_exec (Android 13) and exec:cmd (Android 9); the package manager knows the APK', { skip }, async (t) => {
  const rig = await startAdbRig([{}, { deviceProfile: 'reno2' }]);
  t.after(() => rig.close());
  const [x5, reno] = rig.phones as [VirtualPhone, VirtualPhone];
  const spawned: string[] = [];
  for (const phone of [x5, reno]) {
    const spawn = phone.spawn.bind(phone);
    phone.spawn = (line, options) => {
      spawned.push(`${phone.serial}: ${line}`);
      return spawn(line, options);
    };
  }
  for (const serial of ['virtual-oppo-5554', 'virtual-oppo-5556']) {
    const r = await adb(rig, ['-s', serial, 'install', '-g', SETTINGS_APK]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Success/);
  }
  const size = readFileSync(SETTINGS_APK).length;
  assert.ok(spawned.includes(`virtual-oppo-5554: cmd package install -g -S ${size}`), spawned.join('\n'));
  assert.ok(spawned.includes(`virtual-oppo-5556: cmd package 'install' '-g' -S ${size}`), spawned.join('\n'));
  for (const phone of [x5, reno]) {
    const info = phone.packageInfo('io.appium.settings')!;
    assert.equal(info.versionCode, 191);
    assert.equal(info.versionName, '8.0.9');
    assert.equal(info.minSdk, 26);
    assert.ok(info.grantedPermissions.includes('android.permission.READ_PHONE_STATE'));
  }
  assert.match((await adb(rig, ['-s', 'virtual-oppo-5554', 'shell', 'cmd package list packages --show-versioncode io.appium'])).stdout, /^package:io\.appium\.settings versionCode:191$/m);
  assert.match((await adb(rig, ['-s', 'virtual-oppo-5554', 'shell', 'pm path io.appium.settings'])).stdout, /^package:\/data\/app\/~~[\w-]+==\/io\.appium\.settings-[\w-]+==\/base\.apk$/m);
  const uninstall = await adb(rig, ['-s', 'virtual-oppo-5554', 'uninstall', 'io.appium.settings']);
  assert.match(uninstall.stdout, /Success/);
  assert.equal(x5.packageInfo('io.appium.settings'), undefined);
  const again = await adb(rig, ['-s', 'virtual-oppo-5554', 'uninstall', 'io.appium.settings']);
  assert.match(again.stdout + again.stderr, /Failure \[DELETE_FAILED_INTERNAL_ERROR\]/);
  assert.notEqual(again.code, 0);
});

test('adb install-multiple uses an install session; the UiAutomator2 server (18 MB) and its test APK register their instrumentation', { skip }, async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  const multi = await adb(rig, ['install-multiple', '-r', SETTINGS_APK]);
  assert.equal(multi.code, 0, multi.stdout + multi.stderr);
  assert.match(multi.stdout, /Success/);
  assert.ok(phone.packageInfo('io.appium.settings'));
  for (const apk of [UIA2_SERVER_APK, UIA2_TEST_APK]) {
    const r = await adb(rig, ['install', '-r', apk]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  }
  assert.equal(
    (await adb(rig, ['shell', 'pm list instrumentation'])).stdout,
    'instrumentation:io.appium.uiautomator2.server.test/androidx.test.runner.AndroidJUnitRunner (target=io.appium.uiautomator2.server)\n',
  );
  assert.equal(phone.apkPackages.get('io.appium.uiautomator2.server')!.size, readFileSync(UIA2_SERVER_APK).length);
  assert.match((await adb(rig, ['shell', 'dumpsys package io.appium.uiautomator2.server'])).stdout, /^ {4}versionName=10\.6\.6$/m);
});

test('bad installs fail with the package manager code and change nothing: not an APK, a downgrade, a profile app', { skip }, async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  const dir = mkdtempSync(join(tmpdir(), 'apk-'));
  writeFileSync(join(dir, 'junk.apk'), 'this is not a zip');
  const junk = await adb(rig, ['install', join(dir, 'junk.apk')]);
  assert.notEqual(junk.code, 0);
  assert.match(junk.stdout + junk.stderr, /Failure \[INSTALL_PARSE_FAILED_NOT_APK: Failed to parse \/data\/app\/vmdl\d+\.tmp\/base\.apk/);
  assert.deepEqual(phone.packageNames().thirdParty, ['com.tencent.qcloud.tim.demo']);
  await phone.installApk([readFileSync(SETTINGS_APK)]);
  phone.apkPackages.get('io.appium.settings')!.manifest.versionCode = 500;
  const down = await adb(rig, ['install', SETTINGS_APK]);
  assert.match(down.stdout + down.stderr, /Failure \[INSTALL_FAILED_VERSION_DOWNGRADE: Downgrade detected: Update version code 191 is older than current 500\]/);
  assert.equal(phone.packageInfo('io.appium.settings')!.versionCode, 500);
  assert.equal((await adb(rig, ['install', '-d', SETTINGS_APK])).code, 0);
  assert.equal(phone.packageInfo('io.appium.settings')!.versionCode, 191);
});

test('adbkit install: push to /data/local/tmp, pm install PATH, rm; uninstall, isInstalled', async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  const device = rig.client.getDevice('virtual-oppo-5554');
  assert.equal(await device.install(SETTINGS_APK), true);
  assert.equal(await device.isInstalled('io.appium.settings'), true);
  assert.equal(phone.files.stat('/data/local/tmp/settings_apk-debug.apk'), undefined);
  assert.ok((await device.getPackages()).includes('io.appium.settings'));
  assert.equal(await device.uninstall('io.appium.settings'), true);
  assert.equal(await device.isInstalled('io.appium.settings'), false);
  assert.equal(await read(await device.shell('pm install /data/local/tmp/none.apk; echo rc=$?')), "Error: Can't open file: /data/local/tmp/none.apk\nException occurred while executing 'install':\njava.lang.IllegalArgumentException: Error: Can't open file: /data/local/tmp/none.apk\nrc=1\n");
});
