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
import type { AgentDelivery } from '../device/delivery-agent.ts';
import { parseAgentTag } from '../device/delivery-agent.ts';
import type { AppEvent, ModelledAppState } from '../device/modelled-app.ts';
import { SHELL_PACKAGE } from '../phone/system.ts';
import { SHELL_ENV } from './profiles.ts';

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

/**
 * A phone outside the lab (emulator, USB or STF phone) on the `emulator`/`device` profiles: pushes
 * reach it through the adb delivery agent, and the lab holds its app's IM session, which this page
 * object tells what it did to the app (see harness/device/modelled-app.ts).
 */
export interface ModelledDevice {
  event(event: AppEvent, userId?: string): Promise<ModelledAppState>;
  state(): Promise<ModelledAppState>;
  /** What the agent posted on the device for the app, oldest first. */
  deliveries(): Promise<AgentDelivery[]>;
}

/** The shade's "Clear all" on stock Android (dismiss_text from Android 10, clear_all before) and the lab's phones. [uncertain] on ColorOS. */
const CLEAR_ALL_XPATH = "//*[@resource-id='com.android.systemui:id/dismiss_text' or @resource-id='com.android.systemui:id/clear_all' or @text='Clear all']";
const IN_FRONT = 4;

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
   * Present when the adb delivery agent posted it (emulator, device profiles): then `packageName` is
   * `com.android.shell`, `id` 2020 and `channel` the shell's `shell_cmd`; `channel` here is the one the
   * push named, which the matchers check instead (harness/device/delivery-agent.ts, fidelity limits).
   */
  delivery?: { by: 'adb-agent'; channel?: string };
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

/** A call that needs `mobile: shell` on a run with `E2E_SHELL=off` (a farm that forbids it). */
export class ShellForbiddenError extends Error {
  constructor(phone: string, command: string, what?: string) {
    super(`${phone}: ${what ? `${what} needs` : 'needs'} mobile: shell (${command}), which is off (${SHELL_ENV}=off: only Appium commands reach the phone)`);
    this.name = 'ShellForbiddenError';
  }
}

/**
 * Skips the running test, with a printed line saying why, when `phone` may not use `mobile: shell`
 * (`E2E_SHELL=off`) and the test needs it for `what`.
 */
export function skipWithoutShell(test: { skip(): void; test?: { fullTitle(): string } | undefined }, phone: Phone, what: string): void {
  if (phone.shellAllowed) return;
  console.log(`# skipped: ${test.test?.fullTitle() ?? 'a test'}: ${what} needs mobile: shell (${SHELL_ENV}=off)`);
  test.skip();
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
  /** Removed entries (`key@postTime`) the listener had seen at the last reset: not this scenario's. */
  private readonly beforeReset = new Set<string>();

  constructor(
    readonly name: string,
    readonly driver: WebdriverIO.Browser,
    readonly app: AppPage,
    /** The adb serial (the lab's serial for a virtual phone). */
    readonly serial: string,
    private readonly lab?: LabPhoneControls,
    /** Where the matchers read this phone's push traces (the scenario's observers). */
    readonly observers?: Observers,
    /** A phone outside the lab: the agent delivers, the lab models the app's IM session. */
    private readonly modelled?: ModelledDevice,
    /** Whether `mobile: shell` may be used (`E2E_SHELL`, profiles.ts): off, only Appium commands reach the phone. */
    readonly shellAllowed = true,
  ) {}

  /** Tells the lab's model of the app what was just done to it (no-op unless the phone is outside the lab). */
  private async tell(event: AppEvent, userId?: string): Promise<void> {
    await this.modelled?.event(event, userId);
  }

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
    await this.tell('stopped');
    await this.app.logoutIfLoggedIn(this.driver);
    await this.tell('foreground');
    await this.tell('logout');
    await this.driver.terminateApp(this.app.packageName);
    await this.tell('stopped');
    // The agent's posts belong to the shell: a force-stop of the app leaves them, so clear the shade as a user would.
    if (this.modelled && (await this.notifications()).length > 0) await this.clearShade();
    this.beforeReset.clear();
    for (const n of (await this.statusBar()).filter((n) => n.isRemoved)) this.beforeReset.add(`${n.key}@${n.postTime}`);
  }

  /** Opens the shade, taps "Clear all", and leaves it closed. */
  async clearShade(): Promise<void> {
    await this.openShade();
    const clearAll = this.driver.$(CLEAR_ALL_XPATH);
    if (await clearAll.isExisting()) await clearAll.click();
    else await this.closeShade();
  }

  /** Drops what this page object remembers of the phone (the logcat window), after the phone was reset under it. */
  forgetSession(): void {
    this.logWindow = undefined;
  }

  launch(): Promise<void> {
    return this.act('launch the app', async () => {
      await this.driver.activateApp(this.app.packageName);
      await this.tell('foreground');
    });
  }

  login(userId: string): Promise<void> {
    return this.act(`log in as ${userId}`, async () => {
      await this.app.login(this.driver, userId);
      await this.tell('login', userId);
    });
  }

  logout(): Promise<void> {
    return this.act('log out', async () => {
      await this.app.logout(this.driver);
      await this.tell('logout');
    });
  }

  /** HOME: the app stays alive in the background (the IM SDK calls `doBackground`). */
  background(): Promise<void> {
    return this.act('send the app to the background', async () => {
      await this.driver.execute('mobile: backgroundApp', { seconds: -1 });
      await this.tell('background');
    });
  }

  foreground(): Promise<void> {
    return this.act('bring the app to the foreground', async () => {
      await this.driver.activateApp(this.app.packageName);
      await this.tell('foreground');
    });
  }

  /**
   * Waits until the app got `text` as an online message. On a lab or virtual phone the app's
   * conversation list shows it; outside the lab the app's real SDK talks to Tencent, so the lab's
   * model of its session is where the online message arrives.
   */
  async waitForOnlineMessage(text: string): Promise<void> {
    if (!this.modelled) return this.app.waitForOnlineMessage(this.driver, text);
    const modelled = this.modelled;
    await this.driver.waitUntil(async () => (await modelled.state()).received.some((m) => m.text === text), {
      interval: 100,
      timeoutMsg: `${this.name}: the lab's model of ${this.app.packageName}'s IM session got no online message ${JSON.stringify(text)}`,
    });
  }

  /**
   * Kills the app without logging out. `force-stop` is `am force-stop`; `process-death` sends the app
   * to the background first and has the OS reclaim it (`am kill` only kills background processes).
   */
  kill(mode: KillMode = 'force-stop'): Promise<void> {
    return this.act(`kill the app (${mode})`, async () => {
      if (mode === 'force-stop') {
        await this.driver.terminateApp(this.app.packageName);
        await this.tell('stopped');
        return;
      }
      await this.background();
      await this.shell(`am kill ${this.app.packageName}`);
      await this.driver.waitUntil(async () => (await this.appState()) === 1, { timeoutMsg: `${this.app.packageName} still runs after am kill` });
      await this.tell('stopped');
    });
  }

  /** Uninstalls the app (WebdriverIO `removeApp`): its regId dies at OPPO, its notifications go. */
  async uninstall(): Promise<void> {
    if (!(await this.driver.removeApp(this.app.packageName))) throw new Error(`${this.name}: ${this.app.packageName} is not installed`);
    await this.tell('uninstalled');
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

  /**
   * `mobile: shell` (needs the `adb_shell` insecure feature, like UiAutomator2). With `E2E_SHELL=off`
   * it is never sent: {@link ShellForbiddenError}, naming what needed it.
   */
  async shell(command: string): Promise<string> {
    if (!this.shellAllowed) throw new ShellForbiddenError(this.name, command);
    const [cmd, ...args] = command.split(/\s+/);
    try {
      return String(await this.driver.execute('mobile: shell', { command: cmd, args }));
    } catch (error) {
      // Appium's refusal names the feature; say which setting fits such an Appium (a farm's).
      if (/adb_shell/.test((error as Error).message)) throw new Error(`${this.name}: this Appium forbids mobile: shell (${command}): run with ${SHELL_ENV}=off, under which the page objects use only Appium commands\n${(error as Error).message}`);
      throw error;
    }
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
    const all = await this.statusBar();
    // Outside the lab the channel is the agent's record of the push; dumpsys adds only the shell's own.
    if (withChannel && !this.shellAllowed && !this.modelled) throw new ShellForbiddenError(this.name, 'dumpsys notification --noredact', 'the channel of a notification');
    const records = withChannel && this.shellAllowed ? await this.records() : [];
    const history = removed && this.lab ? await this.lab.removedNotifications() : [];
    const posts = withChannel && this.modelled ? await this.modelled.deliveries() : [];
    return all
      .filter((n) => this.isAppNotification(n) && (removed ? !this.beforeReset.has(`${n.key}@${n.postTime}`) : !n.isRemoved))
      .map((n) => {
        const agent = n.packageName === SHELL_PACKAGE ? parseAgentTag(n.tag) : undefined;
        const shown: ShownNotification = {
          key: n.key,
          packageName: n.packageName,
          id: n.id,
          notifyId: agent?.notifyId ?? n.id,
          title: n.notification.title ?? '',
          postTime: n.postTime,
        };
        if (agent) {
          const channel = posts.findLast((p) => p.key === n.key)?.channelId;
          shown.delivery = { by: 'adb-agent', ...(channel !== undefined ? { channel } : {}) };
        }
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

  /** The app's records in `dumpsys notification` (the only place that shows the channel); on the agent path the shell's posts for the app. */
  async records(): Promise<NotificationRecord[]> {
    return parseNotificationDump(await this.shell('dumpsys notification --noredact')).filter((r) => this.isAppNotification({ packageName: r.packageName, tag: r.key.split('|')[3] ?? null }));
  }

  /** Everything the notification listener saw (`mobile: getNotifications`), newest first. */
  private async statusBar(): Promise<StatusBarNotification[]> {
    return ((await this.driver.execute('mobile: getNotifications')) as { statusBarNotifications: StatusBarNotification[] }).statusBarNotifications;
  }

  /** The app's own notification, or — outside the lab — the delivery agent's post for the app. */
  private isAppNotification(n: { packageName: string; tag: string | null }): boolean {
    if (n.packageName === this.app.packageName) return true;
    return this.modelled !== undefined && n.packageName === SHELL_PACKAGE && parseAgentTag(n.tag)?.packageName === this.app.packageName;
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
      // A tap that opened the app started it (the demo then logs in again by itself); a URL opens the browser instead.
      if (this.modelled && (await this.appState()) === IN_FRONT) await this.tell('foreground');
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

  /**
   * The regId the phone's push service holds for the app (what its onRegister got); outside the lab,
   * the regId of the delivery agent's binding the lab's model reported. Undefined before either.
   */
  async regId(): Promise<string | undefined> {
    if (this.modelled) return (await this.modelled.state()).regId ?? undefined;
    return (await this.controls('reading the regId').appInfo(this.app.packageName)).regId ?? undefined;
  }

  /** The phone's settings for [uncertain] behaviour, e.g. `{ offlineLogout: 'lost' }`; until the next reset. */
  updateSettings(patch: Partial<PhoneSettings>): Promise<PhoneSettings> {
    return this.controls('changing phone settings').updateSettings(patch);
  }
}
