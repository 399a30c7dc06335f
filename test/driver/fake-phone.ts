/**
 * Test double of PhoneApi (not product code): a login form, a shade with one notification whose tap
 * records the extras and logs them like the OPPO sample app, and a logcat buffer. Enough to check
 * that the HTTP API and the Appium driver carry every call and result faithfully.
 */
import { PNG } from 'pngjs';
import type { Gesture } from '../../harness/phone/input/touch.ts';
import type {
  AppSource,
  Orientation,
  AppState,
  DeviceInfo,
  LogcatEntry,
  PhoneApi,
  ShellResult,
  StartActivityOptions,
  StatusBarNotification,
  UiNode,
} from '../../harness/phone/api.ts';

export const APP = 'com.tencent.qcloud.tim.demo';
const SPLASH = `${APP}/com.tencent.qcloud.tim.demo.SplashActivity`;
const WIDTH = 1080;
const HEIGHT = 2400;

interface FakeNotification {
  key: string;
  title: string;
  text: string;
  extras: Record<string, string>;
}

type Screen = 'home' | 'login' | 'main' | 'detail';

function node(id: string, className: string, extra: Partial<UiNode> = {}): UiNode {
  return {
    id,
    className,
    resourceId: '',
    text: '',
    contentDesc: '',
    packageName: APP,
    bounds: [0, 0, WIDTH, HEIGHT],
    checkable: false,
    checked: false,
    clickable: false,
    enabled: true,
    focusable: false,
    focused: false,
    longClickable: false,
    password: false,
    scrollable: false,
    selected: false,
    displayed: true,
    children: [],
    ...extra,
  };
}

export class FakePhone implements PhoneApi {
  screen: Screen = 'home';
  appState: AppState = 1;
  shadeOpen = false;
  userIdText = '';
  loggedInAs: string | null = null;
  notifications: FakeNotification[] = [];
  openedWithExtras: Record<string, string> | null = null;
  readonly taps: string[] = [];
  readonly keys: number[] = [];
  readonly shellCommands: string[] = [];
  /** Called on every screen read, so a test can change the screen while the driver polls. */
  onUiTree: (() => void) | undefined;
  private readonly log: LogcatEntry[] = [];
  private time = Date.UTC(2026, 10, 22, 0, 0, 0);

  constructor(readonly serial: string) {}

  /** What the push service would do: put a notification in the shade. */
  postNotification(title: string, text: string, extras: Record<string, string>): void {
    this.notifications.unshift({ key: `0|${APP}|${this.notifications.length + 1}|null|10086`, title, text, extras });
    this.logcat_('I', 'PushService', `notification shown: ${title}`);
  }

  private logcat_(level: LogcatEntry['level'], tag: string, message: string): void {
    this.time += 5;
    const stamp = new Date(this.time).toISOString().slice(5, 23).replace('T', ' ');
    this.log.push({
      index: this.log.length,
      time: this.time,
      pid: 4242,
      tid: 4242,
      level,
      tag,
      message,
      line: `${stamp}  4242  4242 ${level} ${tag.padEnd(8)}: ${message}`,
    });
  }

  private launch(screen: Screen): void {
    this.appState = 4;
    this.shadeOpen = false;
    this.screen = screen;
    this.logcat_('I', 'ActivityManager', `START u0 {cmp=${SPLASH}}`);
  }

  async deviceInfo(): Promise<DeviceInfo> {
    return {
      androidId: 'a1b2c3d4e5f60718',
      manufacturer: 'OPPO',
      model: 'CPH2581',
      brand: 'OPPO',
      apiVersion: '34',
      platformVersion: '14',
      carrierName: '',
      realDisplaySize: `${WIDTH}x${HEIGHT}`,
      displayDensity: 480,
      networks: [],
      locale: 'en_US',
      timeZone: 'Asia/Shanghai',
      bluetooth: { state: 'OFF' },
    };
  }

  async uiTree(): Promise<UiNode> {
    this.onUiTree?.();
    if (this.shadeOpen) {
      return node('shade', 'android.widget.FrameLayout', {
        packageName: 'com.android.systemui',
        resourceId: 'com.android.systemui:id/notification_panel',
        children: this.notifications.map((n, i) =>
          node(`shade/${n.key}`, 'android.widget.FrameLayout', {
            packageName: 'com.android.systemui',
            resourceId: 'com.android.systemui:id/expandableNotificationRow',
            clickable: true,
            bounds: [0, 200 + i * 200, WIDTH, 400 + i * 200],
            children: [
              node(`shade/${n.key}/title`, 'android.widget.TextView', {
                packageName: 'com.android.systemui',
                resourceId: 'android:id/title',
                text: n.title,
                bounds: [40, 220 + i * 200, 1040, 280 + i * 200],
              }),
              node(`shade/${n.key}/text`, 'android.widget.TextView', {
                packageName: 'com.android.systemui',
                resourceId: 'android:id/text',
                text: n.text,
                bounds: [40, 300 + i * 200, 1040, 360 + i * 200],
              }),
            ],
          }),
        ),
      });
    }
    if (this.appState !== 4 || this.screen === 'home') {
      return node('launcher', 'android.widget.FrameLayout', {
        packageName: 'com.android.launcher',
        children: [node('launcher/app', 'android.widget.TextView', { packageName: 'com.android.launcher', text: 'IM Demo', contentDesc: 'IM Demo', clickable: true })],
      });
    }
    const children: UiNode[] =
      this.screen === 'login'
        ? [
            node('app/login/user', 'android.widget.EditText', {
              resourceId: `${APP}:id/user_id`,
              text: this.userIdText,
              clickable: true,
              focusable: true,
              bounds: [60, 600, 1020, 720],
            }),
            node('app/login/button', 'android.widget.Button', {
              resourceId: `${APP}:id/login_btn`,
              text: 'Log in',
              contentDesc: 'login',
              clickable: true,
              bounds: [60, 800, 1020, 920],
            }),
            node('app/login/remember', 'android.widget.CheckBox', { resourceId: `${APP}:id/remember`, text: 'Remember me', checkable: true, checked: true, bounds: [60, 960, 600, 1040] }),
          ]
        : this.screen === 'main'
          ? [node('app/main/title', 'android.widget.TextView', { resourceId: `${APP}:id/title`, text: `Conversations of ${this.loggedInAs}` })]
          : [node('app/detail/extras', 'android.widget.TextView', { resourceId: `${APP}:id/extras`, text: JSON.stringify(this.openedWithExtras) })];
    return node('app', 'android.widget.FrameLayout', { children: [node('app/content', 'android.widget.LinearLayout', { resourceId: 'android:id/content', children })] });
  }

  async tap(nodeId: string): Promise<void> {
    this.taps.push(nodeId);
    if (nodeId === 'app/login/button' && this.userIdText) {
      this.loggedInAs = this.userIdText;
      this.screen = 'main';
      return;
    }
    const tapped = this.notifications.find((n) => nodeId.startsWith(`shade/${n.key}`));
    if (tapped) {
      this.notifications = this.notifications.filter((n) => n !== tapped);
      this.openedWithExtras = tapped.extras;
      this.launch('detail');
      for (const [k, v] of Object.entries(tapped.extras)) this.logcat_('I', 'oppo push custom data', `key = ${k}:value = ${v}`);
    }
  }

  async setText(nodeId: string, text: string): Promise<void> {
    if (nodeId !== 'app/login/user') throw new Error(`node ${nodeId} is not editable`);
    this.userIdText = text;
  }

  async pressKey(keycode: number): Promise<void> {
    this.keys.push(keycode);
    if (keycode === 3) {
      this.shadeOpen = false;
      if (this.appState === 4) this.appState = 3;
      this.screen = 'home';
    } else if (keycode === 4 && this.shadeOpen) this.shadeOpen = false;
  }

  async openNotifications(): Promise<void> {
    this.shadeOpen = true;
  }
  async collapseNotifications(): Promise<void> {
    this.shadeOpen = false;
  }

  async getNotifications(): Promise<{ statusBarNotifications: StatusBarNotification[] }> {
    return {
      statusBarNotifications: this.notifications.map((n, i) => ({
        isGroup: false,
        packageName: APP,
        isClearable: true,
        isOngoing: false,
        id: i + 1,
        tag: null,
        notification: { title: n.title, bigTitle: null, text: n.text, bigText: null, tickerText: null, subText: null, infoText: null, template: 'android.app.Notification$BigTextStyle' },
        userHandle: 0,
        groupKey: n.key,
        overrideGroupKey: null,
        postTime: this.time,
        key: n.key,
        isRemoved: false,
      })),
    };
  }

  async queryAppState(packageName: string): Promise<AppState> {
    return packageName === APP ? this.appState : 0;
  }

  async activateApp(packageName: string): Promise<void> {
    if (packageName !== APP) throw new Error(`package ${packageName} is not installed`);
    this.launch(this.loggedInAs ? 'main' : 'login');
  }

  async terminateApp(packageName: string): Promise<boolean> {
    if (packageName !== APP || this.appState === 1) return false;
    this.appState = 1;
    this.screen = 'home';
    return true;
  }

  async backgroundApp(seconds: number): Promise<void> {
    await this.pressKey(3);
    if (seconds >= 0) this.launch(this.loggedInAs ? 'main' : 'login');
  }

  async startActivity(options: StartActivityOptions): Promise<string> {
    if (options.component !== SPLASH && options.component !== `${APP}/.SplashActivity`) {
      return `Error: Activity class {${options.component}} does not exist.\n`;
    }
    this.launch(this.loggedInAs ? 'main' : 'login');
    return `Starting: Intent { cmp=${options.component} }\nStatus: ok\nLaunchState: COLD\nActivity: ${options.component}\nComplete\n`;
  }

  async currentActivity(): Promise<string | null> {
    return this.appState === 4 ? '.SplashActivity' : '.Launcher';
  }
  async currentPackage(): Promise<string | null> {
    return this.appState === 4 ? APP : 'com.android.launcher';
  }
  /** The one app the fake knows, as installed or not (removeApp / installApp). */
  installed = true;
  async isAppInstalled(packageName: string): Promise<boolean> {
    return this.installed && packageName === APP;
  }
  /** What installApp was given (a profile id, or the profile object the driver read from a JSON file). */
  installs: AppSource[] = [];
  async installApp(app: AppSource): Promise<void> {
    const id = typeof app === 'string' ? app : app.id;
    if (id !== 'tim-demo') throw new Error(`the fake phone knows only 'tim-demo', not ${JSON.stringify(app)}`);
    this.installs.push(app);
    this.installed = true;
  }
  async removeApp(packageName: string): Promise<boolean> {
    const was = this.installed && packageName === APP;
    if (was) this.installed = false;
    return was;
  }

  async shell(command: string): Promise<ShellResult> {
    this.shellCommands.push(command);
    if (command.startsWith('getprop ro.product.brand')) return { stdout: 'OPPO\n', stderr: '', exitCode: 0 };
    if (command.startsWith('cmd statusbar ')) return { stdout: '', stderr: '', exitCode: 0 };
    const name = command.split(' ')[0];
    return { stdout: '', stderr: `/system/bin/sh: ${name}: inaccessible or not found\n`, exitCode: 127 };
  }

  async logcat(sinceIndex = 0): Promise<LogcatEntry[]> {
    return this.log.filter((e) => e.index >= sinceIndex);
  }

  async screenshot(): Promise<string> {
    const png = new PNG({ width: 4, height: 8 });
    png.data.fill(0xff);
    return PNG.sync.write(png).toString('base64');
  }

  async screenSvg(): Promise<string> {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}"/>`;
  }

  /** Gestures the driver sent, for assertions. */
  readonly gestures: Gesture[] = [];
  orientationNow: Orientation = 'PORTRAIT';

  async windowSize(): Promise<{ width: number; height: number }> {
    return this.orientationNow === 'PORTRAIT' ? { width: WIDTH, height: HEIGHT } : { width: HEIGHT, height: WIDTH };
  }

  async touch(gesture: Gesture): Promise<void> {
    this.gestures.push(gesture);
  }

  async orientation(): Promise<Orientation> {
    return this.orientationNow;
  }

  async setOrientation(orientation: Orientation): Promise<void> {
    this.orientationNow = orientation;
  }
}
