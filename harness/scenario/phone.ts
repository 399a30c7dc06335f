/**
 * The `Phone` page object: what a spec does with a phone, over a WebdriverIO session, in calls that
 * VirtualOppo and UiAutomator2 both answer (the `mobile:` methods, the page source, logcat), so the
 * same spec runs on a virtual phone, an emulator, a USB OPPO phone or a farm device. App screens come
 * from the app profile's page object; lab-only switches (network, notification permission) from the
 * lab when the phone lives in one.
 */
import './wdio-capabilities.ts';
import type { AppPage } from './apps/app-page.ts';
import type { AppState, StatusBarNotification } from '../phone/api.ts';
import type { KillMode } from '../phone/phone.ts';
import type { Observers } from './matchers.ts';
import type { RemoveReason } from '../phone/notifications.ts';
import type { PhoneSettings } from '../phone/settings.ts';
import { matchesNotification, parseExtrasLog, parseNotificationDump, titleXPath, type NotificationMatch, type NotificationRecord } from './shade.ts';
import { step } from './test-record.ts';

export type { AppState, KillMode, RemoveReason };

/** One entry of a lab phone's removal history (`GET /_lab/v1/phones/:serial/notifications/removed`). */
export interface RemovedNotificationView {
  key: string;
  packageName: string;
  id: number;
  title: string;
  postTime: number;
  /** When it left the shade. */
  time: number;
  reason: RemoveReason;
}

/** Android key codes the page object presses. */
const KEY_BACK = 4;

/** Switches and readings only a lab has (a virtual phone's radio, settings and notification history). */
export interface LabPhoneControls {
  setNetwork(on: boolean): Promise<void>;
  setNotificationPermission(packageName: string, granted: boolean): Promise<void>;
  /** Why each notification left the shade (newest last). */
  removedNotifications(): Promise<RemovedNotificationView[]>;
  /** Changes the phone's settings for [uncertain] behaviour (see harness/phone/settings.ts); the lab's reset puts the boot settings back. */
  updateSettings(patch: Partial<PhoneSettings>): Promise<PhoneSettings>;
  /** What the lab knows of an installed app: its profile, whether it runs, the regId its push service holds. */
  appInfo(packageName: string): Promise<LabAppInfo>;
}

export interface LabAppInfo {
  packageName: string;
  installed: boolean;
  profile: string | null;
  running: boolean;
  regId: string | null;
}

export interface ShownNotification extends NotificationMatch {
  key: string;
  packageName: string;
  /** The notification id; for an OPPO push, its `notify_id` (also in `notifyId`). */
  id: number;
  /** The OPPO `notify_id` a push carried (the same number as `id`: the push service posts under it). */
  notifyId: number;
  /** When the phone posted it (the phone's clock: virtual in the lab). */
  postTime: number;
  channel?: string;
  /** The expanded text of a long-text (OPPO `style` 2) notification. */
  bigText?: string;
  /**
   * Present on an entry that left the shade (only with `notifications({ removed: true })`): the
   * reason — `click`, `show_ttl`, `force_stop`, `uninstall`, `cancel` — where the phone tells it
   * (lab phones; UiAutomator2 only flags an entry as removed).
   */
  removed?: { reason?: RemoveReason };
}

export interface NotificationQuery {
  /** Also read each one's channel from `dumpsys notification` (needs adb shell, which farms lack). */
  withChannel?: boolean;
  /** Also list the entries that left the shade, each with `removed` (and its reason where the phone tells it). */
  removed?: boolean;
}

/** No matching notification showed before the wait ran out (expectNotification turns it into an assertion failure). */
export class NotificationTimeoutError extends Error {
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message);
    this.name = 'NotificationTimeoutError';
  }
}

export class Phone {
  /** Logcat messages since `markLogcat()`; undefined before the first mark. */
  private logWindow: string[] | undefined;

  constructor(
    readonly name: string,
    readonly driver: WebdriverIO.Browser,
    readonly app: AppPage,
    /** The adb serial (the lab's serial for a virtual phone). */
    readonly serial: string,
    private readonly lab?: LabPhoneControls,
    /** Where the matchers read this phone's push traces (the scenario's observers). */
    readonly observers?: Observers,
  ) {}

  private act<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return step(`${this.name}: ${title}`, fn, this.name);
  }

  // ---- the app's lifecycle

  /**
   * A clean slate through the app's UI, from any screen and app state: the app stopped (a force-stop
   * also clears its notifications), launched to log out whoever it would log in again, stopped again;
   * on a lab phone the network and the permission back on. What real phones need: a Scenario on the
   * virtual profile resets its phones with the lab's reset instead (cheaper, and it also empties the
   * shade's history and restores uninstalled apps).
   */
  async reset(): Promise<void> {
    this.forgetSession();
    if (this.lab) {
      await this.lab.setNetwork(true);
      await this.lab.setNotificationPermission(this.app.packageName, true);
    }
    await this.driver.terminateApp(this.app.packageName);
    await this.app.logoutIfLoggedIn(this.driver);
    await this.driver.terminateApp(this.app.packageName);
  }

  /** Drops what this page object remembers of the phone (the logcat window), after the phone was reset under it. */
  forgetSession(): void {
    this.logWindow = undefined;
  }

  launch(): Promise<void> {
    return this.act('launch the app', async () => void (await this.driver.activateApp(this.app.packageName)));
  }

  login(userId: string): Promise<void> {
    return this.act(`log in as ${userId}`, () => this.app.login(this.driver, userId));
  }

  logout(): Promise<void> {
    return this.act('log out', () => this.app.logout(this.driver));
  }

  /** HOME: the app stays alive in the background (the IM SDK calls `doBackground`). */
  background(): Promise<void> {
    return this.act('send the app to the background', async () => void (await this.driver.execute('mobile: backgroundApp', { seconds: -1 })));
  }

  foreground(): Promise<void> {
    return this.act('bring the app to the foreground', async () => void (await this.driver.activateApp(this.app.packageName)));
  }

  /**
   * Kills the app without logging out. `force-stop` is `am force-stop`; `process-death` sends the app
   * to the background first and has the OS reclaim it (`am kill` only kills background processes).
   */
  kill(mode: KillMode = 'force-stop'): Promise<void> {
    return this.act(`kill the app (${mode})`, async () => {
      if (mode === 'force-stop') {
        await this.driver.terminateApp(this.app.packageName);
        return;
      }
      await this.background();
      await this.shell(`am kill ${this.app.packageName}`);
      await this.driver.waitUntil(async () => (await this.appState()) === 1, { timeoutMsg: `${this.app.packageName} still runs after am kill` });
    });
  }

  /** Uninstalls the app (WebdriverIO `removeApp`): its regId dies at OPPO, its notifications go. */
  async uninstall(): Promise<void> {
    if (!(await this.driver.removeApp(this.app.packageName))) throw new Error(`${this.name}: ${this.app.packageName} is not installed`);
  }

  /**
   * Installs the app (WebdriverIO `installApp`): on a virtual phone an app profile id — by default the
   * page object's — or a profile JSON file; on a real phone the APK path. A fresh install registers a
   * new regId at its first start; the login reports it.
   */
  async install(app: string = this.app.profile): Promise<void> {
    await this.driver.installApp(app);
  }

  async isInstalled(): Promise<boolean> {
    return this.driver.isAppInstalled(this.app.packageName);
  }

  async appState(): Promise<AppState> {
    return (await this.driver.queryAppState(this.app.packageName)) as AppState;
  }

  /** The resumed activity as a fully qualified class name (UiAutomator2 may answer `.Short`). */
  async currentActivity(): Promise<string> {
    const activity = await this.driver.getCurrentActivity();
    return activity.startsWith('.') ? `${this.app.packageName}${activity}` : activity;
  }

  /** `mobile: shell` (needs the `adb_shell` insecure feature, like UiAutomator2). */
  async shell(command: string): Promise<string> {
    const [cmd, ...args] = command.split(/\s+/);
    return String(await this.driver.execute('mobile: shell', { command: cmd, args }));
  }

  // ---- the notification shade

  async openShade(): Promise<void> {
    await this.driver.openNotifications();
  }

  async closeShade(): Promise<void> {
    await this.driver.pressKeyCode(KEY_BACK);
  }

  /**
   * The app's notifications still showing, newest first (`mobile: getNotifications`); with
   * `removed`, also those that left the shade (with the reason, on a lab phone). A boolean argument
   * is `withChannel`, as before.
   */
  async notifications(query: NotificationQuery | boolean = {}): Promise<ShownNotification[]> {
    const { withChannel = false, removed = false } = typeof query === 'boolean' ? { withChannel: query } : query;
    const result = (await this.driver.execute('mobile: getNotifications')) as { statusBarNotifications: StatusBarNotification[] };
    const records = withChannel ? await this.records() : [];
    const history = removed && this.lab ? await this.lab.removedNotifications() : [];
    return result.statusBarNotifications
      .filter((n) => n.packageName === this.app.packageName && (removed || !n.isRemoved))
      .map((n) => {
        const shown: ShownNotification = {
          key: n.key,
          packageName: n.packageName,
          id: n.id,
          notifyId: n.id,
          title: n.notification.title ?? '',
          postTime: n.postTime,
        };
        if (n.notification.text !== null) shown.text = n.notification.text;
        if (n.notification.bigText !== null) shown.bigText = n.notification.bigText;
        const channel = records.find((r) => r.key === n.key)?.channel;
        if (channel !== undefined) shown.channel = channel;
        if (n.isRemoved) {
          const reason = history.findLast((h) => h.key === n.key && h.postTime === n.postTime)?.reason;
          shown.removed = reason === undefined ? {} : { reason };
        }
        return shown;
      });
  }

  /** The app's records in `dumpsys notification` (the only place that shows the channel). */
  async records(): Promise<NotificationRecord[]> {
    return parseNotificationDump(await this.shell('dumpsys notification --noredact')).filter((r) => r.packageName === this.app.packageName);
  }

  /** Waits until a matching notification is in the shade (opens the shade to look, as a user does). */
  async waitForNotification(match: NotificationMatch, options: { timeoutMs?: number; withChannel?: boolean } = {}): Promise<ShownNotification> {
    const { timeoutMs, withChannel = false } = options;
    await this.openShade();
    const xpath = titleXPath(match);
    const timeout = timeoutMs ?? this.driver.options.waitforTimeout ?? 10_000;
    const message = `${this.name}: no notification ${JSON.stringify(match)} in the shade`;
    const found = await this.driver
      .$(xpath)
      .waitForExist({ timeout, timeoutMsg: message })
      .then(
        () => true,
        (error: unknown) => {
          if ((error as Error).message.includes(message)) return false;
          throw error;
        },
      );
    if (!found) throw new NotificationTimeoutError(message, timeout);
    const shown = (await this.notifications({ withChannel })).find((n) => matchesNotification(n, match));
    if (!shown) throw new Error(`${this.name}: ${JSON.stringify(match)} is in the shade but not in getNotifications`);
    return shown;
  }

  /** Whether a matching notification shows right now. */
  async isShowing(match: NotificationMatch): Promise<boolean> {
    return (await this.notifications()).some((n) => matchesNotification(n, match));
  }

  /** Taps a matching notification in the shade, which runs its click action. */
  tapNotification(match: NotificationMatch): Promise<void> {
    return this.act(`tap ${JSON.stringify(match.title)}`, async () => {
      await this.openShade();
      const title = this.driver.$(titleXPath(match));
      await title.waitForExist({ timeoutMsg: `${this.name}: no notification ${JSON.stringify(match)} to tap` });
      await title.click();
    });
  }

  /** The screen as a PNG (base64), as `mobile: screenshot` / WebDriver's screenshot gives it. */
  screenshot(): Promise<string> {
    return this.driver.takeScreenshot();
  }

  /**
   * The last `max` logcat lines for a report: what the test read since its mark, and whatever came
   * after (reading moves UiAutomator2's logcat cursor, so this is for the end of a test).
   */
  async logcatExcerpt(max = 60): Promise<string[]> {
    const entries = (await this.driver.getLogs('logcat')) as Array<{ message: string }>;
    const fresh = entries.map((e) => e.message);
    const lines = this.logWindow ? (this.logWindow.push(...fresh), this.logWindow) : fresh;
    return lines.slice(-max);
  }

  // ---- what the app received

  /**
   * Starts a fresh logcat window: `extras()` and `launchedActivity()` read only lines logged after
   * this call (UiAutomator2's logcat log type returns the entries since the previous read).
   */
  async markLogcat(): Promise<void> {
    await this.driver.getLogs('logcat');
    this.logWindow = [];
  }

  /** Every logcat message since `markLogcat()`. */
  async logcat(): Promise<string[]> {
    if (!this.logWindow) throw new Error(`${this.name}: call markLogcat() before the action whose log you read`);
    const entries = (await this.driver.getLogs('logcat')) as Array<{ message: string }>;
    this.logWindow.push(...entries.map((e) => e.message));
    return this.logWindow;
  }

  /** The extras the app logged since the mark (`key = K:value = V` under the app's tag). */
  async extras(): Promise<Record<string, string>> {
    return parseExtrasLog((await this.logcat()).filter((m) => m.includes(this.app.extrasLogTag)));
  }

  /**
   * The app activity the system started since the mark (ActivityTaskManager's `START u0 {... cmp=...}`),
   * fully qualified: what a notification tap launched, even if that activity moved on at once (a splash
   * screen forwarding to the main screen).
   */
  async launchedActivity(): Promise<string | undefined> {
    const log = await this.logcat();
    const ofApp = (pattern: RegExp) =>
      log
        .map((m) => m.match(pattern))
        .filter((m): m is RegExpMatchArray => m !== null && m[1] === this.app.packageName)
        .at(-1);
    // An implicit intent's START line may not name the component; then the first screen shown does.
    const found = ofApp(/START u0 \{.*?cmp=([\w.]+)\/([\w.$]+)/) ?? ofApp(/Displayed ([\w.]+)\/([\w.$]+)/);
    if (!found) return undefined;
    return found[2]!.startsWith('.') ? `${found[1]}${found[2]}` : found[2];
  }

  // ---- lab-only switches

  private controls(what: string): LabPhoneControls {
    if (!this.lab) throw new Error(`${this.name}: ${what} needs a phone in the lab (profile 'virtual')`);
    return this.lab;
  }

  /** Radio off: the push service and the IM SDK lose their links silently (no FIN). */
  setNetwork(on: boolean): Promise<void> {
    return this.act(`network ${on ? 'on' : 'off'}`, () => this.controls('switching the network').setNetwork(on));
  }

  setNotificationPermission(granted: boolean): Promise<void> {
    return this.act(`notification permission ${granted ? 'on' : 'off'}`, () => this.controls('the notification permission switch').setNotificationPermission(this.app.packageName, granted));
  }

  /** The regId the phone's push service holds for the app (what its onRegister got); undefined before it registered. */
  async regId(): Promise<string | undefined> {
    return (await this.controls('reading the regId').appInfo(this.app.packageName)).regId ?? undefined;
  }

  /** The phone's settings for [uncertain] behaviour, e.g. `{ offlineLogout: 'lost' }`; until the next reset. */
  updateSettings(patch: Partial<PhoneSettings>): Promise<PhoneSettings> {
    return this.controls('changing phone settings').updateSettings(patch);
  }
}
