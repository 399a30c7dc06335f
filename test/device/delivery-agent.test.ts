/**
 * The adb delivery agent against virtual phones it reaches only over ADB (the lab's ADB endpoint,
 * adbkit): mock-oppo delivers to a regId bound to the device, the agent posts it with
 * `cmd notification post`, the phone's shade shows it (as com.android.shell), and a tap runs the
 * content intent: the app's activity gets the extras and logs them, as the app's own click handling does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createMockOppo, demoApp, type MockOppo } from '../../mock-oppo/index.ts';
import type { UnicastInput } from '../../mock-oppo/core/records.ts';
import { DEFAULT_SETTINGS } from '../../mock-oppo/core/settings.ts';
import { jsonFields, readNotification } from '../../mock-oppo/wire/notification.ts';
import { AdbDeliveryAgent, AGENT_REASONS, agentTag, parseAgentTag, postCommand } from '../../harness/device/delivery-agent.ts';
import { shellNotificationKey, SHELL_PACKAGE } from '../../harness/phone/system.ts';
import { parseIntentArgs, intentArgs, type Intent } from '../../harness/phone/intent.ts';
import { EXTRAS_TAG } from '../../harness/phone/demo-app.ts';
import { startAdbRig, type AdbRig } from '../adb/rig.ts';
import { PKG } from '../phone/fakes.ts';

const DEMO = demoApp();

function unicast(regId: string, notification: Record<string, unknown>): UnicastInput {
  const spec = readNotification(jsonFields({ title: 'Alice', content: 'parcel 42 shipped', channel_id: 'tuikit', ...notification }), { broadcast: false, settings: DEFAULT_SETTINGS });
  return { targetType: 2, targetValue: regId, spec, verifyRegistrationId: false };
}

interface Setup {
  rig: AdbRig;
  mock: MockOppo;
  agent: AdbDeliveryAgent;
  send(serial: string, notification: Record<string, unknown>): Promise<{ messageId: string; state: string }>;
}

async function setup(t: { after(fn: () => Promise<void> | void): void }, boots: Parameters<typeof startAdbRig>[0] = [{}]): Promise<Setup> {
  const rig = await startAdbRig(boots);
  const clock = new VirtualClock({ start: Date.UTC(2026, 2, 1, 9, 0, 0) });
  const mock = createMockOppo({ clock });
  t.after(async () => {
    await rig.close();
    clock.dispose();
  });
  const agent = new AdbDeliveryAgent(rig.client, { now: () => clock.now() });
  const bindings = new Map<string, ReturnType<MockOppo['platform']['bindChannel']>>();
  return {
    rig,
    mock,
    agent,
    async send(serial, notification) {
      let binding = bindings.get(serial);
      if (!binding) bindings.set(serial, (binding = mock.platform.bindChannel({ appKey: DEMO.appKey, deviceId: serial, packageName: PKG }, agent.channel(serial))));
      const app = mock.platform.appByKey(DEMO.appKey)!;
      const message = mock.platform.unicast(app, 'CN', unicast(binding.regId, notification));
      await binding.idle();
      const target = mock.platform.findMessage(message.messageId)!.targets[0]!;
      return { messageId: message.messageId, state: `${target.state}:${target.reason}` };
    },
  };
}

test('open-app push: posted as com.android.shell with the title and content; the tap opens the app with the extras, logged like its own click handling', async (t) => {
  const s = await setup(t);
  const phone = s.rig.phones[0]!;
  const sent = await s.send(phone.serial, { action_parameters: '{"conv":"c2c_alice","orderId":"42"}', notify_id: 7 });
  assert.equal(sent.state, 'acked:displayed');

  const tag = agentTag(7, PKG);
  const [entry] = phone.notifications.entries;
  assert.equal(entry!.key, shellNotificationKey(tag));
  assert.equal(entry!.packageName, SHELL_PACKAGE);
  assert.equal(entry!.title, 'Alice');
  assert.equal(entry!.text, 'parcel 42 shipped');
  assert.equal(entry!.channelId, 'shell_cmd');
  assert.deepEqual(parseAgentTag(entry!.tag), { notifyId: 7, packageName: PKG });

  // The same one device model: getNotifications and the agent's own dumpsys read agree.
  const listed = (await phone.getNotifications()).statusBarNotifications.find((n) => n.key === entry!.key);
  assert.equal(listed?.notification.title, 'Alice');
  const dumped = await s.agent.device(phone.serial).notifications();
  assert.deepEqual(
    dumped.map((n) => ({ key: n.key, packageName: n.packageName, tag: n.tag, title: n.notification.title, text: n.notification.text, channel: n.channel })),
    [{ key: entry!.key, packageName: SHELL_PACKAGE, tag, title: 'Alice', text: 'parcel 42 shipped', channel: 'shell_cmd' }],
  );
  assert.equal(dumped[0]!.postTime, entry!.postTime);
  assert.equal(dumped[0]!.isClearable, true);

  await phone.openNotifications();
  await phone.tapNotification(entry!.key);
  assert.deepEqual(phone.receivedExtras(PKG).at(-1)?.extras, { conv: 'c2c_alice', orderId: '42' });
  assert.deepEqual(await s.agent.device(phone.serial).loggedExtras(EXTRAS_TAG), { conv: 'c2c_alice', orderId: '42' });
  const started = (await s.agent.device(phone.serial).logcat(['ActivityTaskManager'])).map((l) => l.message).find((m) => m.startsWith('START u0') && m.includes(PKG));
  assert.match(started ?? '', /cmp=com\.tencent\.qcloud\.tim\.demo\/\.SplashActivity/);

  const [record] = s.agent.deliveries({ serial: phone.serial });
  assert.equal(record?.channelId, 'tuikit', 'the channel the push named is kept beside the post');
  assert.equal(record?.messageId, sent.messageId);
});

test('the same notify_id replaces the shown notification; a new one stacks', async (t) => {
  const s = await setup(t);
  const phone = s.rig.phones[0]!;
  await s.send(phone.serial, { notify_id: 3, content: 'first' });
  await s.send(phone.serial, { notify_id: 3, content: 'second' });
  await s.send(phone.serial, { notify_id: 4, content: 'other' });
  assert.deepEqual(phone.notifications.entries.map((e) => e.text), ['other', 'second']);
});

test('click types: an activity by name, an intent action, a URL (extras as query parameters)', async (t) => {
  const s = await setup(t);
  const phone = s.rig.phones[0]!;
  const open = async (notification: Record<string, unknown>) => {
    await s.send(phone.serial, notification);
    const entry = phone.notifications.entries[0]!;
    await phone.openNotifications();
    await phone.tapNotification(entry.key);
  };
  await open({ click_action_type: 4, click_action_activity: 'com.tencent.qcloud.tim.demo.push.OfflinePushClickActivity', action_parameters: '{"k":"activity"}', notify_id: 1 });
  assert.equal(await phone.currentActivity(), '.push.OfflinePushClickActivity');
  assert.deepEqual(phone.receivedExtras(PKG).at(-1)?.extras, { k: 'activity' });

  const action = phone.app(PKG)!.profile.activities.flatMap((a) => a.intentFilters.flatMap((f) => f.actions)).find((a) => a !== 'android.intent.action.MAIN' && a !== 'android.intent.action.VIEW');
  assert.ok(action, 'the demo app declares an intent action');
  await open({ click_action_type: 1, click_action_activity: action, action_parameters: '{"k":"action"}', notify_id: 2 });
  assert.deepEqual(phone.receivedExtras(PKG).at(-1)?.extras, { k: 'action' });

  await open({ click_action_type: 2, click_action_url: 'https://example.com/order', action_parameters: '{"id":"42"}', notify_id: 3 });
  assert.deepEqual(phone.front, { kind: 'browser', url: 'https://example.com/order?id=42' });
});

test('Android 9 has no cmd notification post: not displayed, reason no_shell_post, nothing posted', async (t) => {
  const s = await setup(t, [{ deviceProfile: 'reno2' }]);
  const phone = s.rig.phones[0]!;
  const sent = await s.send(phone.serial, {});
  assert.equal(sent.state, `acked:${AGENT_REASONS.noShellPost}`);
  assert.equal(phone.notifications.entries.length, 0);
  assert.match(s.agent.deliveries()[0]!.output ?? '', /API 28 has no cmd notification post/);
});

test('an app that is not installed has no launcher to open: not displayed, app_not_installed', async (t) => {
  const s = await setup(t, [{ appProfiles: [] }]);
  const sent = await s.send(s.rig.phones[0]!.serial, {});
  assert.equal(sent.state, `acked:${AGENT_REASONS.appNotInstalled}`);
});

test('a device adb does not know: not displayed, device_unreachable with the adb error', async (t) => {
  const s = await setup(t);
  const sent = await s.send('emulator-5570', {});
  assert.equal(sent.state, `acked:${AGENT_REASONS.unreachable}`);
  assert.match(s.agent.deliveries()[0]!.output ?? '', /not found/);
});

test('post command: -c last with the target; quotes and spaces survive as single words', () => {
  const cmd = postCommand(
    { messageId: 'm', taskId: 'm', registrationId: 'r', packageName: PKG, notification: { title: "Bob's \"offer\"", content: 'a  b; rm -rf /', style: 2, clickActionType: 0, actionParameters: { q: "it's" }, notifyId: 9, networkType: 0 } },
    `${PKG}/${PKG}.SplashActivity`,
    true,
  );
  assert.deepEqual(cmd.slice(0, 9), ['cmd', 'notification', 'post', '-S', 'bigtext', '--bigtext', 'a  b; rm -rf /', '-t', "Bob's \"offer\""]);
  assert.deepEqual(cmd.slice(-3), [`${PKG}/${PKG}.SplashActivity`, agentTag(9, PKG), 'a  b; rm -rf /']);
  const intent: Intent = { action: 'android.intent.action.MAIN', categories: ['android.intent.category.LAUNCHER'], component: `${PKG}/${PKG}.SplashActivity`, extras: { q: "it's", 'two words': 'x y' }, flags: 0x10000000 };
  assert.deepEqual(parseIntentArgs([...intentArgs(intent), 'tag', 'text'], false), { intent, amOptions: new Set(), rest: ['tag', 'text'] });
});
