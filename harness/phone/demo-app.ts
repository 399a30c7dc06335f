/**
 * The app under test, modelled on the Tencent IM demo: what its activities do (by role), what its
 * Application.onCreate sets up (channels, permission prompt, OPPO register, IM SDK), and how it
 * reacts to the IM server (messages, kicks). One instance per running process; what survives a
 * process (saved login, cached regId, received extras) lives in `InstalledApp`.
 */
import type { LinkMessage } from '../im/client-link/protocol.ts';
import { ImSdk, TAG as IM_TAG } from './im-sdk.ts';
import { emptyIntent, queryParams, type Intent } from './intent.ts';
import type { Level } from './logcat.ts';
import type { NotificationManager } from './notifications.ts';
import type { ActivityInfo, AppProfile } from './profiles.ts';
import type { HeytapPushService } from './push-service.ts';
import type { ImSdkHost } from './im-sdk.ts';

/** The tag and line format of the OPPO docs' sample code for reading the click's extras. */
export const EXTRAS_TAG = 'oppo push custom data';
export const extrasLine = (key: string, value: string): string => `key = ${key}:value = ${value}`;

export interface ReceivedExtras {
  time: number;
  activity: string;
  extras: Record<string, string>;
  /** The data URI when opened by scheme (the demo then reads its query parameters). */
  data?: string;
}

/** Per-package state that outlives processes. */
export interface InstalledApp {
  profile: AppProfile;
  uid: number;
  /** Android's package "stopped" state: set at install and by force-stop, cleared by a launch. */
  stopped: boolean;
  launchedOnce: boolean;
  /** The demo's auto-login: the last logged in user until logout or kick. */
  savedUserId?: string;
  receivedExtras: ReceivedExtras[];
  process?: DemoApp;
}

export interface ActivityRecord {
  activity: ActivityInfo;
  intent: Intent;
}

export interface Conversation {
  peer: string;
  messages: LinkMessage[];
  unread: number;
}

export interface AppHost {
  readonly sdk: number;
  readonly notifications: NotificationManager;
  readonly push: HeytapPushService;
  now(): number;
  log(pid: number, level: Level, tag: string, message: string): void;
  imHost(app: DemoApp): Omit<ImSdkHost, 'log' | 'onMessage' | 'onKicked'>;
  /** Background work the phone's `idle()` waits for. */
  track(work: Promise<unknown>): void;
}

export class DemoApp {
  readonly stack: ActivityRecord[] = [];
  readonly im: ImSdk;
  readonly conversations = new Map<string, Conversation>();
  /** EditText content of the login screen. */
  loginInput = '';
  /** The login screen's status line (errors, kick notice). */
  status = '';
  visible = false;
  regId: string | undefined;
  private alive = true;

  constructor(
    readonly installed: InstalledApp,
    readonly pid: number,
    private readonly host: AppHost,
  ) {
    // Methods, not arrows: under tsx an arrow in an object property costs a property array (256 bytes) per app.
    const app = this;
    this.im = new ImSdk({
      ...host.imHost(this),
      log(level, message) {
        app.log(level, IM_TAG, message);
      },
      onMessage(m) {
        app.received(m);
      },
      onKicked(reason) {
        app.kicked(reason);
      },
    });
  }

  get profile(): AppProfile {
    return this.installed.profile;
  }

  get top(): ActivityRecord | undefined {
    return this.stack.at(-1);
  }

  get loggedIn(): boolean {
    return this.im.user !== undefined;
  }

  log(level: Level, tag: string, message: string): void {
    this.host.log(this.pid, level, tag, message);
  }

  /** Application.onCreate. */
  async start(): Promise<void> {
    const { profile, installed } = this;
    if (profile.behaviour.createsChannels && this.host.sdk >= 26) {
      for (const channel of profile.channels) this.host.notifications.createChannel(profile.packageName, channel);
    }
    if (!installed.launchedOnce && profile.behaviour.requestsNotificationPermission) {
      // The permission dialog of the first start; the virtual user always allows.
      this.host.notifications.setNotificationsEnabled(profile.packageName, true);
      this.log('I', 'DemoApplication', 'notification permission granted');
    }
    installed.launchedOnce = true;
    installed.stopped = false;
    await this.im.connect();
    if (profile.behaviour.registersPush) {
      await this.host.push.register(profile, (code, regId) => this.track(this.onRegister(code, regId)));
    }
    if (installed.savedUserId) await this.login(installed.savedUserId);
  }

  /** Starts (or brings) an activity of this app for an intent. */
  async open(activity: ActivityInfo, intent: Intent, fromNotification: boolean): Promise<void> {
    if (fromNotification) this.logExtras(activity, intent);
    switch (activity.role) {
      case 'splash':
        return this.splash(intent, fromNotification);
      case 'main':
        return this.show(this.loggedIn ? activity : this.byRole('login'), intent);
      default:
        return this.show(activity, intent);
    }
  }

  async tapLogin(): Promise<void> {
    const userId = this.loginInput.trim();
    if (!userId) {
      this.status = 'Please input UserID';
      return;
    }
    if (await this.login(userId)) this.replaceStack(this.byRole('main'));
  }

  async tapLogout(): Promise<void> {
    await this.logout();
    this.replaceStack(this.byRole('login'));
  }

  /** Visibility changes drive doBackground/doForeground, as TUIKit's lifecycle observer does. */
  async setVisible(visible: boolean): Promise<void> {
    if (this.visible === visible) return;
    this.visible = visible;
    if (visible) for (const c of this.conversations.values()) c.unread = 0;
    if (!this.loggedIn || !this.profile.behaviour.callsDoBackground) return;
    if (visible) await this.im.doForeground();
    else await this.im.doBackground(this.unread());
  }

  /** The process dies (force-stop, swipe, low memory): no logout, the socket just closes. */
  async terminate(): Promise<void> {
    this.alive = false;
    this.visible = false;
    this.stack.length = 0;
    await this.im.terminate();
  }

  /** BACK on the app: pops an activity; on the root the task moves to the back (process stays). */
  back(): boolean {
    this.stack.pop();
    return this.stack.length > 0;
  }

  private async splash(intent: Intent, fromNotification: boolean): Promise<void> {
    const link = intent.data ? /^[\w+.-]+:\/\/([^/?#]*)/.exec(intent.data) : null;
    if (link?.[1] === 'login') {
      const userId = queryParams(intent.data).userId ?? queryParams(intent.data).userid;
      if (userId) {
        this.loginInput = userId;
        await this.login(userId);
      }
    } else if (link?.[1] === 'logout') {
      await this.logout();
    }
    if (!this.loggedIn) return this.replaceStack(this.byRole('login'));
    const hasExtras = Object.keys(intent.extras).length > 0;
    return this.replaceStack(fromNotification && hasExtras ? this.byRole('push') : this.byRole('main'), intent);
  }

  private async login(userId: string): Promise<boolean> {
    const result = await this.im.login(userId);
    if (!this.alive) return false;
    if (result.code !== 0) {
      this.status = `login failed, code: ${result.code}, desc: ${result.message}`;
      return false;
    }
    this.status = '';
    this.installed.savedUserId = userId;
    if (this.profile.behaviour.tokenReport === 'after_login' && this.regId) await this.reportToken(this.regId);
    return true;
  }

  private async logout(): Promise<void> {
    this.installed.savedUserId = undefined;
    this.conversations.clear();
    await this.im.logout();
  }

  private async onRegister(code: number, regId: string | undefined): Promise<void> {
    this.log(code === 0 ? 'I' : 'E', 'PushCallback', `onRegister responseCode=${code} registerID=${regId ?? 'null'}`);
    if (code !== 0 || !regId || !this.alive) return;
    this.regId = regId;
    const when = this.profile.behaviour.tokenReport;
    if (when === 'before_login' || this.loggedIn) await this.reportToken(regId);
  }

  private async reportToken(regId: string): Promise<void> {
    const businessId = this.profile.behaviour.reportedCertificateId ?? this.profile.im.certificateId;
    await this.im.setOfflinePushConfig(businessId, regId);
  }

  private received(message: LinkMessage): void {
    let c = this.conversations.get(message.from);
    if (!c) this.conversations.set(message.from, (c = { peer: message.from, messages: [], unread: 0 }));
    c.messages.push(message);
    if (!this.visible) c.unread++;
    this.log('I', IM_TAG, `onRecvNewMessage msgKey=${message.msgKey} from=${message.from}`);
  }

  private kicked(reason: string): void {
    this.installed.savedUserId = undefined;
    this.conversations.clear();
    this.status = `You were logged out: your account logged in on another device (${reason}). Please log in again.`;
    this.replaceStack(this.byRole('login'));
  }

  private logExtras(activity: ActivityInfo, intent: Intent): void {
    // Opened by scheme the bundle is empty and the demo reads the URI's query parameters instead.
    const extras = Object.keys(intent.extras).length > 0 ? intent.extras : queryParams(intent.data);
    this.installed.receivedExtras.push({ time: this.host.now(), activity: activity.name, extras: { ...extras }, ...(intent.data ? { data: intent.data } : {}) });
    for (const [k, v] of Object.entries(extras)) this.log('D', EXTRAS_TAG, extrasLine(k, v));
  }

  private show(activity: ActivityInfo, intent: Intent = emptyIntent()): void {
    if (this.top?.activity === activity) this.stack.pop();
    this.stack.push({ activity, intent });
  }

  private replaceStack(activity: ActivityInfo, intent?: Intent): void {
    this.stack.length = 0;
    this.show(activity, intent);
  }

  private byRole(role: ActivityInfo['role']): ActivityInfo {
    return this.profile.activities.find((a) => a.role === role)!;
  }

  private unread(): number {
    return [...this.conversations.values()].reduce((n, c) => n + c.unread, 0);
  }

  private track(work: Promise<void>): void {
    this.host.track(work);
  }

  /** What the push landing screen shows: the extras the current activity got (or its URI's query). */
  shownExtras(): Record<string, string> {
    const intent = this.top?.intent;
    if (!intent) return {};
    return Object.keys(intent.extras).length > 0 ? intent.extras : queryParams(intent.data);
  }
}
