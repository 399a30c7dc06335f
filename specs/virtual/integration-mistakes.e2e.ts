/**
 * Scenarios 5 and 7 — integration mistakes a QA team must catch, each on a phone whose app profile
 * makes that mistake: the token never reported, reported before login, reported with a certificate
 * ID the console does not know; on Android 8+ a channel the app never created; the notification
 * permission left off. Each: not pushed (or not shown), with the reason, checked at every layer.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotPushed, type Layer, type Scenario } from '../../harness/scenario/index.ts';

interface Mistake {
  appProfile: string;
  title: string;
  layer: Layer;
  reason: string;
  /** What the app's log must show about the mistake (the SDK's error callback). */
  logs?: RegExp;
}

const MISTAKES: Mistake[] = [
  { appProfile: 'tim-demo-no-push-register', title: 'token never reported: not pushed, reason no_token', layer: 'im', reason: 'no_token' },
  {
    appProfile: 'tim-demo-token-before-login',
    title: 'token reported before login: not pushed, reason token_before_login',
    layer: 'im',
    reason: 'token_before_login',
  },
  // The IM server refuses the report (22001), so it holds no token for the device.
  {
    appProfile: 'tim-demo-wrong-certificate',
    title: 'token reported with an unknown certificate ID: refused with 22001, not pushed, reason no_token',
    layer: 'im',
    reason: 'no_token',
    logs: /setOfflinePushConfig failed businessID=7006 code=22001/,
  },
  { appProfile: 'tim-demo-no-channel', title: 'channel never created (Android 8+): pushed, but the phone drops it, reason channel_missing', layer: 'phone', reason: 'channel_missing' },
  { appProfile: 'tim-demo-no-notification-permission', title: 'notification permission off: pushed, but not shown, reason notification_permission_off', layer: 'phone', reason: 'notification_permission_off' },
];

describe('integration mistakes', () => {
  let s: Scenario;
  let alice: string;

  before(async () => {
    s = await openScenario('mistakes', multiremotebrowser);
    alice = await s.user('alice', 'Alice');
  });

  after(async () => {
    await s?.close();
  });

  for (const [i, mistake] of MISTAKES.entries()) {
    it(mistake.title, async () => {
      const phone = await s.bootPhone({ appProfile: mistake.appProfile });
      const user = await s.user(`user${i}`, `User ${i}`);
      await phone.markLogcat();
      await phone.login(user);
      if (mistake.logs) {
        const log = await phone.logcat();
        assert.ok(log.some((line) => mistake.logs!.test(line)), `the app's log has no line matching ${mistake.logs}`);
      }
      await phone.kill();

      const sent = await s.im.sendText(alice, user, `check ${mistake.appProfile}`);

      const funnel = await expectNotPushed(s.observers, sent, { to: user, phone, layer: mistake.layer, reason: mistake.reason, match: { title: 'Alice' } });
      if (mistake.layer === 'phone') assert.equal(funnel.oppoState, 'acked');
      else assert.equal(funnel.oppoState, undefined);
    });
  }
});
