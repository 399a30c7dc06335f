/**
 * What the scenario layer needs from the app under test's screens. Each app profile ships one
 * implementation (the Tencent IM demo is `tim-demo.ts`); a team testing its own chat app writes
 * theirs with its own selectors and registers it in `apps/index.ts` — the specs do not change.
 */
import type {} from '../wdio-capabilities.ts';

export interface AppPage {
  /** The app profile name (`fixtures/apps/<name>.json` on virtual phones). */
  readonly profile: string;
  readonly packageName: string;
  /** Fully qualified launcher activity class. */
  readonly launcherActivity: string;
  /** Tag the app logs notification extras under (`key = K:value = V`). */
  readonly extrasLogTag: string;
  /**
   * Brings the app to the front and logs in as `userId` (logging out whoever is logged in first),
   * from whatever screen the app is on — a push landing screen included.
   */
  login(driver: WebdriverIO.Browser, userId: string): Promise<void>;
  /** Brings the app to the front and logs out through its UI (the IM SDK's `logout`); fails when nobody is logged in. */
  logout(driver: WebdriverIO.Browser): Promise<void>;
  /** Brings the app to the front and logs out if someone is logged in (what a reset needs). */
  logoutIfLoggedIn(driver: WebdriverIO.Browser): Promise<void>;
  /** Waits until the app's main screen shows `text` as a conversation's latest message (online delivery). */
  waitForOnlineMessage(driver: WebdriverIO.Browser, text: string): Promise<void>;
  /**
   * Whether the app in front shows a logged-in screen. A query: it never launches, taps or navigates,
   * and it fails (rather than guess) while the app is not in front.
   */
  isLoggedIn(driver: WebdriverIO.Browser): Promise<boolean>;
}
