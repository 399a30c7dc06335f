/** Delivery channels: a bound channel is a connected phone whose deliver() outcome is the ack. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHANNEL_ERROR, CODES, OppoError, type ChannelDelivery, type DeliveryChannel, type DeliveryOutcome } from '../../mock-oppo/index.ts';
import type { UnicastInput } from '../../mock-oppo/core/records.ts';
import { readNotification, jsonFields } from '../../mock-oppo/wire/notification.ts';
import { DEFAULT_SETTINGS } from '../../mock-oppo/core/settings.ts';
import { DEMO, makeLab } from './helpers.ts';

function input(regId: string, notification: Record<string, unknown> = {}): UnicastInput {
  const spec = readNotification(jsonFields({ title: 'T', content: 'C', channel_id: 'tuikit', ...notification }), { broadcast: false, settings: DEFAULT_SETTINGS });
  return { targetType: 2, targetValue: regId, spec, verifyRegistrationId: false };
}

/** A channel that records deliveries and answers with the outcomes it is given, in turn. */
function recordingChannel(outcomes: Array<DeliveryOutcome | Error> = []): DeliveryChannel & { got: ChannelDelivery[]; closes: string[] } {
  const got: ChannelDelivery[] = [];
  const closes: string[] = [];
  return {
    got,
    closes,
    async deliver(d) {
      got.push(d);
      const next = outcomes.shift() ?? { displayed: true };
      if (next instanceof Error) throw next;
      return next;
    },
    closed: (reason) => void closes.push(reason),
  };
}

function states(lab: ReturnType<typeof makeLab>, messageId: string): string[] {
  return lab.mock.platform.findMessage(messageId)!.targets[0]!.history.map((h) => (h.reason ? `${h.state}:${h.reason}` : h.state));
}

test('a bound channel gets the notification with its action_parameters; its outcome is the ack', async () => {
  const lab = makeLab();
  const p = lab.mock.platform;
  const app = p.appById(DEMO.appId)!;
  const channel = recordingChannel([{ displayed: true }, { displayed: false, reason: 'channel_missing' }]);
  const binding = p.bindChannel({ appKey: DEMO.appKey, deviceId: 'emulator-5554', packageName: DEMO.packageName! }, channel);
  assert.equal(p.registration(binding.regId)?.deviceId, 'emulator-5554');
  assert.equal(p.isConnected('emulator-5554'), true);

  const shown = p.unicast(app, 'CN', input(binding.regId, { action_parameters: '{"conv":"c2c_alice","n":7}', notify_id: 12 }));
  const dropped = p.unicast(app, 'CN', input(binding.regId));
  await binding.idle();
  assert.equal(channel.got.length, 2, 'in the order sent');
  assert.deepEqual(channel.got[0]!.notification.actionParameters, { conv: 'c2c_alice', n: '7' });
  assert.equal(channel.got[0]!.notification.notifyId, 12);
  assert.equal(channel.got[0]!.registrationId, binding.regId);
  assert.equal(channel.got[0]!.packageName, DEMO.packageName);
  assert.deepEqual(states(lab, shown.messageId), ['accepted', 'delivered', 'acked:displayed']);
  assert.deepEqual(states(lab, dropped.messageId), ['accepted', 'delivered', 'acked:channel_missing']);
});

test('a channel that throws: not displayed, reason channel_error; the next delivery still runs', async () => {
  const lab = makeLab();
  const p = lab.mock.platform;
  const app = p.appById(DEMO.appId)!;
  const channel = recordingChannel([new Error('adb went away')]);
  const binding = p.bindChannel({ appKey: DEMO.appKey, deviceId: 'd1', packageName: DEMO.packageName! }, channel);
  const failed = p.unicast(app, 'CN', input(binding.regId));
  const next = p.unicast(app, 'CN', input(binding.regId));
  await binding.idle();
  assert.deepEqual(states(lab, failed.messageId), ['accepted', 'delivered', `acked:${CHANNEL_ERROR}`]);
  assert.deepEqual(states(lab, next.messageId), ['accepted', 'delivered', 'acked:displayed']);
});

test('binding again keeps the regId; unbound, pushes queue and reach the next binding; a full reset closes the channel', async () => {
  const lab = makeLab();
  const p = lab.mock.platform;
  const app = p.appById(DEMO.appId)!;
  const first = recordingChannel();
  const binding = p.bindChannel({ appKey: DEMO.appKey, deviceId: 'd1', packageName: DEMO.packageName! }, first);
  binding.unbind();
  assert.equal(p.isConnected('d1'), false);
  const queued = p.unicast(app, 'CN', input(binding.regId));
  assert.deepEqual(states(lab, queued.messageId), ['accepted', 'queued:device_offline']);

  const second = recordingChannel();
  const again = p.bindChannel({ appKey: DEMO.appKey, deviceId: 'd1', packageName: DEMO.packageName! }, second);
  assert.equal(again.regId, binding.regId);
  await again.idle();
  assert.equal(second.got.length, 1);
  assert.deepEqual(states(lab, queued.messageId), ['accepted', 'queued:device_offline', 'delivered', 'acked:displayed']);
  assert.equal(first.got.length, 0);

  lab.mock.reset();
  assert.deepEqual(second.closes, ['mock reset']);
});

test('an unknown AppKey is code 14 and binds nothing', () => {
  const lab = makeLab();
  const p = lab.mock.platform;
  assert.throws(
    () => p.bindChannel({ appKey: 'nope', deviceId: 'd1', packageName: 'com.x' }, recordingChannel()),
    (e: unknown) => e instanceof OppoError && e.code === CODES.INVALID_APP_KEY,
  );
  assert.equal(p.isConnected('d1'), false);
  assert.deepEqual(p.listRegistrations({ deviceId: 'd1' }), []);
});
