/**
 * Scenarios 3 and 6 — the click action configured on the console certificate decides what tapping
 * a push opens (app, URL with the parameters appended, a specific activity, an intent action);
 * `Ext` arrives as extras, a non-JSON `Ext` is dropped (the push still shows); and a certificate
 * edit applies only 10 minutes (virtual time) after it was saved.
 */
import assert from 'node:assert/strict';
import { multiremotebrowser } from '@wdio/globals';
import {
  openScenario,
  expectNotification,
  expectExtras,
  type ClickAction,
  type Phone,
  type Scenario,
  type SendMsgResult,
} from '../../harness/scenario/index.ts';

const CERTIFICATE = 7005;
const PUSH_ACTIVITY = 'com.tencent.qcloud.tim.demo.push.OfflinePushClickActivity';
const PUSH_ACTION = 'com.tencent.qcloud.tim.demo.intent.action.OFFLINE_PUSH';
const EXT = { conv: 'c2c_alice', entity: { sender: 'alice', version: 1 } };
/** What the app gets: one String extra per top-level key, nested objects as their JSON text. */
const EXTRAS = { conv: 'c2c_alice', entity: '{"sender":"alice","version":1}' };

describe('click actions from the console certificate', () => {
  let s: Scenario;
  let phone: Phone;
  let alice: string;
  let bob: string;
  let n = 0;

  /** Kills the app, sends a text with this Ext, and waits for its notification. */
  async function pushWithExt(ext: string | undefined): Promise<SendMsgResult & { text: string }> {
    await phone.kill();
    const text = `message ${++n}`;
    const sent = await s.im.sendText(alice, bob, text, ext === undefined ? undefined : { Ext: ext });
    await expectNotification(phone, { title: 'Alice', text }, { sent, within: '1m' });
    return { ...sent, text };
  }

  async function tap(text: string): Promise<void> {
    await phone.markLogcat();
    await phone.tapNotification({ title: 'Alice', text });
  }

  /** What IM asked OPPO to do on a click, from the trace. */
  async function clickSent(sent: SendMsgResult): Promise<Record<string, unknown>> {
    const [trace] = await s.console!.traces(sent.MsgKey);
    return (trace?.oppo?.request.notification ?? {}) as Record<string, unknown>;
  }

  async function switchTo(clickAction: ClickAction): Promise<void> {
    await s.console!.editCertificate(CERTIFICATE, { clickAction });
    await s.advance('10m');
  }

  before(async () => {
    s = await openScenario('cert', multiremotebrowser);
    phone = s.phone();
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
    await phone.login(bob);
  });

  // The certificate edits need no undoing: the next spec file's Scenario resets the console to the fixtures.
  after(async () => {
    await s?.close();
  });

  it('an edit applies only after 10 minutes; pushes in between use the previous version', async () => {
    const edit = await s.console!.editCertificate(CERTIFICATE, { clickAction: { type: 'open_activity', activity: PUSH_ACTIVITY } });

    const before = await pushWithExt(undefined);
    assert.equal((await clickSent(before)).click_action_type, 0);
    const [trace] = await s.console!.traces(before.MsgKey);
    assert.equal(trace?.certificate?.pendingEditEffectiveAt, edit.effectiveAt);

    await s.advance('9m');
    assert.equal((await clickSent(await pushWithExt(undefined))).click_action_type, 0);

    await s.advance('1m');
    const after = await pushWithExt(undefined);
    assert.deepEqual(
      { type: (await clickSent(after)).click_action_type, activity: (await clickSent(after)).click_action_activity },
      { type: 4, activity: PUSH_ACTIVITY },
    );
    await tap(after.text);
    assert.equal(await phone.launchedActivity(), PUSH_ACTIVITY);
  });

  it('open a specific activity: each top-level key of Ext arrives as a String extra', async () => {
    const sent = await pushWithExt(JSON.stringify(EXT));
    await tap(sent.text);
    assert.equal(await phone.launchedActivity(), PUSH_ACTIVITY);
    await expectExtras(phone, EXTRAS, { exact: true });
  });

  it('open by intent action: the activity with that action and category DEFAULT, with the extras', async () => {
    await switchTo({ type: 'intent_action', action: PUSH_ACTION });
    const sent = await pushWithExt(JSON.stringify(EXT));
    assert.equal((await clickSent(sent)).click_action_type, 1);
    await tap(sent.text);
    assert.equal(await phone.launchedActivity(), PUSH_ACTIVITY);
    await expectExtras(phone, EXTRAS, { exact: true });
  });

  it('open a URL: the browser opens it with the Ext parameters appended', async () => {
    await switchTo({ type: 'open_url', url: 'https://im.example.com/chat' });
    const sent = await pushWithExt(JSON.stringify({ conv: 'c2c_alice' }));
    assert.equal((await clickSent(sent)).click_action_type, 2);
    await tap(sent.text);
    assert.notEqual(await phone.driver.getCurrentPackage(), phone.app.packageName);
    await phone.driver.$(`//*[@text='https://im.example.com/chat?conv=c2c_alice']`).waitForExist({ timeoutMsg: 'the browser does not show the URL with the parameters' });
  });

  it('open the app: the launcher activity, with the Ext extras', async () => {
    await switchTo({ type: 'open_app' });
    const sent = await pushWithExt(JSON.stringify(EXT));
    await tap(sent.text);
    assert.equal(await phone.launchedActivity(), phone.app.launcherActivity);
    await expectExtras(phone, EXTRAS, { exact: true });
  });

  it('a non-JSON Ext: the push still shows, without extras, and the trace says Ext was dropped', async () => {
    const sent = await pushWithExt('conv=c2c_alice');
    assert.equal((await clickSent(sent)).action_parameters, undefined);
    const [trace] = await s.console!.traces(sent.MsgKey);
    assert.ok(trace?.ignored.some((note) => /^Ext dropped/.test(note)), `trace.ignored: ${JSON.stringify(trace?.ignored)}`);
    await tap(sent.text);
    assert.equal(await phone.launchedActivity(), phone.app.launcherActivity);
    await expectExtras(phone, {}, { exact: true });
  });
});
