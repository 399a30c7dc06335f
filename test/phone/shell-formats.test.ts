/** Each command's output against the Android format sample in fixtures/shell/ (sources noted there), per Android version. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SETTINGS_APK, UIA2_TEST_APK, UIA2_SERVER_APK } from '../adb/apks.ts';
import { bootPhone } from './fakes.ts';
import { missingSampleLine } from './samples.ts';

const settingsApk = readFileSync(SETTINGS_APK);

async function phoneWithSettings(device: string) {
  const rig = await bootPhone({ device });
  await rig.phone.installApk([settingsApk], { grantAll: true });
  return rig;
}

function assertSample(output: string, sample: string): void {
  const missing = missingSampleLine(output, sample);
  assert.equal(missing, undefined, `fixtures/shell/${sample}: no line like ${JSON.stringify(missing)} in\n${output}`);
}

for (const device of ['reno2', 'find-x5']) {
  test(`${device}: getprop, pm list packages --show-versioncode, resolve-activity, dumpsys package/power/activity, ps, settings, am broadcast match the samples`, async (t) => {
    const { phone } = await phoneWithSettings(device);
    t.after(() => phone.shutdown());
    const sh = async (line: string) => (await phone.shell(line)).stdout;
    assertSample(await sh('getprop'), 'getprop-all.txt');
    assertSample(await sh('cmd package list packages --show-versioncode'), 'pm-list-packages-versioncode.txt');
    assertSample(await sh('cmd package resolve-activity --brief io.appium.settings'), 'resolve-activity-brief.txt');
    assertSample(await sh('dumpsys package io.appium.settings'), 'dumpsys-package.txt');
    assertSample(await sh('dumpsys power'), 'dumpsys-power.txt');
    assertSample(await sh('ps -A'), 'ps-A.txt');
    assertSample(await sh('ps --help'), 'ps-help.txt');
    assertSample(await sh('am broadcast -a com.example.PING'), 'am-broadcast.txt');
    assertSample(
      await sh('settings put global hidden_api_policy 1; settings get global hidden_api_policy; settings delete global hidden_api_policy; settings get global hidden_api_policy; settings delete global hidden_api_policy'),
      'settings.txt',
    );
    // The settings app's own code starts its foreground service (team uia2 models that); any running service is listed so.
    phone.apkPackages.startService('io.appium.settings/io.appium.settings.ForegroundService', { foreground: true, channel: 'main_channel' });
    assertSample(await sh('dumpsys activity services io.appium.settings'), 'dumpsys-activity-services.txt');
    assertSample(await sh('dumpsys activity processes'), 'dumpsys-activity-processes.txt');
    assertSample(await sh('dumpsys activity services io.appium.settings/.recorder.RecorderService'), 'dumpsys-activity-services-none.txt');
    assertSample(await sh(device === 'reno2' ? 'dumpsys window windows' : 'dumpsys window displays'), device === 'reno2' ? 'dumpsys-window-windows.txt' : 'dumpsys-window-displays.txt');
  });
}

test('Android 8.1: list packages has no --show-versioncode; pm list instrumentation and installs answer as the samples', async (t) => {
  const { phone } = await bootPhone({ device: 'r15' });
  t.after(() => phone.shutdown());
  assert.deepEqual(await phone.shell('cmd package list packages --show-versioncode'), { stdout: '', stderr: 'Error: Unknown option: --show-versioncode\n', exitCode: 255 });
  for (const apk of [UIA2_SERVER_APK, UIA2_TEST_APK]) phone.files.write(`/data/local/tmp/${apk.split('/').pop()}`, readFileSync(apk));
  const install = await phone.shell(`pm install -r /data/local/tmp/${UIA2_TEST_APK.split('/').pop()}`);
  assert.deepEqual(install, { stdout: 'Success\n', stderr: '', exitCode: 0 });
  assertSample((await phone.shell('pm list instrumentation')).stdout, 'pm-list-instrumentation.txt');
  phone.files.write('/data/local/tmp/junk.apk', Buffer.from('no zip'));
  const junk = await phone.shell('pm install /data/local/tmp/junk.apk');
  assert.equal(junk.exitCode, 1);
  assertSample(`Success\nFailure [INSTALL_FAILED_VERSION_DOWNGRADE: Downgrade detected: Update version code 1 is older than current 2]\n${junk.stdout}`, 'pm-install.txt');
});

test('Android 13: install sessions, am start -W of an APK activity, dumpsys window policy, deviceidle, logcat, cmd notification post/allow_listener, appops', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  const sh = async (line: string) => phone.shell(line);
  const created = (await sh('cmd package install-create -S 3 -r')).stdout;
  assert.equal(created, 'Success: created install session [1234]\n');
  phone.files.write('/data/local/tmp/s.apk', settingsApk);
  const write = (await sh('cmd package install-write 1234 base.apk /data/local/tmp/s.apk')).stdout;
  const commit = (await sh('cmd package install-commit 1234')).stdout;
  assertSample(created + write + commit, 'install-multiple.txt');
  assert.match((await sh('cmd package install-commit 1234')).stderr, /Caller has no access to session 1234/);
  const started = (await sh('am start-activity -W -n io.appium.settings/.Settings -a android.intent.action.MAIN -c android.intent.category.LAUNCHER')).stdout;
  assertSample(started.replace('Intent { act=android.intent.action.MAIN cat=[android.intent.category.LAUNCHER] cmp=', 'Intent { cmp='), 'am-start-w-10.txt');
  assert.ok(phone.apkPackages.process('io.appium.settings'));
  assert.match((await sh('ps -A')).stdout, / io\.appium\.settings$/m);
  await sh('am force-stop io.appium.settings');
  assert.equal(phone.apkPackages.process('io.appium.settings'), undefined);
  assert.doesNotMatch((await sh('ps -A')).stdout, /io\.appium\.settings/);
  assertSample((await sh('dumpsys window')).stdout, 'dumpsys-window-policy.txt');
  assertSample(
    (await sh('dumpsys deviceidle whitelist +io.appium.settings ; dumpsys deviceidle whitelist -io.appium.settings ; dumpsys deviceidle whitelist')).stdout,
    'dumpsys-deviceidle-whitelist.txt',
  );
  assert.equal((await sh('dumpsys deviceidle whitelist +com.nope')).stdout, 'Unknown package: com.nope\n');
  assertSample((await sh('logcat -d')).stdout, 'logcat-threadtime.txt');
  assertSample((await sh('cmd notification post -t alice im_push_1 hello from adb')).stdout, 'cmd-notification-post.txt');
  await sh('cmd notification post -t bob im_push_1 replaced');
  const shellEntries = phone.notifications.entries.filter((e) => e.packageName === 'com.android.shell');
  assert.deepEqual(shellEntries.map((e) => [e.key, e.id, e.channelId, e.title, e.text]), [['0|com.android.shell|2020|im_push_1|2000', 2020, 'shell_cmd', 'bob', 'replaced']]);
  assert.deepEqual(await sh('cmd notification allow_listener io.appium.settings/.NLService'), { stdout: '', stderr: '', exitCode: 0 });
  assert.equal((await sh('settings get secure enabled_notification_listeners')).stdout, 'io.appium.settings/io.appium.settings.NLService\n');
  assert.deepEqual(await sh('appops set io.appium.settings PROJECT_MEDIA allow'), { stdout: '', stderr: '', exitCode: 0 });
  assert.equal((await sh('appops get io.appium.settings PROJECT_MEDIA')).stdout, 'PROJECT_MEDIA: allow\n');
  assert.equal((await sh('appops set com.nope PROJECT_MEDIA allow')).stderr, 'Error: Unknown package: com.nope\n');
  assert.equal((await sh('echo ping')).stdout, 'ping\n');
});

test('a receiver registered for an action answers am broadcast with its result code and data', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  const stop = phone.apkPackages.registerReceiver('io.example.QUERY', (intent) => ({ code: -1, data: JSON.stringify({ echo: intent.extras.k }) }));
  const answer = (await phone.shell('am broadcast -a io.example.QUERY --es k v')).stdout;
  assert.equal(answer, 'Broadcasting: Intent { act=io.example.QUERY flg=0x400000 (has extras) }\nBroadcast completed: result=-1, data="{"echo":"v"}"\n');
  stop();
  assert.match((await phone.shell('am broadcast -a io.example.QUERY')).stdout, /result=0$/m);
});

test('the sample matcher itself: a missing line, or lines out of order, do not match', () => {
  assert.equal(missingSampleLine('Added: io.appium.settings\nRemoved: io.appium.settings\nsystem-excidle,com.android.shell,2000\n', 'dumpsys-deviceidle-whitelist.txt'), undefined);
  assert.equal(missingSampleLine('Removed: io.appium.settings\nAdded: io.appium.settings\nsystem-excidle,com.android.shell,2000\n', 'dumpsys-deviceidle-whitelist.txt'), 'Removed: io.appium.settings');
  assert.equal(missingSampleLine('Success\n', 'install-multiple.txt'), 'Success: created install session [{n}]');
});
