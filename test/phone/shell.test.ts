import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseShell } from '../../harness/phone/shell/parse.ts';
import { bootPhone, loginThroughUi, PKG } from './fakes.ts';

test('the parser splits like sh: quotes, escapes, && || ; pipes and redirections', () => {
  const steps = parseShell(`echo 'a b' "c \\"d\\"" e\\ f && grep -i x | head -n 1 2>/dev/null; false || true 2>&1 >/dev/null`);
  assert.deepEqual(steps.map((s) => s.connector), [';', '&&', ';', '||']);
  assert.deepEqual(steps[0]!.pipeline[0]!.argv, ['echo', 'a b', 'c "d"', 'e f']);
  assert.deepEqual(steps[1]!.pipeline.map((c) => c.argv[0]), ['grep', 'head']);
  assert.equal(steps[1]!.pipeline[1]!.discardStderr, true);
  assert.equal(steps[3]!.pipeline[0]!.mergeStderr, true);
  assert.equal(steps[3]!.pipeline[0]!.discardStdout, true);
  assert.throws(() => parseShell(`echo 'open`), /unterminated/);
  assert.throws(() => parseShell('&& ls'), /unexpected/);
});

test('unknown commands answer like Android (exit 127); && and || follow exit codes', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  assert.deepEqual(await phone.shell('foo --bar'), { stdout: '', stderr: '/system/bin/sh: foo: inaccessible or not found\n', exitCode: 127 });
  assert.deepEqual(await phone.shell('foo 2>/dev/null || echo fallback'), { stdout: 'fallback\n', stderr: '', exitCode: 0 });
  assert.equal((await phone.shell('false && echo no')).stdout, '');
  assert.equal((await phone.shell(`echo 'unterminated`)).exitCode, 1);
});

test('getprop prints one value or every [key]: [value]', async (t) => {
  const x3 = await bootPhone({ device: 'find-x3' });
  const x5 = await bootPhone();
  t.after(() => Promise.all([x3.phone.shutdown(), x5.phone.shutdown()]));
  assert.equal((await x5.phone.shell('getprop ro.product.brand')).stdout, 'OPPO\n');
  assert.equal((await x5.phone.shell('getprop ro.build.version.oplusrom')).stdout, 'V13.1.0\n');
  assert.equal((await x3.phone.shell('getprop ro.build.version.opporom')).stdout, 'V11.2\n');
  assert.equal((await x3.phone.shell('getprop ro.build.version.oplusrom')).stdout, '\n');
  const all = (await x5.phone.shell('getprop | grep ro.build.version')).stdout;
  assert.match(all, /^\[ro\.build\.version\.release\]: \[13\]$/m);
  assert.match(all, /^\[ro\.build\.version\.sdk\]: \[33\]$/m);
  assert.equal((await x5.phone.shell('getprop ro.serialno')).stdout, 'virtual-oppo-5554\n');
});

test('pm list packages and pm path', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  assert.equal((await phone.shell('pm list packages -3')).stdout, `package:${PKG}\n`);
  assert.equal((await phone.shell('pm list packages tencent')).stdout, `package:${PKG}\n`);
  assert.match((await phone.shell('pm list packages')).stdout, /^package:com\.heytap\.mcs$/m);
  assert.match((await phone.shell(`pm path ${PKG}`)).stdout, /^package:\/data\/app\/~~[\w-]+==\/com\.tencent\.qcloud\.tim\.demo-[\w-]+==\/base\.apk\n$/);
  assert.deepEqual(await phone.shell('pm path com.nope'), { stdout: '', stderr: '', exitCode: 1 });
});

test('am start -W prints the launch report; -n with a bad class is an error; am force-stop is silent', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  const cold = await phone.shell(`am start -W -n ${PKG}/.push.OfflinePushClickActivity --es orderId 42`);
  assert.equal(
    cold.stdout,
    [
      `Starting: Intent { cmp=${PKG}/.push.OfflinePushClickActivity (has extras) }`,
      'Status: ok',
      'LaunchState: COLD',
      `Activity: ${PKG}/.push.OfflinePushClickActivity`,
      'TotalTime: 412',
      'WaitTime: 418',
      'Complete',
      '',
    ].join('\n'),
  );
  assert.match((await phone.shell(`am start -W -n ${PKG}/.main.MainActivity`)).stdout, /LaunchState: HOT/);
  const bad = await phone.shell(`am start -n ${PKG}/.Nope`);
  assert.equal(bad.stderr, `Error: Activity class {${PKG}/${PKG}.Nope} does not exist.\n`);
  assert.notEqual(bad.exitCode, 0);
  assert.deepEqual(await phone.shell(`am force-stop ${PKG}`), { stdout: '', stderr: '', exitCode: 0 });
  assert.deepEqual(await phone.shell('am force-stop com.unknown'), { stdout: '', stderr: '', exitCode: 0 });
  assert.equal(await phone.queryAppState(PKG), 1);
});

test('am start on Android 9 prints ThisTime and no LaunchState; startActivity uses the same path', async (t) => {
  const { phone } = await bootPhone({ device: 'reno2' });
  t.after(() => phone.shutdown());
  const out = await phone.startActivity({ component: `${PKG}/.SplashActivity`, wait: true });
  assert.match(out, /^Status: ok\nActivity: .*\nThisTime: 412\nTotalTime: 412\n/m);
  assert.doesNotMatch(out, /LaunchState/);
});

test('cmd notification post (Android 10+) posts as com.android.shell on shell_cmd; -c gives it a content intent', async (t) => {
  const { phone } = await bootPhone();
  const pie = await bootPhone({ device: 'reno2' });
  t.after(() => Promise.all([phone.shutdown(), pie.phone.shutdown()]));
  const out = await phone.shell(`cmd notification post -t 'Order shipped' -c activity --es orderId 42 ${PKG}/.push.OfflinePushClickActivity order-42 'Parcel 42 is on its way'`);
  assert.match(out.stdout, /^posting:\n  Notification\(channel=shell_cmd /);
  const [entry] = phone.notifications.entries;
  assert.equal(entry!.key, '0|com.android.shell|2020|order-42|2000');
  assert.equal(entry!.title, 'Order shipped');
  assert.equal(entry!.text, 'Parcel 42 is on its way');
  await phone.shell('cmd statusbar expand-notifications');
  assert.equal(phone.shadeOpen, true);
  await phone.tapNotification(entry!.key);
  assert.equal(await phone.currentActivity(), '.push.OfflinePushClickActivity');
  assert.deepEqual(phone.receivedExtras(PKG).at(-1)!.extras, { orderId: '42' });
  const old = await pie.phone.shell('cmd notification post tag text');
  assert.equal(old.stderr, 'Unknown command: post\n');
  assert.equal(pie.phone.notifications.entries.length, 0);
});

test('dumpsys notification --noredact shows records with extras; without it strings are redacted; p filters', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  push.deliver({ notification: { title: 'alice', content: 'hi', actionParameters: { orderId: '42' } } });
  await phone.shell(`cmd notification post -t Other shell-1 body`);
  const full = (await phone.shell('dumpsys notification --noredact')).stdout;
  const uid = phone.app(PKG)!.uid;
  assert.match(full, new RegExp(`NotificationRecord\\(0x[0-9a-f]{8}: pkg=${PKG} user=UserHandle\\{0\\} id=1 tag=null importance=4 key=0\\|${PKG}\\|1\\|null\\|${uid}: Notification\\(channel=tuikit `));
  assert.match(full, /^ {10}android\.title=String \(alice\)$/m);
  assert.match(full, /^ {10}orderId=String \(42\)$/m);
  assert.match(full, /effectiveNotificationChannel=NotificationChannel\{mId='tuikit', mName=TUIKit messages/);
  const redacted = (await phone.shell('dumpsys notification')).stdout;
  assert.match(redacted, /^ {10}android\.title=String$/m);
  const filtered = (await phone.shell(`dumpsys notification --noredact p ${PKG}`)).stdout;
  assert.doesNotMatch(filtered, /com\.android\.shell/);
  assert.equal((await phone.shell(`dumpsys notification --noredact | grep -c NotificationRecord`)).stdout, '2\n');
});

test('dumpsys activity activities and window displays name the resumed activity in the version format', async (t) => {
  const x5 = await bootPhone();
  const reno = await bootPhone({ device: 'reno2' });
  t.after(() => Promise.all([x5.phone.shutdown(), reno.phone.shutdown()]));
  for (const { phone } of [x5, reno]) await loginThroughUi(phone, 'alice');
  const act = (await x5.phone.shell(`dumpsys activity activities | grep -iE 'resumedactivity'`)).stdout;
  assert.match(act, /^ {4}topResumedActivity=ActivityRecord\{[0-9a-f]+ u0 com\.tencent\.qcloud\.tim\.demo\/\.main\.MainActivity t\d+\}$/m);
  assert.match(act, /^ {2}ResumedActivity: ActivityRecord\{/m);
  assert.doesNotMatch(act, /mResumedActivity/);
  assert.match((await reno.phone.shell('dumpsys activity activities')).stdout, /^ {4}mResumedActivity: ActivityRecord\{[0-9a-f]+ u0 com\.tencent\.qcloud\.tim\.demo\/\.main\.MainActivity t\d+\}$/m);
  const win = (await x5.phone.shell('dumpsys window displays')).stdout;
  assert.match(win, /^ {2}mCurrentFocus=Window\{[0-9a-f]+ u0 com\.tencent\.qcloud\.tim\.demo\/com\.tencent\.qcloud\.tim\.demo\.main\.MainActivity\}$/m);
  assert.match(win, /^ {2}mFocusedApp=ActivityRecord\{[0-9a-f]+ u0 com\.tencent\.qcloud\.tim\.demo\/\.main\.MainActivity t\d+\}$/m);
  const procs = (await x5.phone.shell('dumpsys activity processes')).stdout;
  assert.match(procs, new RegExp(`ProcessRecord\\{[0-9a-f]+ ${x5.phone.running(PKG)!.pid}:${PKG}/u0a\\d+\\}`));
  assert.equal((await x5.phone.shell(`pidof ${PKG}`)).stdout, `${x5.phone.running(PKG)!.pid}\n`);
});

test('logcat -d [-s TAG] prints threadtime lines; -c clears', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  const out = (await phone.shell('logcat -d -s ActivityManager')).stdout;
  const lines = out.split('\n').filter(Boolean);
  assert.equal(lines[0], '--------- beginning of main');
  // 16:00 UTC is 00:00 in Asia/Shanghai on the next day.
  assert.match(lines[1]!, /^11-22 00:00:00\.000  1234  1234 I ActivityManager: Start proc \d+:com\.tencent\.qcloud\.tim\.demo\/u0a\d+ for activity \{com\.tencent\.qcloud\.tim\.demo\/\.SplashActivity\}$/);
  assert.ok(lines.slice(1).every((l) => l.includes(' ActivityManager: ')));
  assert.match((await phone.shell('logcat -d | grep Displayed')).stdout, /ActivityTaskManager: Displayed com\.tencent\.qcloud\.tim\.demo\/\.login\.LoginForDevActivity: \+412ms/);
  await phone.shell('logcat -c');
  assert.equal((await phone.shell('logcat -d')).stdout, '--------- beginning of main\n');
  assert.ok((await phone.logcat()).length === 0);
});

test('input keyevent and cmd statusbar drive keys and the shade', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  await phone.shell('input keyevent KEYCODE_HOME');
  assert.equal(await phone.queryAppState(PKG), 3);
  await phone.shell('cmd statusbar expand-notifications');
  assert.equal(phone.shadeOpen, true);
  await phone.shell('input keyevent 4');
  assert.equal(phone.shadeOpen, false);
  await phone.shell('cmd statusbar expand-notifications && cmd statusbar collapse');
  assert.equal(phone.shadeOpen, false);
  assert.equal((await phone.shell('input keyevent KEYCODE_NOPE')).exitCode, 255);
});

test('any command line gets an answer, never a crash', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  const word = fc.constantFrom('am', 'start', '-W', '-n', 'cmd', 'notification', 'post', '-t', '-c', 'dumpsys', 'getprop', 'pm', 'list', 'logcat', '-s', 'input', 'keyevent', 'grep', '|', '&&', ';', "'", '"', '2>', '>', '\\', '--es', 'x', PKG, `${PKG}/.SplashActivity`);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(word, fc.string({ maxLength: 6 })), { maxLength: 10 }), async (words) => {
      // The client is gone from the start, so long-running commands (logcat without -d) return at once too.
      const result = await phone.shell(words.join(' '), { signal: AbortSignal.abort() });
      assert.equal(typeof result.stdout, 'string');
      assert.ok(Number.isInteger(result.exitCode) && result.exitCode >= 0 && result.exitCode <= 255);
    }),
    { numRuns: 300, seed: 4242 },
  );
});
