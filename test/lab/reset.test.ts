/** `POST /_lab/v1/reset`: every phone, IM and mock-oppo back to a clean start from whatever a test left behind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { LabClient } from '../../harness/scenario/lab-client.ts';

const START = Date.UTC(2026, 0, 5, 8, 0, 0);
const PKG = 'com.tencent.qcloud.tim.demo';
const text = (Text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text } }];

test('the lab reset undoes phones (apps, screen, shade, network, permission), IM (sessions, certificates, accounts) and mock-oppo traffic (faults, messages, quotas), and keeps the clock and the regId', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1 });
  t.after(() => lab.stop());
  const [phone] = lab.farm.list();
  assert.ok(phone);
  const { server } = lab.im;
  const login = async (userId: string) => {
    await phone.shell(`am start -a android.intent.action.VIEW -d timdemo://login?userId=${userId}`);
    await phone.sync();
  };

  // A test that leaves a mess: a push tapped (the app sits on its push landing screen), another in the shade,
  // the shade open, the network off, the permission off, a fault, a console edit, an imported account.
  await login('bob');
  const regId = phone.registrationId(PKG);
  assert.ok(regId);
  await phone.kill(PKG, 'force-stop');
  await server.send({ from: 'alice', to: ['bob'], msgRandom: 1, body: text('tap me'), onlineOnly: false, syncToSender: false, offlinePush: { Ext: '{"conv":"c2c_alice"}' } });
  await server.send({ from: 'alice', to: ['bob'], msgRandom: 2, body: text('left behind'), onlineOnly: false, syncToSender: false });
  await phone.sync();
  const tapped = phone.notifications.entries.find((e) => e.text === 'tap me');
  assert.ok(tapped);
  await phone.tapNotification(tapped.key);
  assert.equal(phone.focusedComponent(), `${PKG}/${PKG}.push.OfflinePushClickActivity`);
  await phone.openNotifications();
  lab.oppo.mock.faults.add({ preset: 'quota_exhausted', endpoint: 'unicast' });
  server.certificates.edit(7005, { clickAction: { type: 'open_url', url: 'https://example.com' } });
  server.accounts.import('dave_leftover');
  await phone.setNetwork(false);
  phone.setNotificationPermission(PKG, false);
  await lab.advance('1m');
  const before = lab.clock.now();

  const result = await new LabClient(lab.url).reset();
  assert.deepEqual(result, { now: before, phones: [phone.serial] });

  // The phone: app stopped and cleared, launcher in front, shade closed and empty with no history, network on.
  assert.equal(await phone.queryAppState(PKG), 1);
  assert.equal(phone.app(PKG)?.savedUserId, undefined);
  assert.deepEqual(phone.receivedExtras(PKG), []);
  assert.equal(phone.front.kind, 'launcher');
  assert.equal(phone.shadeOpen, false);
  assert.deepEqual((await phone.getNotifications()).statusBarNotifications, []);
  assert.deepEqual(phone.notifications.dropped, []);
  assert.equal(phone.network, true);
  assert.equal(phone.push.connected, true);
  assert.equal(phone.registrationId(PKG), regId, 'the push service keeps the regId: no re-registration');
  // IM: nobody is logged in anywhere, the console is as in the fixtures, the leftover account is gone.
  assert.deepEqual(server.sessions.all(), []);
  assert.deepEqual(server.traces.query(), []);
  const cert = server.certificates.lookup(7005);
  assert.equal(cert.status === 'active' ? cert.config.clickAction.type : cert.status, 'open_app');
  assert.deepEqual(server.certificates.list()[0]?.pending, []);
  assert.equal(server.accounts.has('dave_leftover'), false);
  // mock-oppo: no faults, messages or journal; the registration stays.
  const mock = lab.oppo.mock;
  assert.deepEqual(mock.faults.list(), []);
  assert.deepEqual(mock.platform.listMessages(), []);
  assert.deepEqual(mock.journal(), []);
  assert.equal(mock.platform.registration(regId)?.state, 'active');
  assert.equal(lab.clock.now(), before, 'the clock only moves forward');

  // And the chain works from the clean start: log in, kill, push, shown (permission asked again at first start).
  await login('bob');
  await phone.kill(PKG, 'force-stop');
  const { traces } = await server.send({ from: 'alice', to: ['bob'], msgRandom: 3, body: text('after the reset'), onlineOnly: false, syncToSender: false });
  await phone.sync();
  assert.equal(traces[0]?.oppo?.outcome, 'accepted');
  assert.deepEqual(phone.notifications.entries.map((e) => e.text), ['after the reset']);
});

test('the reset restores the boot apps: an uninstalled app is back, an extra one is gone', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }), phones: 1 });
  t.after(() => lab.stop());
  const [phone] = lab.farm.list();
  assert.ok(phone);
  await phone.uninstall(PKG);
  phone.install('tim-demo-no-channel');
  assert.equal(await phone.isAppInstalled(PKG), true);
  assert.equal(phone.app(PKG)?.profile.id, 'tim-demo-no-channel');
  await phone.uninstall(PKG);
  assert.equal(await phone.isAppInstalled(PKG), false);

  await lab.reset();
  assert.equal(await phone.isAppInstalled(PKG), true);
  assert.equal(phone.app(PKG)?.profile.id, 'tim-demo');
  assert.equal(phone.app(PKG)?.stopped, true);
});

test('the reset route answers in the lab JSON shape', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: START }) });
  t.after(() => lab.stop());
  const res = await fetch(`${lab.url}/_lab/v1/reset`, { method: 'POST' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { value: { now: START, phones: [] } });
});
