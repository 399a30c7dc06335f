/**
 * appium-adb — the library the real UiAutomator2 driver drives a phone with — against the lab's ADB
 * endpoint: the calls of a session start parse our output (API level, install, package info,
 * focused activity, start/force-stop, permissions, resolve-activity, lock state, forward). It runs
 * Debian's adb binary, so it is skipped (with the reason printed) where adb is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { VirtualPhone } from '../../harness/phone/phone.ts';
import { SETTINGS_APK } from './apks.ts';
import { adbCliMissing, startAdbRig } from './rig.ts';

const require = createRequire(import.meta.url);
const driverDir = dirname(require.resolve('appium-uiautomator2-driver/package.json'));
// appium-adb exports no package entry for require.resolve; find its build where npm put it.
const appiumAdb = [join(driverDir, 'node_modules', 'appium-adb'), join(driverDir, '..', 'appium-adb')].find((d) => existsSync(join(d, 'build/lib/index.js')));
const skip = adbCliMissing ?? (appiumAdb ? false : 'appium-adb not found under appium-uiautomator2-driver (npm ci)');

interface AppiumAdb {
  setDeviceId(serial: string): void;
  getApiLevel(): Promise<number>;
  getPlatformVersion(): Promise<string>;
  isAppInstalled(pkg: string): Promise<boolean>;
  install(apk: string, options: Record<string, unknown>): Promise<void>;
  getPackageInfo(pkg: string): Promise<{ versionName?: string; versionCode?: number; isInstalled: boolean }>;
  getFocusedPackageAndActivity(): Promise<{ appPackage: string | null; appActivity: string | null }>;
  startApp(options: Record<string, unknown>): Promise<string>;
  processExists(name: string): Promise<boolean>;
  forceStop(pkg: string): Promise<string>;
  getGrantedPermissions(pkg: string): Promise<string[]>;
  resolveLaunchableActivity(pkg: string): Promise<string>;
  isScreenLocked(): Promise<boolean>;
  shell(args: string[]): Promise<string>;
  forwardPort(local: number, remote: number): Promise<void>;
  removePortForward(local: number): Promise<void>;
  uninstallApk(pkg: string): Promise<boolean>;
}

test('appium-adb (the UiAutomator2 driver\'s adb layer) reads the virtual phone as it reads a real one', { skip }, async (t) => {
  const rig = await startAdbRig();
  t.after(() => rig.close());
  const [phone] = rig.phones as [VirtualPhone];
  process.env.ANDROID_HOME ??= '/usr/lib/android-sdk';
  const { ADB } = (await import(pathToFileURL(join(appiumAdb!, 'build/lib/index.js')).href)) as { ADB: { createADB(o: Record<string, unknown>): Promise<AppiumAdb> } };
  const adb = await ADB.createADB({ adbPort: rig.server.port, remoteAdbHost: '127.0.0.1', suppressKillServer: true, adbExecTimeout: 60_000 });
  adb.setDeviceId(phone.serial);
  assert.equal(await adb.getApiLevel(), 33);
  assert.equal(await adb.getPlatformVersion(), '13');
  assert.equal(await adb.isAppInstalled('io.appium.settings'), false);
  await adb.install(SETTINGS_APK, { grantPermissions: true, timeout: 60_000 });
  assert.deepEqual(await adb.getPackageInfo('io.appium.settings'), { name: 'io.appium.settings', isInstalled: true, versionName: '8.0.9', versionCode: 191 });
  assert.deepEqual(await adb.getFocusedPackageAndActivity(), { appPackage: 'com.android.launcher', appActivity: '.Launcher' });
  await adb.startApp({ pkg: 'io.appium.settings', activity: '.Settings', action: 'android.intent.action.MAIN', category: 'android.intent.category.LAUNCHER', stopApp: false, waitForLaunch: false });
  assert.equal(await adb.processExists('io.appium.settings'), true);
  await adb.forceStop('io.appium.settings');
  assert.equal(await adb.processExists('io.appium.settings'), false);
  assert.ok((await adb.getGrantedPermissions('io.appium.settings')).includes('android.permission.READ_PHONE_STATE'));
  assert.equal(await adb.resolveLaunchableActivity('io.appium.settings'), 'io.appium.settings/io.appium.settings.Settings');
  assert.equal(await adb.isScreenLocked(), false);
  assert.equal(await adb.shell(['echo', 'ping']), 'ping');
  assert.equal(await adb.uninstallApk('io.appium.settings'), true);
  assert.equal(await adb.isAppInstalled('io.appium.settings'), false);
});
