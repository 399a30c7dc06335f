/**
 * The lab with devices on an adb server (the `emulator`/`device` profiles): the page objects' events
 * drive the lab's model of the app's IM session, whose push token is the regId of the adb delivery
 * agent's binding; the IM decision runs unchanged and a vendor push is posted on the device. The
 * devices are virtual phones of their own lab, reached only over its ADB endpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { startLab, type Lab } from '../../harness/lab/lab.ts';
import { startVirtualDevices, type VirtualDevices } from '../../harness/lab/virtual-devices.ts';
import { AndroidDevice } from '../../harness/device/android-device.ts';
import { agentTag } from '../../harness/device/delivery-agent.ts';
import { genUserSig } from '../../harness/im/usersig.ts';
import { ImRestClient } from '../../harness/scenario/im-rest.ts';
import { ImConsoleClient } from '../../harness/scenario/im-console.ts';
import { PKG } from '../phone/fakes.ts';
import type { LabTrace } from '../../harness/trace/trace.ts';

const SERIAL = 'emulator-5554';

interface Rig {
  lab: Lab;
  devices: VirtualDevices;
  im: ImRestClient;
  console: ImConsoleClient;
  device: AndroidDevice;
  event(event: string, extra?: Record<string, unknown>): Promise<Response>;
}

async function rig(t: { after(fn: () => Promise<void>): void }): Promise<Rig> {
  const devices = await startVirtualDevices({ serials: [SERIAL] });
  t.after(() => devices.stop());
  const clock = new VirtualClock({ flowing: true });
  const lab = await startLab({ clock, devices: { adb: devices.adb } });
  t.after(async () => {
    await lab.stop();
    clock.dispose();
  });
  const { sdkAppId, secretKey, admin } = lab.im.server.imApp;
  const im = new ImRestClient({ baseUrl: lab.im.url, sdkAppId, admin, userSig: () => genUserSig({ sdkAppId, secretKey, userId: admin, now: clock.now() }) });
  const event = (name: string, extra: Record<string, unknown> = {}) =>
    fetch(`${lab.url}/_lab/v1/devices/${SERIAL}/apps/${PKG}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: name, appProfile: 'tim-demo', ...extra }) });
  return { lab, devices, im, console: new ImConsoleClient(lab.im.url), device: new AndroidDevice(lab.devices!.client, SERIAL), event };
}

/** The message's target once acked: the post is an adb round trip after OPPO accepted (the platform's 'target' events tell). */
async function ackedTarget(lab: Lab, msgKey: string) {
  const platform = lab.oppo.mock.platform;
  const find = () => platform.listMessages({ appMessageId: msgKey })[0]?.targets[0];
  while (find()?.state !== 'acked') await once(platform, 'target');
  return find()!;
}

async function ok(response: Promise<Response>): Promise<Record<string, unknown>> {
  const r = await response;
  const body = (await r.json()) as { value?: Record<string, unknown>; error?: unknown };
  assert.equal(r.status, 200, JSON.stringify(body));
  return body.value!;
}

test('logged in and in front: delivered online to the model; killed: a vendor push to the agent regId, posted on the device', async (t) => {
  const r = await rig(t);
  const state = await ok(r.event('login', { userId: 'bob' }));
  assert.equal(state.user, 'bob');
  assert.equal(state.visible, true);
  const regId = state.regId as string;
  assert.equal(r.lab.oppo.mock.platform.registration(regId)?.deviceId, SERIAL);
  assert.equal(await r.im.onlineState('bob'), 'Online');

  const online = await r.im.sendText('alice', 'bob', 'Lunch?');
  const [onlineTrace] = await r.console.traces(online.MsgKey);
  assert.equal(onlineTrace?.decision, 'online');
  assert.equal(onlineTrace?.device?.deviceId, SERIAL);
  assert.deepEqual(r.lab.devices!.state(SERIAL, PKG)?.received.map((m) => m.text), ['Lunch?']);

  await ok(r.event('stopped'));
  assert.equal(await r.im.onlineState('bob'), 'PushOnline');
  const pushed = await r.im.sendText('alice', 'bob', 'Are you there?', { Ext: JSON.stringify({ conv: 'c2c_alice' }) });
  const [imTrace] = await r.console.traces(pushed.MsgKey);
  assert.equal(imTrace?.decision, 'vendor_push');
  assert.equal(imTrace?.token, regId);
  const target = await ackedTarget(r.lab, pushed.MsgKey);
  assert.equal(target.displayed, true);
  const shown = (await r.device.notifications()).find((n) => n.tag === agentTag(target.notifyId, PKG));
  assert.equal(shown?.notification.title, 'Alice');
  assert.equal(shown?.notification.text, 'Are you there?');
  const [delivery] = r.lab.devices!.deliveries(SERIAL);
  assert.deepEqual(delivery?.extras, { conv: 'c2c_alice' });

  // The joined trace has the agent's hop between OPPO's delivery and its ack.
  const trace = ((await (await fetch(`${r.lab.url}/_lab/v1/traces/${pushed.MsgKey}`)).json()) as { value: LabTrace }).value;
  const hops = trace.hops.map((h) => h.hop);
  assert.deepEqual(hops.slice(hops.indexOf('oppo_delivered')), ['oppo_delivered', 'agent_post', 'oppo_acked']);
  const post = trace.hops.find((h) => h.hop === 'agent_post')!;
  assert.equal(post.deviceId, SERIAL);
  assert.deepEqual({ postedAs: post.data?.postedAs, channelId: post.data?.channelId, key: post.data?.key }, { postedAs: 'com.android.shell', channelId: 'tuikit', key: delivery!.key });
  assert.equal(trace.devices[0]?.outcome.shown, true);
});

test('background: doBackground, a vendor push; logout: not pushed, logged_out; the lab reset forgets the sessions, not the regId', async (t) => {
  const r = await rig(t);
  const { regId } = await ok(r.event('login', { userId: 'carol' }));
  await ok(r.event('background'));
  const bg = await r.im.sendText('alice', 'carol', 'in the background');
  assert.equal((await r.console.traces(bg.MsgKey))[0]?.decision, 'vendor_push');

  await ok(r.event('foreground'));
  await ok(r.event('logout'));
  assert.equal(await r.im.onlineState('carol'), 'Offline');
  const gone = await r.im.sendText('alice', 'carol', 'logged out?');
  const [trace] = await r.console.traces(gone.MsgKey);
  assert.equal(trace?.decision, 'suppressed');
  assert.equal(trace?.reason, 'logged_out');

  await ok(r.event('login', { userId: 'carol' }));
  await r.lab.reset();
  assert.deepEqual(await r.console.sessions(), []);
  const after = await ok(r.event('foreground'));
  assert.equal(after.user, null, 'no saved login survives the reset');
  assert.equal((await ok(r.event('login', { userId: 'carol' }))).regId, regId, 'the registration stays');
});

test('uninstalled: the regId dies at OPPO, the next login reports a new one', async (t) => {
  const r = await rig(t);
  const { regId } = await ok(r.event('login', { userId: 'dave' }));
  await ok(r.event('uninstalled'));
  assert.equal(r.lab.oppo.mock.platform.registration(regId as string)?.state, 'uninstalled');
  const again = await ok(r.event('login', { userId: 'dave' }));
  assert.notEqual(again.regId, regId);
});

test('bad input: 400 with what to give, and nothing changes; a lab without devices: 404', async (t) => {
  const r = await rig(t);
  const bad = async (body: Record<string, unknown>, pattern: RegExp) => {
    const res = await fetch(`${r.lab.url}/_lab/v1/devices/${SERIAL}/apps/${PKG}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, pattern);
  };
  await bad({ event: 'dance' }, /"event" is one of: login, logout/);
  await bad({ event: 'login', appProfile: 'tim-demo' }, /a login needs "userId"/);
  await bad({ event: 'foreground' }, /name its app profile/);
  await bad({ event: 'foreground', appProfile: 'no-such-app' }, /no-such-app/);
  assert.deepEqual(r.lab.devices!.info().apps, []);

  const plain = await startLab();
  t.after(() => plain.stop());
  const res = await fetch(`${plain.url}/_lab/v1/devices`);
  assert.equal(res.status, 404);
  assert.match(((await res.json()) as { error: { message: string } }).error.message, /no adb devices/);
});
