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
  /** Brings the app to the front and logs in as `userId` (logging out whoever is logged in first). */
  login(driver: WebdriverIO.Browser, userId: string): Promise<void>;
  /** Logs out through the app's UI (the IM SDK's `logout`). */
  logout(driver: WebdriverIO.Browser): Promise<void>;
  /** Waits until the app's main screen shows `text` as a conversation's latest message (online delivery). */
  waitForOnlineMessage(driver: WebdriverIO.Browser, text: string): Promise<void>;
  /** Brings the app to the front; whether it shows its logged-in main screen. */
  isLoggedIn(driver: WebdriverIO.Browser): Promise<boolean>;
}
