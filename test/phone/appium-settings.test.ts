/**
 * The Appium Settings helper on a virtual phone, driven by the shell commands the UiAutomator2
 * driver sends (the real APK installed as `adb install` does), read the way its npm client reads it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { StatusBarNotification } from '../../harness/phone/api.ts';
import { SETTINGS_PACKAGE } from '../../harness/phone/uia2/settings-app.ts';
import { bootPhone, PKG } from './fakes.ts';
import { SETTINGS_APK } from '../adb/apks.ts';

const BROADCAST = 'am broadcast -a io.appium.settings.notifications';
const START = 'am start-activity -n io.appium.settings/.Settings -a android.intent.action.MAIN -c android.intent.category.LAUNCHER';

/** What io.appium.settings' client does with the broadcast output (`_parseJsonData`). */
function parseData(output: string): unknown {
  assert.match(output, /\bresult=-1\b/);
  const match = /\bdata="(.+)",?/.exec(output);
  assert.ok(match, output);
  return JSON.parse(match[1]!.trim());
}

test('the helper: foreground service after its activity starts, notifications broadcast only with listener access', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  assert.equal((await phone.shell(BROADCAST)).stdout, 'Broadcasting: Intent { act=io.appium.settings.notifications flg=0x400000 }\nBroadcast completed: result=0\n', 'not installed: nobody answers');
  await phone.installApk([readFileSync(SETTINGS_APK)]);
  assert.doesNotMatch((await phone.shell('dumpsys activity services io.appium.settings')).stdout, /isForeground=true/);
  assert.match((await phone.shell(BROADCAST)).stdout, /Broadcast completed: result=0\n$/, 'installed but not started: its receivers are not registered');

  assert.equal((await phone.shell(START)).exitCode, 0);
  assert.match((await phone.shell('dumpsys activity services io.appium.settings')).stdout, /ServiceRecord\{\w+ u0 io\.appium\.settings\/\.ForegroundService\}[\s\S]*isForeground=true/);
  assert.equal(await phone.currentPackage(), PKG, 'the Settings activity finishes at once: the app stays in front');
  const ongoing = (await phone.getNotifications()).statusBarNotifications.find((n) => n.packageName === SETTINGS_PACKAGE);
  assert.deepEqual([ongoing?.isOngoing, ongoing?.isClearable, ongoing?.id], [true, false, 1], 'the foreground service shows its notification');

  const denied = (await phone.shell(BROADCAST)).stdout;
  assert.match(denied, /result=-1, data="Appium Settings helper has no access to the system notifications\./);
  assert.throws(() => parseData(denied), SyntaxError, 'the driver cannot parse that, as on a real phone');

  assert.equal((await phone.shell('cmd notification allow_listener io.appium.settings/.NLService')).exitCode, 0);
  await phone.shell('cmd notification post -t alice tag1 first');
  await phone.shell('cmd notification post -t bob tag2 second');
  await phone.openNotifications();
  const clearAll = (await phone.uiTree()).children.flatMap(function all(n): (typeof n)[] {
    return [n, ...n.children.flatMap(all)];
  }).find((n) => n.text === 'Clear all');
  await phone.tap(clearAll!.id);
  const seen = parseData((await phone.shell(BROADCAST)).stdout) as { statusBarNotifications: StatusBarNotification[] };
  assert.deepEqual(seen, await phone.getNotifications(), 'the listener reads the same shade every front reads');
  const shell = seen.statusBarNotifications.filter((n) => n.packageName === 'com.android.shell');
  assert.deepEqual(shell.map((n) => [n.notification.title, n.isRemoved]), [['bob', true], ['alice', true]], 'newest first, removed ones flagged');
  assert.equal(seen.statusBarNotifications.find((n) => n.packageName === SETTINGS_PACKAGE)?.isRemoved, false, 'Clear all leaves the ongoing notification');

  await phone.shell('am force-stop io.appium.settings');
  assert.doesNotMatch((await phone.shell('dumpsys activity services io.appium.settings')).stdout, /isForeground=true/);
  assert.match((await phone.shell(BROADCAST)).stdout, /result=0\n$/, 'stopped: its receivers went with the process');
  assert.doesNotMatch((await phone.shell('ps -A')).stdout, / io\.appium\.settings\n/);
  assert.equal((await phone.shell(START)).exitCode, 0);
  assert.match((await phone.shell(BROADCAST)).stdout, /result=-1, data="\{"statusBarNotifications":/, 'started again, still granted');
});
