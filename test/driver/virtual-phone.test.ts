/**
 * The driver against the real phone model (VirtualPhone with fake push/IM links, from the phone
 * tests' rig) behind the phone HTTP API: the push-testing path a spec takes, through WebdriverIO.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { remote } from 'webdriverio';
import { createPhoneRouter, PHONES_PATH } from '../../harness/phone/http/index.ts';
import { bootPhone, PKG } from '../phone/fakes.ts';
import { startAppium } from './appium-server.ts';

test('log in through the UI, kill the app, tap the push in the shade, read the extras from logcat', async (t) => {
  const rig = await bootPhone();
  const app = express();
  app.use(PHONES_PATH, createPhoneRouter((serial) => (serial === rig.phone.serial ? rig.phone : undefined)));
  const lab: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { server: appium, port } = await startAppium();
  let driver: WebdriverIO.Browser | undefined;
  t.after(async () => {
    await driver?.deleteSession().catch(() => undefined);
    await appium.close();
    lab.closeAllConnections();
    await new Promise((resolve) => lab.close(resolve));
    await rig.phone.shutdown();
  });

  driver = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'silent',
    connectionRetryCount: 0,
    capabilities: {
      platformName: 'Android',
      'appium:automationName': 'VirtualOppo',
      'appium:labUrl': `http://127.0.0.1:${(lab.address() as AddressInfo).port}`,
      'appium:udid': rig.phone.serial,
      'appium:appPackage': PKG,
      'appium:appActivity': '.SplashActivity',
    } as WebdriverIO.Capabilities,
  });
  assert.equal(await driver.queryAppState(PKG), 4);

  await driver.$('id=login_user').setValue('alice');
  await driver.$('~login').click();
  assert.ok(rig.im().calls.includes('login alice'), 'the app logged in to IM');

  assert.equal(await driver.terminateApp(PKG), true);
  assert.equal(await driver.queryAppState(PKG), 1);
  await driver.getLogs('logcat'); // only what follows counts
  rig.push.deliver({ notification: { title: 'alice', content: 'new message', actionParameters: { orderId: '42' } } });

  await driver.openNotifications();
  const title = await driver.$("//*[@resource-id='android:id/title' and @text='alice']");
  assert.equal(await title.getAttribute('package'), 'com.android.systemui');
  await title.click();
  assert.equal(await driver.queryAppState(PKG), 4);
  const logs = (await driver.getLogs('logcat')) as Array<{ message: string }>;
  assert.ok(
    logs.some((e) => / oppo push custom data: key = orderId:value = 42$/.test(e.message)),
    logs.map((e) => e.message).join('\n'),
  );
  assert.equal((await driver.$$("//*[@resource-id='android:id/title' and @text='alice']")).length, 0, 'the entry auto-cancelled');
});
