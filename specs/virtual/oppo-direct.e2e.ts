/**
 * A backend's own pushes, sent straight to OPPO from the spec (`s.oppoApi`, signed on the lab's
 * clock): the long-text style, the click types (an activity by class with extras, an intent action,
 * a URL), `notify_id` replacing an entry, a broadcast of saved content, the daily limit of public
 * pushes (a matcher's failure explains the dropped one; it starts over at midnight in Beijing:
 * `nextMidnightInBeijing`, `s.advanceTo`) — and the shade's history, which says why each entry left
 * it (`click`, `cancel`, `force_stop`, `uninstall`).
 */
import assert, { AssertionError } from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import { openScenario, expectNotification, expectExtras, nextMidnightInBeijing, parseDuration, type OppoNotification, type Phone, type Scenario } from '../../harness/scenario/index.ts';

const PUSH_ACTIVITY = 'com.tencent.qcloud.tim.demo.push.OfflinePushClickActivity';
const PUSH_ACTION = 'com.tencent.qcloud.tim.demo.intent.action.OFFLINE_PUSH';

describe('a backend sends straight to OPPO', () => {
  let s: Scenario;
  let phone: Phone;
  let regId: string;

  /**
   * A unicast to the phone's regId that OPPO accepts, on the app's private channel (`tuikit`): without
   * a channel_id it would be a public message, of which a device gets only two a day.
   */
  async function push(notification: OppoNotification): Promise<void> {
    const reply = await s.oppoApi.unicast({ target_type: 2, target_value: regId, notification: { channel_id: 'tuikit', ...notification } });
    assert.equal(reply.code, 0, `OPPO answered ${JSON.stringify(reply)}`);
  }

  /** Why the entries with this title left the shade, oldest first. */
  async function removalsOf(title: string): Promise<Array<string | undefined>> {
    return (await phone.notifications({ removed: true }))
      .filter((n) => n.title === title && n.removed)
      .reverse()
      .map((n) => n.removed!.reason);
  }

  before(async () => {
    s = await openScenario('oppo-direct', multiremotebrowser);
    phone = s.phone();
    await phone.login(await s.user('bob', 'Bob')); // the app's first start registers it at OPPO
    await phone.kill();
    regId = (await phone.regId())!;
    assert.match(regId, /^CN_/);
  });

  after(async () => {
    await s?.close();
  });

  it('style 2 (long text): the entry carries the whole text as its big text', async () => {
    const long = Array.from({ length: 4 }, (_, i) => `Line ${i + 1} of a long announcement.`).join(' ');
    await push({ title: 'Long', content: long, style: 2 });
    const shown = await expectNotification(phone, { title: 'Long' });
    assert.equal(shown.bigText, long);
  });

  it('click types: 4 opens an activity by class with the extras, 1 resolves an intent action, 2 opens a URL; each tap leaves the shade as click', async () => {
    await push({ title: 'By class', content: 'type 4', click_action_type: 4, click_action_activity: PUSH_ACTIVITY, action_parameters: { orderId: '42' } });
    await phone.markLogcat();
    await phone.tapNotification(await expectNotification(phone, { title: 'By class' }));
    assert.equal(await phone.launchedActivity(), PUSH_ACTIVITY);
    await expectExtras(phone, { orderId: '42' });
    await phone.kill();

    await push({ title: 'By action', content: 'type 1', click_action_type: 1, click_action_activity: PUSH_ACTION, action_parameters: { orderId: '43' } });
    await phone.markLogcat();
    await phone.tapNotification(await expectNotification(phone, { title: 'By action' }));
    assert.equal(await phone.currentActivity(), PUSH_ACTIVITY);
    await expectExtras(phone, { orderId: '43' });
    await phone.kill();

    await push({ title: 'By URL', content: 'type 2', click_action_type: 2, click_action_url: 'https://example.com/promo' });
    await phone.tapNotification(await expectNotification(phone, { title: 'By URL' }));
    assert.equal(await phone.driver.getCurrentPackage(), 'com.heytap.browser');

    for (const title of ['By class', 'By action', 'By URL']) assert.deepEqual(await removalsOf(title), ['click'], title);
  });

  it('notify_id: a second push with the same notify_id replaces the entry in place', async () => {
    await push({ title: 'Score', content: '1 : 0', notify_id: 7 });
    await expectNotification(phone, { title: 'Score', text: '1 : 0' });
    await push({ title: 'Score', content: '2 : 0', notify_id: 7 });
    await expectNotification(phone, { title: 'Score', text: '2 : 0' });
    const scores = (await phone.notifications()).filter((n) => n.title === 'Score');
    assert.deepEqual(
      scores.map((n) => [n.id, n.notifyId, n.text]),
      [[7, 7, '2 : 0']],
    );
  });

  it('broadcast: saved content sent to the regId shows', async () => {
    const saved = await s.oppoApi.saveMessageContent({ title: 'News', content: 'for everyone', channel_id: 'tuikit' });
    assert.equal(saved.code, 0);
    const cast = await s.oppoApi.broadcast({ message_id: saved.data!.message_id, target_type: 2, target_value: regId });
    assert.equal(cast.code, 0, `OPPO answered ${JSON.stringify(cast)}`);
    await expectNotification(phone, { title: 'News', text: 'for everyone' });
  });

  it("a matcher's failure names the test's pushes straight to OPPO and where they stopped: the third public message of the day", async () => {
    for (const n of [1, 2]) {
      await push({ title: `Offer ${n}`, content: 'public', category: 'MARKETING' });
      await expectNotification(phone, { title: `Offer ${n}` });
    }
    await push({ title: 'Offer 3', content: 'public', category: 'MARKETING' });
    await assert.rejects(expectNotification(phone, { title: 'Offer 3' }, { timeoutMs: 2000 }), (error: Error) => {
      assert.ok(error instanceof AssertionError, 'a failed assertion, not a crash');
      assert.match(error.message, new RegExp(`\\[oppo\\] unicast to ${regId}: code 0\\n\\s+OPPO +\\S+ → ${regId}: dropped \\(user_daily_limit\\)`));
      return true;
    });
  });

  it('the daily limit starts over at the next midnight in Beijing (advanceTo); the clock never goes back', async () => {
    const now = await s.now();
    const midnight = nextMidnightInBeijing(now);
    assert.ok(midnight > now && midnight - now <= parseDuration('1d'), 'within the next day');
    assert.equal(new Date(midnight + parseDuration('8h')).getUTCHours(), 0, 'midnight at GMT+8');
    await s.advanceTo(midnight);
    assert.equal(await s.now(), midnight);
    await assert.rejects(s.advanceTo(midnight - parseDuration('1m')), /never goes back/);
    await push({ title: 'Offer 4', content: 'public', category: 'MARKETING' });
    await expectNotification(phone, { title: 'Offer 4' });
  });

  it('the history says why each entry left: Clear all → cancel, a force-stop → force_stop, an uninstall → uninstall', async () => {
    await push({ title: 'Cleared', content: 'by the user' });
    await expectNotification(phone, { title: 'Cleared' });
    await phone.openShade();
    await phone.driver.$('id=com.android.systemui:id/clear_all').click();
    assert.deepEqual(await removalsOf('Cleared'), ['cancel']);
    assert.deepEqual(await phone.notifications(), [], 'Clear all emptied the shade');

    await push({ title: 'Stopped', content: 'by am force-stop' });
    await expectNotification(phone, { title: 'Stopped' });
    await phone.kill();
    assert.deepEqual(await removalsOf('Stopped'), ['force_stop']);

    await push({ title: 'Uninstalled', content: 'with its app' });
    await expectNotification(phone, { title: 'Uninstalled' });
    await phone.uninstall();
    assert.deepEqual(await removalsOf('Uninstalled'), ['uninstall']);
    await phone.install();
  });
});
