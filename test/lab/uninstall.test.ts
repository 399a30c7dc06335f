/** Uninstall and reinstall on a lab phone: OPPO invalidates the regId, a reinstall registers a new one. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { RemotePhone } from '../../harness/phone/http/index.ts';

const START = Date.UTC(2026, 0, 5, 8, 0, 0);
const PKG = 'com.tencent.qcloud.tim.demo';
const text = (Text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text } }];

test('pm uninstall invalidates the regId at OPPO (10001, feedback list); cmd package install and a login register a new one and pushes arrive again', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1 });
  t.after(() => lab.stop());
  const [phone] = lab.farm.list();
  assert.ok(phone);
  const { server } = lab.im;
  const mock = lab.oppo.mock;
  const loginBob = async () => {
    await phone.shell('am start -a android.intent.action.VIEW -d timdemo://login?userId=bob');
    await phone.sync();
    await phone.kill(PKG, 'force-stop');
  };
  const send = async (n: number) => (await server.send({ from: 'alice', to: ['bob'], msgRandom: n, body: text(`message ${n}`), onlineOnly: false, syncToSender: false })).traces[0]!;
  await loginBob();
  const first = phone.registrationId(PKG)!;
  assert.equal((await send(1)).oppo?.outcome, 'accepted');
  await phone.sync();
  assert.deepEqual(phone.notifications.entries.map((e) => e.text), ['message 1']);

  assert.deepEqual(await phone.shell(`pm uninstall ${PKG}`), { stdout: 'Success\n', stderr: '', exitCode: 0 });
  await phone.sync();
  assert.equal(await phone.isAppInstalled(PKG), false);
  assert.equal(mock.platform.registration(first)?.state, 'uninstalled');
  assert.equal(phone.notifications.entries.length, 0, 'its notifications went with it');
  assert.deepEqual(phone.notifications.removed.map((r) => [r.entry.text, r.reason]), [['message 1', 'uninstall']], 'as an uninstall, not as the force-stop it includes');
  const afterUninstall = await send(2);
  assert.deepEqual([afterUninstall.decision, afterUninstall.oppo?.outcome, afterUninstall.oppo?.code], ['vendor_push', 'rejected', 10001]);
  const app = mock.platform.listApps()[0]!;
  assert.deepEqual(mock.platform.fetchInvalidRegIds(app), [first]);
  assert.deepEqual(await phone.shell(`pm uninstall ${PKG}`), { stdout: 'Failure [DELETE_FAILED_INTERNAL_ERROR]\n', stderr: '', exitCode: 1 });
  assert.equal((await phone.shell('cmd package uninstall com.nope')).exitCode, 1);

  assert.deepEqual(await phone.shell('cmd package install -r /data/local/tmp/tim-demo.apk'), { stdout: 'Success\n', stderr: '', exitCode: 0 });
  assert.match((await phone.shell('pm install /sdcard/unknown-app.apk')).stderr, /^Error: Can't open file: \/sdcard\/unknown-app.apk/);
  await loginBob();
  const second = phone.registrationId(PKG)!;
  assert.notEqual(second, first, 'a reinstall registers a new regId');
  assert.equal(server.sessions.sessionsOf('bob')[0]?.token?.token, second, 'the login reported the new token');
  const again = await send(3);
  await phone.sync();
  assert.deepEqual([again.token, again.oppo?.outcome], [second, 'accepted']);
  assert.deepEqual(phone.notifications.entries.map((e) => e.text), ['message 3']);
});

test('an uninstall while offline reaches OPPO when the network is back; the HTTP routes install and remove apps, also a variant given as a profile object', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1 });
  t.after(() => lab.stop());
  const [phone] = lab.farm.list();
  assert.ok(phone);
  await phone.shell('am start -a android.intent.action.VIEW -d timdemo://login?userId=bob');
  await phone.sync();
  const regId = phone.registrationId(PKG)!;
  await phone.setNetwork(false);
  const remote = new RemotePhone(lab.url, phone.serial);
  assert.equal(await remote.removeApp(PKG), true);
  assert.equal(await remote.removeApp(PKG), false);
  assert.equal(lab.oppo.mock.platform.registration(regId)?.state, 'active', 'OPPO has not heard yet');
  await phone.setNetwork(true);
  await phone.sync();
  assert.equal(lab.oppo.mock.platform.registration(regId)?.state, 'uninstalled');

  await remote.installApp({ id: 'tim-demo-old-sdk', extends: 'tim-demo', label: 'IM Demo (old)' });
  assert.equal(phone.app(PKG)?.profile.label, 'IM Demo (old)');
  await assert.rejects(remote.installApp({ id: 'broken', extends: 'tim-demo', packageName: 'x.y' }), /cannot be overridden by an extending profile/);
});
