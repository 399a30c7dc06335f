/**
 * The whole chain through a plain WebdriverIO script, no scenario layer: Appium with the VirtualOppo
 * driver attached to a phone in a real lab (mock-oppo + IM server + phone farm on loopback), log in
 * through the app's UI, kill the app, have the IM server push a message (REST sendmsg), find the
 * notification in the shade by an xpath that also works on a real phone, tap it, read the extras
 * from logcat the way the docs' sample code logs them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { remote } from 'webdriverio';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { genUserSig } from '../../harness/im/usersig.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { startAppium } from './appium-server.ts';

const PKG = 'com.tencent.qcloud.tim.demo';

test('login in the UI, kill, IM sendmsg, tap the OPPO notification, extras in logcat', async (t) => {
  const lab = await startLab({ clock: new VirtualClock({ start: Date.UTC(2026, 2, 1, 9, 0, 0) }), phones: 1 });
  let appium: Awaited<ReturnType<typeof startAppium>>['server'] | undefined;
  let driver: WebdriverIO.Browser | undefined;
  // In this order: a session left open would keep its 60 s command timer, and the process, alive.
  t.after(async () => {
    await driver?.deleteSession().catch(() => undefined);
    await appium?.close();
    await lab.stop();
  });
  const started = await startAppium();
  appium = started.server;
  const [serial] = lab.farm.list().map((p) => p.serial);

  driver = await remote({
    hostname: '127.0.0.1',
    port: started.port,
    logLevel: 'silent',
    connectionRetryCount: 0,
    capabilities: {
      platformName: 'Android',
      'appium:automationName': 'VirtualOppo',
      'appium:labUrl': lab.url,
      'appium:udid': serial,
      'appium:appPackage': PKG,
      'appium:appActivity': '.SplashActivity',
    } as WebdriverIO.Capabilities,
  });

  await driver.$('id=login_user').setValue('bob');
  await driver.$('~login').click();
  await driver.$('~logout').waitForExist();

  assert.equal(await driver.terminateApp(PKG), true);
  assert.equal(await driver.queryAppState(PKG), 1);
  await driver.getLogs('logcat'); // what follows is this test's

  const { sdkAppId, secretKey, admin } = lab.im.server.imApp;
  const query = new URLSearchParams({
    sdkappid: String(sdkAppId),
    identifier: admin,
    usersig: genUserSig({ sdkAppId, secretKey, userId: admin, now: lab.clock.now() }),
    random: '4242',
    contenttype: 'json',
  });
  const reply = (await (
    await fetch(`${lab.im.url}/v4/openim/sendmsg?${query}`, {
      method: 'POST',
      body: JSON.stringify({
        From_Account: 'alice',
        To_Account: 'bob',
        MsgRandom: 81726354,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'parcel 42 shipped' } }],
        OfflinePushInfo: { Ext: JSON.stringify({ orderId: '42', conv: 'c2c_alice' }) },
      }),
    })
  ).json()) as { ActionStatus: string; ErrorCode: number; MsgKey: string };
  assert.deepEqual([reply.ActionStatus, reply.ErrorCode], ['OK', 0]);
  assert.equal(lab.im.server.traces.byMsgKey(reply.MsgKey)[0]?.reason, 'push_online');

  await driver.openNotifications();
  const title = await driver.$("//*[@resource-id='android:id/title' and @text='Alice']");
  await title.waitForExist();
  const row = await driver.$(
    "//*[@resource-id='android:id/title' and @text='Alice']/ancestor::*[.//*[@resource-id='android:id/text' and contains(@text,'parcel 42')]]",
  );
  assert.equal(await row.isExisting(), true, 'the row holds both the title and the text');
  await title.click();

  assert.equal(await driver.queryAppState(PKG), 4);
  const lines = ((await driver.getLogs('logcat')) as Array<{ message: string }>).map((e) => e.message);
  const extras = Object.fromEntries(
    lines.flatMap((line) => {
      const m = / oppo push custom data: key = (\S+):value = (.*)$/.exec(line);
      return m ? [[m[1]!, m[2]!]] : [];
    }),
  );
  assert.deepEqual(extras, { orderId: '42', conv: 'c2c_alice' }, lines.join('\n'));
});
