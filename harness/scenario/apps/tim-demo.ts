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
    /** The push landing screen (OfflinePushClickActivity) a notification with extras opens. */
    pushTitle: id('push_title'),
    /** The signed-in UserID (main screen, and the push landing screen while someone is signed in). */
    selfUser: id('self_user'),
    lastMessage: `${packageName}:id/conversation_last_msg`,
  },
} as const;

/** How long a screen may take to appear; real phones need seconds, virtual ones milliseconds. */
const SCREEN_TIMEOUT_MS = 15_000;
/** App state 4: the app is in front (UiAutomator2's queryAppState). */
const IN_FRONT = 4;
const KEY_BACK = 4;

export type DemoScreen = 'login' | 'main' | 'push';

/**
 * Which demo screen is in front, once the app settled (the splash forwards at once, and the demo logs
 * in again by itself after a restart). Reads only; the app must be in front.
 */
async function settledScreen(driver: WebdriverIO.Browser): Promise<DemoScreen> {
  const state = await driver.queryAppState(packageName);
  if (state !== IN_FRONT) {
    throw new Error(`the demo app's screens can be read only while it is in front (app state ${state}); launch it first (phone.launch())`);
  }
  const markers: Array<[DemoScreen, string]> = [
    ['login', DEMO_APP.selectors.userIdField],
    ['main', DEMO_APP.selectors.logoutButton],
    ['push', DEMO_APP.selectors.pushTitle],
  ];
  let screen: DemoScreen | undefined;
  await driver.waitUntil(
    async () => {
      for (const [name, selector] of markers) {
        if (await driver.$(selector).isDisplayed()) return (screen = name);
      }
      return false;
    },
    { timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'the demo app shows none of its login, main or push landing screens' },
  );
  return screen!;
}

/**
 * Launches the app (or brings it to the front) on its login or main screen. The push landing screen
 * a notification tap opened is left with BACK, as a user does, and the app launched again.
 */
async function openHome(driver: WebdriverIO.Browser): Promise<'login' | 'main'> {
  await driver.activateApp(packageName);
  let screen = await settledScreen(driver);
  if (screen === 'push') {
    await driver.pressKeyCode(KEY_BACK);
    await driver.activateApp(packageName);
    screen = await settledScreen(driver);
  }
  if (screen === 'push') throw new Error('the demo app stays on its push landing screen after BACK and a relaunch');
  return screen;
}

async function tapLogout(driver: WebdriverIO.Browser): Promise<void> {
  await driver.$(DEMO_APP.selectors.logoutButton).click();
  await driver
    .$(DEMO_APP.selectors.userIdField)
    .waitForDisplayed({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'logout did not return to the login screen' });
}

export const timDemoApp: AppPage = {
  profile: DEMO_APP.profile,
  packageName: DEMO_APP.packageName,
  launcherActivity: DEMO_APP.launcherActivity,
  extrasLogTag: DEMO_APP.extrasLogTag,

  async login(driver, userId) {
    if ((await openHome(driver)) === 'main') await tapLogout(driver);
    await driver.$(DEMO_APP.selectors.userIdField).setValue(userId);
    await driver.$(DEMO_APP.selectors.loginButton).click();
    await driver
      .$(DEMO_APP.selectors.logoutButton)
      .waitForDisplayed({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: `login as '${userId}' did not reach the main screen` });
  },

  async logout(driver) {
    if ((await openHome(driver)) === 'login') throw new Error('no logout action: nobody is logged in (the demo shows its login screen)');
    await tapLogout(driver);
  },

  async logoutIfLoggedIn(driver) {
    if ((await openHome(driver)) === 'main') await tapLogout(driver);
  },

  async waitForOnlineMessage(driver, text) {
    await driver
      .$(`//*[@resource-id=${xpathLiteral(DEMO_APP.selectors.lastMessage)} and @text=${xpathLiteral(text)}]`)
      .waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: `the conversation list does not show ${JSON.stringify(text)}` });
  },

  async isLoggedIn(driver) {
    const screen = await settledScreen(driver);
    // The push landing screen names the signed-in user, if there is one.
    if (screen === 'push') return driver.$(DEMO_APP.selectors.selfUser).isExisting();
    return screen === 'main';
  },
};
