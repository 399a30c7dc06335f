/**
 * Page object of the Tencent IM demo app (`com.tencent.qcloud.tim.demo`), the app in the docs and
 * the default app profile of the virtual phones. Selectors use resource ids, which the real demo
 * and the virtual one share, so the same object drives an emulator, a USB phone or a farm device.
 */
import oppoApps from '../../../fixtures/oppo-apps.json' with { type: 'json' };
import { EXTRAS_TAG } from '../../phone/demo-app.ts';
import type { AppPage } from './app-page.ts';
import { xpathLiteral } from '../shade.ts';

const packageName = oppoApps[0]!.packageName;
const id = (name: string) => `id=${packageName}:id/${name}`;

export const DEMO_APP = {
  profile: 'tim-demo',
  packageName,
  launcherActivity: `${packageName}.SplashActivity`,
  /** The sample code in Tencent's OPPO guide logs each extra under this tag. */
  extrasLogTag: EXTRAS_TAG,
  selectors: {
    userIdField: id('login_user'),
    loginButton: id('login_btn'),
    logoutButton: id('logout_btn'),
    lastMessage: `${packageName}:id/conversation_last_msg`,
  },
} as const;

/** How long a screen may take to appear; real phones need seconds, virtual ones milliseconds. */
const SCREEN_TIMEOUT_MS = 15_000;

export const timDemoApp: AppPage = {
  profile: DEMO_APP.profile,
  packageName: DEMO_APP.packageName,
  launcherActivity: DEMO_APP.launcherActivity,
  extrasLogTag: DEMO_APP.extrasLogTag,

  async login(driver, userId) {
    if (await this.isLoggedIn(driver)) await this.logout(driver);
    await driver.$(DEMO_APP.selectors.userIdField).setValue(userId);
    await driver.$(DEMO_APP.selectors.loginButton).click();
    await driver
      .$(DEMO_APP.selectors.logoutButton)
      .waitForDisplayed({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: `login as '${userId}' did not reach the main screen` });
  },

  async logout(driver) {
    await driver.activateApp(packageName);
    const button = driver.$(DEMO_APP.selectors.logoutButton);
    await button.waitForDisplayed({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'no logout action: is anyone logged in?' });
    await button.click();
    await driver
      .$(DEMO_APP.selectors.userIdField)
      .waitForDisplayed({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'logout did not return to the login screen' });
  },

  async waitForOnlineMessage(driver, text) {
    await driver
      .$(`//*[@resource-id=${xpathLiteral(DEMO_APP.selectors.lastMessage)} and @text=${xpathLiteral(text)}]`)
      .waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: `the conversation list does not show ${JSON.stringify(text)}` });
  },

  async isLoggedIn(driver) {
    await driver.activateApp(packageName);
    const field = driver.$(DEMO_APP.selectors.userIdField);
    const logout = driver.$(DEMO_APP.selectors.logoutButton);
    // The demo logs in again by itself after a restart: wait until it settled on one screen.
    await driver.waitUntil(async () => (await field.isDisplayed()) || (await logout.isDisplayed()), {
      timeout: SCREEN_TIMEOUT_MS,
      timeoutMsg: 'the demo app shows neither its login screen nor its main screen',
    });
    return logout.isDisplayed();
  },
};
