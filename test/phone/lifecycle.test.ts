import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootPhone, findNode, loginThroughUi, PKG } from './fakes.ts';

test('login through the UI connects the IM SDK, logs in and reports (certificate 7005, regId) after login', async (t) => {
  const { phone, push, im } = await bootPhone();
  t.after(() => phone.shutdown());
  assert.equal(await phone.queryAppState(PKG), 1);
  await loginThroughUi(phone, 'alice');
  const regId = phone.registrationId(PKG);
  assert.match(regId ?? '', /^CN_regid_/);
  assert.deepEqual(im().calls, ['login alice', `token 7005 ${regId}`]);
  assert.equal(await phone.queryAppState(PKG), 4);
  assert.equal(await phone.currentActivity(), '.main.MainActivity');
  assert.ok(await findNode(phone, (n) => n.resourceId === `${PKG}:id/logout_btn`));
  // ColorOS leaves the permission off; the demo's first start asks and the virtual user allows.
  assert.equal(phone.notifications.areNotificationsEnabled(PKG), true);
  assert.deepEqual(phone.notifications.channels(PKG).map((c) => c.id), ['tuikit']);
  assert.equal(push.connected, true);
});

test('an empty user id or a refused login stays on the login screen with the reason', async (t) => {
  const { phone, im } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  await phone.tap((await findNode(phone, (n) => n.contentDesc === 'login'))!.id);
  assert.ok(await findNode(phone, (n) => n.text === 'Please input UserID'));
  im().loginCode = 70001;
  await loginThroughUi(phone, 'bob');
  assert.ok(await findNode(phone, (n) => n.text.startsWith('login failed, code: 70001')));
  assert.equal(await phone.currentActivity(), '.login.LoginForDevActivity');
});

test('HOME and re-activation drive doBackground/doForeground; unread count comes from messages received meanwhile', async (t) => {
  const { phone, im } = await bootPhone();
  t.after(() => phone.shutdown());
  await loginThroughUi(phone, 'alice');
  await phone.pressKey(3);
  assert.equal(await phone.queryAppState(PKG), 3);
  im().message('bob', 'hi');
  await phone.activateApp(PKG);
  await phone.backgroundApp(-1);
  assert.deepEqual(im().calls.slice(2), ['background 0', 'foreground', 'background 0']);
  // While in the foreground a message shows in the conversation list.
  await phone.activateApp(PKG);
  im().message('carol', 'see you');
  assert.ok(await findNode(phone, (n) => n.resourceId === `${PKG}:id/conversation_last_msg` && n.text === 'see you'));
});

test('backgroundApp(seconds) brings the app back after that much virtual time', async (t) => {
  const { phone, clock } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  await phone.backgroundApp(5);
  assert.equal(await phone.queryAppState(PKG), 3);
  clock.advance('5s');
  await phone.idle();
  assert.equal(await phone.queryAppState(PKG), 4);
});

test('force-stop and process death both close the IM socket without logout; only force-stop marks the package stopped', async (t) => {
  const { phone, im, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await loginThroughUi(phone, 'alice');
  const first = im();
  assert.equal(await phone.terminateApp(PKG), true);
  assert.equal(first.calls.at(-1), 'close');
  assert.ok(!first.calls.includes('logout'));
  assert.equal(phone.app(PKG)!.stopped, true);
  assert.equal(await phone.queryAppState(PKG), 1);
  assert.equal(await phone.terminateApp(PKG), false);
  assert.match((await phone.shell(`dumpsys package ${PKG} | grep stopped=`)).stdout, /stopped=true/);

  // A push for the stopped app still shows: the push service is a system service.
  push.deliver({ notification: { title: 'alice', content: 'ping' } });
  assert.equal(phone.notifications.entries.length, 1);

  await phone.activateApp(PKG); // auto-login from the saved session
  const second = im();
  assert.deepEqual(second.calls.slice(0, 1), ['login alice']);
  assert.equal(phone.app(PKG)!.stopped, false);
  await phone.kill(PKG, 'process-death');
  assert.equal(second.calls.at(-1), 'close');
  assert.ok(!second.calls.includes('logout'));
  assert.equal(phone.app(PKG)!.stopped, false);
  assert.equal(phone.notifications.entries.length, 1, 'a process death leaves notifications alone');
  assert.ok((await phone.logcat()).some((e) => e.tag === 'ActivityManager' && /Force stopping com\.tencent\.qcloud\.tim\.demo/.test(e.message)));
  assert.ok((await phone.logcat()).some((e) => e.tag === 'ActivityManager' && /Start proc \d+:com\.tencent\.qcloud\.tim\.demo\/u0a\d+ for activity/.test(e.message)));
});

test('force-stop cancels the package notifications (stock Android), unless the setting says otherwise', async (t) => {
  const a = await bootPhone();
  const b = await bootPhone({ settings: { forceStopCancelsNotifications: false } });
  t.after(() => Promise.all([a.phone.shutdown(), b.phone.shutdown()]));
  for (const { phone, push } of [a, b]) {
    await phone.activateApp(PKG);
    push.deliver({});
    await phone.terminateApp(PKG);
  }
  assert.equal(a.phone.notifications.entries.length, 0);
  assert.equal(a.phone.notifications.removed[0]!.reason, 'force_stop');
  assert.equal(b.phone.notifications.entries.length, 1);
});

test('logout (button) and kicks return to the login screen; a kick shows why and clears the saved login', async (t) => {
  const { phone, im } = await bootPhone();
  t.after(() => phone.shutdown());
  await loginThroughUi(phone, 'alice');
  await phone.tap((await findNode(phone, (n) => n.contentDesc === 'logout'))!.id);
  assert.equal(im().calls.at(-1), 'logout');
  assert.equal(await phone.currentActivity(), '.login.LoginForDevActivity');

  await loginThroughUi(phone, 'alice');
  im().emit('kicked', 'login_elsewhere');
  assert.ok(await findNode(phone, (n) => n.resourceId === `${PKG}:id/login_status` && n.text.includes('login_elsewhere')));
  assert.equal(phone.app(PKG)!.savedUserId, undefined);
  assert.ok((await phone.logcat()).some((e) => e.tag === 'TIMSDK' && e.message === 'onKickedOffline reason=login_elsewhere'));
});

test('deep links log in and out', async (t) => {
  const { phone, im } = await bootPhone();
  t.after(() => phone.shutdown());
  const out = await phone.shell(`am start -W -a android.intent.action.VIEW -d 'timdemo://login?userId=dave'`);
  assert.match(out.stdout, /Status: ok/);
  assert.equal(await phone.currentActivity(), '.main.MainActivity');
  assert.equal(im().calls[0], 'login dave');
  await phone.startActivity({ action: 'android.intent.action.VIEW', uri: 'timdemo://logout' });
  assert.equal(im().calls.at(-1), 'logout');
  assert.equal(await phone.currentActivity(), '.login.LoginForDevActivity');
});

test('behaviour switches: token before login, wrong certificate, no push registration', async (t) => {
  const early = await bootPhone({ apps: ['tim-demo-token-before-login'] });
  const wrong = await bootPhone({ apps: ['tim-demo-wrong-certificate'] });
  const none = await bootPhone({ apps: ['tim-demo-no-push-register'] });
  t.after(() => Promise.all([early.phone.shutdown(), wrong.phone.shutdown(), none.phone.shutdown()]));
  for (const rig of [early, wrong, none]) await loginThroughUi(rig.phone, 'alice');
  const regId = early.phone.registrationId(PKG);
  assert.deepEqual(early.im().calls, [`token 7005 ${regId}`, 'login alice']);
  assert.ok((await early.phone.logcat()).some((e) => /setOfflinePushConfig failed businessID=7005 code=21005/.test(e.message)));
  assert.deepEqual(wrong.im().calls, ['login alice', `token 7006 ${wrong.phone.registrationId(PKG)}`]);
  assert.deepEqual(none.im().calls, ['login alice']);
  assert.equal(none.phone.registrationId(PKG), undefined);
});

test('a refused OPPO registration reaches onRegister with its code and nothing is reported', async (t) => {
  const { phone, push, im } = await bootPhone();
  t.after(() => phone.shutdown());
  push.registerCode = 11;
  await loginThroughUi(phone, 'alice');
  assert.deepEqual(im().calls, ['login alice']);
  assert.ok((await phone.logcat()).some((e) => e.tag === 'PushCallback' && e.message === 'onRegister responseCode=11 registerID=null'));
});

test('network off drops both links silently; on reconnects, re-logs in, re-reports and restores background state', async (t) => {
  const { phone, pushLinks, im } = await bootPhone();
  t.after(() => phone.shutdown());
  await loginThroughUi(phone, 'alice');
  await phone.pressKey(3);
  const before = im();
  await phone.setNetwork(false);
  assert.equal(before.calls.at(-1), 'drop');
  assert.equal(pushLinks[0]!.connected, false);
  assert.deepEqual((await phone.deviceInfo()).networks, []);
  await phone.setNetwork(true);
  assert.equal(pushLinks.length, 2);
  const after = im();
  assert.notEqual(after, before);
  assert.deepEqual(after.calls, ['login alice', `token 7005 ${phone.registrationId(PKG)}`, 'background 0']);
  // A push queued while offline arrives on the new link.
  pushLinks[1]!.deliver({});
  assert.equal(phone.notifications.entries.length, 1);
});

test('the IM SDK heartbeats on the virtual clock while connected', async (t) => {
  const { phone, clock, im } = await bootPhone();
  t.after(() => phone.shutdown());
  await loginThroughUi(phone, 'alice');
  clock.advance('5m');
  assert.equal(im().calls.filter((c) => c === 'heartbeat').length, 2);
});

test('uninstall tells the push service and forgets the package', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  assert.equal(await phone.uninstall(PKG), true);
  assert.deepEqual(push.uninstalled, [PKG]);
  assert.equal(await phone.queryAppState(PKG), 0);
  assert.equal(await phone.isAppInstalled(PKG), false);
  phone.install('tim-demo');
  assert.equal(await phone.queryAppState(PKG), 1);
  assert.equal(phone.app(PKG)!.stopped, true, 'a fresh install is in the stopped state');
  assert.equal(phone.notifications.areNotificationsEnabled(PKG), false, 'and has no notification permission yet');
});
