/**
 * A virtual ColorOS phone in the lab process: identity from a device profile, installed apps from
 * app profiles, the HeyTap push service on its device link, each running app's IM SDK on its client
 * link, the notification shade, logcat and a shell. Implements `PhoneApi` for tools and offers a
 * wider API (network, permission, kill modes, install) to the lab and specs.
 */
import { createHash } from 'node:crypto';
import { MAX_EPOCH_MS, type Clock, type TimerHandle } from '../../mock-oppo/core/clock.ts';
import type {
  AppSource,
  AppState,
  DeviceInfo,
  Orientation,
  LogcatEntry,
  PhoneApi,
  ShellResult,
  StartActivityOptions,
  StatusBarNotification,
  UiNode,
} from './api.ts';
import { DemoApp, type InstalledApp } from './demo-app.ts';
import { InvalidArgumentError, NotEditableError, PackageNotInstalledError, StaleNodeError } from './errors.ts';
import {
  ACTION_MAIN,
  ACTION_VIEW,
  CATEGORY_LAUNCHER,
  describeIntent,
  emptyIntent,
  FLAG_ACTIVITY_NEW_TASK,
  FLAG_ACTIVITY_RESET_TASK_IF_NEEDED,
  qualifyComponent,
  resolveActivity,
  shortComponent,
  type Intent,
} from './intent.ts';
import { Logcat, type Level } from './logcat.ts';
import { NotificationManager, type ShadeEntry } from './notifications.ts';
import { DevicePorts } from './ports.ts';
import { addAppiumSettingsBehaviour } from './uia2/settings-app.ts';
import { DeviceFiles } from './files.ts';
import { ApkPackages, RUNTIME_PERMISSIONS, type ApkPackage, type InstallOptions } from './packages.ts';
import { SystemSettings } from './system-settings.ts';
import { appProfileForInstall, colorOsVersion, deviceSdk, launcherActivity, loadAppProfile, type AppProfile, type DeviceProfile } from './profiles.ts';
import { HeytapPushService } from './push-service.ts';
import { BROWSER, BROWSER_ACTIVITY, LAUNCHER, LAUNCHER_ACTIVITY, PID, SHELL_CHANNEL, SHELL_NOTIFICATION_ID, SHELL_PACKAGE, SHELL_UID, shellNotificationKey, SYSTEM_PACKAGES, SYSTEMUI } from './system.ts';
import { resolveSettings, type PhoneSettings } from './settings.ts';
import type { ImTransport, PushTransport, UserSigSigner } from './transports.ts';
import type { Gesture, Point } from './input/touch.ts';
import { nodeAt, renderWindow, type Rendered, type SwipeDirection, type ViewSpec } from './ui/nodes.ts';
import { appScreen, browserScreen, launcherScreen, shadeScreen } from './ui/screens.ts';
import { shellQuote } from './shell/parse.ts';
import { runLine } from './shell/run.ts';
import { readAll, ShellSession } from './shell/session.ts';
import { renderScreenshot, screenSvg, type ScreenPicture } from './screenshot.ts';

export interface VirtualPhoneOptions {
  serial: string;
  clock: Clock;
  device: DeviceProfile;
  apps: AppProfile[];
  settings: PhoneSettings;
  pushTransport: PushTransport;
  imTransport: ImTransport;
  signUserSig: UserSigSigner;
  /** [lab-only] What the lab hears besides the links (see LabObserver). */
  observer?: LabObserver;
}

/**
 * [lab-only] What a phone tells the lab directly, not over its links: facts no real server learns but
 * the lab's traces should show (a logout that never reached the IM server).
 */
export interface LabObserver {
  logoutNotDelivered(deviceId: string, userId: string): void;
}

/** What is in front: the launcher, an app's task, or the browser a URL click opened. */
export type Front = { kind: 'launcher' } | { kind: 'app'; packageName: string } | { kind: 'browser'; url: string };

/** How an app dies: `am force-stop` (user in settings, or the test tool) vs the OS reclaiming a background process. */
export type KillMode = 'force-stop' | 'process-death';

/** The package manager's record of one package, whichever way it came (app profile, APK, system image). */
export interface PackageView {
  packageName: string;
  versionCode: number;
  versionName: string;
  minSdk: number;
  targetSdk: number;
  uid: number;
  codePath: string;
  system: boolean;
  stopped: boolean;
  notLaunched: boolean;
  firstInstallTime: number;
  lastUpdateTime: number;
  activities: Array<{ name: string; launcher: boolean }>;
  requestedPermissions: string[];
  grantedPermissions: string[];
}

export interface StartOutcome {
  /** Lines am prints before `Status:` (warnings) or instead of it (errors). */
  messages: string[];
  ok: boolean;
  component?: string;
  launchState?: 'COLD' | 'WARM' | 'HOT';
  /** Virtual milliseconds the launch "took" (TotalTime/WaitTime of am start -W). */
  totalTime?: number;
}

/**
 * The shade's clock, `HH:MM`, one formatter per time zone shared by every phone: a formatter costs
 * ~50 µs and some KiB to make, and the shade renders on every poll.
 */
const shadeClocks = new Map<string, Intl.DateTimeFormat>();

function shadeClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = shadeClocks.get(timeZone);
  if (!format) shadeClocks.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  return format;
}

/** ActivityManager's cold and warm launch times, fixed so output is deterministic. */
const COLD_MS = 412;
const WARM_MS = 118;

export class VirtualPhone implements PhoneApi {
  readonly serial: string;
  readonly device: DeviceProfile;
  readonly settings: PhoneSettings;
  readonly clock: Clock;
  readonly logcatBuffer: Logcat;
  readonly notifications: NotificationManager;
  readonly push: HeytapPushService;
  /** TCP ports programs on the phone listen on (reached through adb forward / adb's tcp: service). */
  readonly ports = new DevicePorts();
  /** What `adb push`/`pull` and the shell's file commands see. */
  readonly files: DeviceFiles;
  /** Packages installed from APK files (tools such as io.appium.settings and the UiAutomator2 server), their processes and services. */
  readonly apkPackages: ApkPackages;
  /** The settings provider and app ops (`settings`, `appops`, `cmd notification allow_listener`). */
  readonly systemSettings: SystemSettings;
  private shade = false;
  private online = true;
  private orientationNow: Orientation = 'PORTRAIT';
  private readonly installed = new Map<string, InstalledApp>();
  private frontNow: Front = { kind: 'launcher' };
  private readonly pending = new Set<Promise<unknown>>();
  private readonly timers = new Set<TimerHandle>();
  /** The settings the phone booted with, restored by reset() after updateSettings(). */
  private readonly bootSettings: PhoneSettings;
  /** Shade rows the user expanded (by notification key). */
  private readonly expanded = new Set<string>();
  private nextPid = 3100;
  /** When the phone booted (install time of what it came with). */
  private readonly bootTime: number;
  private nextUid = 10231;

  private constructor(private readonly options: VirtualPhoneOptions) {
    this.serial = options.serial;
    this.device = options.device;
    this.settings = options.settings;
    this.bootSettings = { ...options.settings };
    this.clock = options.clock;
    this.logcatBuffer = new Logcat(options.clock, options.settings.logcatCapacity, this.timeZone);
    this.notifications = new NotificationManager(options.clock);
    this.files = new DeviceFiles(options.clock);
    this.bootTime = options.clock.now();
    // Methods, not arrows: under tsx (esbuild keepNames) an arrow put in an object property is
    // renamed at run time, which gives it a property array — 256 bytes a closure, per phone.
    const phone = this;
    this.apkPackages = new ApkPackages({
      sdk: this.sdk,
      now() {
        return phone.clock.now();
      },
      nextUid() {
        return phone.nextUid++;
      },
      nextPid() {
        return phone.nextPid++;
      },
      apkDir(pkg) {
        return phone.apkDir(pkg);
      },
      log(level, tag, message) {
        phone.log(PID.system, level, tag, message);
      },
    });
    this.systemSettings = new SystemSettings(createHash('sha256').update(this.serial).digest('hex').slice(0, 16));
    // What the test tooling's packages do once installed from their APKs (the UiAutomator2 driver's helper).
    addAppiumSettingsBehaviour(this);
    this.push = new HeytapPushService(
      {
        serial: this.serial,
        sdk: this.sdk,
        settings: this.settings,
        notifications: this.notifications,
        log(level, tag, message) {
          phone.log(PID.push, level, tag, message);
        },
        installedApp(pkg) {
          return phone.installed.get(pkg);
        },
      },
      options.pushTransport,
    );
  }

  /** Boots the phone: installs the apps and connects the push service. */
  static async boot(options: VirtualPhoneOptions): Promise<VirtualPhone> {
    const phone = new VirtualPhone(options);
    phone.log(PID.system, 'I', 'SystemServer', `Entered the Android system server! ${phone.device.marketName} Android ${phone.release} ColorOS ${colorOsVersion(phone.device)}`);
    for (const app of options.apps) phone.install(app);
    await phone.push.connect();
    return phone;
  }

  get sdk(): number {
    return deviceSdk(this.device);
  }

  get release(): string {
    return this.device.props['ro.build.version.release']!;
  }

  get timeZone(): string {
    return this.device.props['persist.sys.timezone'] ?? 'Asia/Shanghai';
  }

  /** Whether the notification shade is pulled down. */
  get shadeOpen(): boolean {
    return this.shade;
  }

  /** Whether the phone has a network (see `setNetwork`). */
  get network(): boolean {
    return this.online;
  }

  get front(): Front {
    return this.frontNow;
  }

  log(pid: number, level: Level, tag: string, message: string): void {
    this.logcatBuffer.write(pid, level, tag, message);
  }

  // ---- packages and processes ----------------------------------------------------------------

  /** Installs (or updates, keeping its data) an app from a profile or profile id. New installs start stopped. */
  install(source: AppProfile | string): InstalledApp {
    const profile = typeof source === 'string' ? loadAppProfile(source) : source;
    const existing = this.installed.get(profile.packageName);
    if (existing) {
      existing.profile = profile;
      return existing;
    }
    const app: InstalledApp = { profile, uid: this.nextUid++, stopped: true, launchedOnce: false, receivedExtras: [] };
    this.installed.set(profile.packageName, app);
    this.log(PID.system, 'I', 'PackageManager', `Package ${profile.packageName} codePath=${this.apkDir(profile.packageName)} installed, uid=${app.uid}`);
    return app;
  }

  /**
   * Installs (or updates) a package from APK bytes — a base APK and its splits — as the package
   * manager does for `adb install`. A package the lab models with an app profile (or a system
   * package) cannot be replaced by an APK: its signature differs, as it would on a phone.
   */
  async installApk(apks: Buffer[], options: InstallOptions = {}): Promise<ApkPackage> {
    return this.apkPackages.install(apks, options, (pkg) =>
      this.installed.has(pkg) || SYSTEM_PACKAGES.includes(pkg) ? `Package ${pkg} signatures do not match previously installed version; ignoring!` : undefined,
    );
  }

  /**
   * Back to the state after boot (the lab's reset between spec files or tests): the boot apps
   * installed as they were (an app a spec uninstalled comes back, one it installed goes, a profile it
   * swapped is restored), each stopped and as freshly installed — no saved login, no received extras,
   * no channels, the notification permission as ColorOS ships it until the app's first start asks —
   * the shade empty and its history gone, the launcher in front, the network on. The push service
   * keeps its link, and an app that stayed installed keeps its regId (OPPO keeps a registration per
   * device and package), so a reset costs no re-registration. Packages installed from APK files (test
   * tooling: the UiAutomator2 server, io.appium.settings) stay installed and running, so a reset
   * between spec files does not end a UiAutomator2 session.
   */
  async reset(): Promise<void> {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    Object.assign(this.settings, this.bootSettings);
    const boot = new Map(this.options.apps.map((profile) => [profile.packageName, profile]));
    for (const pkg of [...this.installed.keys()]) if (!boot.has(pkg)) await this.uninstall(pkg);
    for (const profile of boot.values()) {
      const app = this.installed.get(profile.packageName);
      if (!app) {
        this.install(profile);
        continue;
      }
      await this.stopProcess(app, 'force-stop', 'lab reset');
      Object.assign(app, { profile, stopped: true, launchedOnce: false, savedUserId: undefined, receivedExtras: [] });
    }
    this.notifications.reset();
    this.shade = false;
    this.expanded.clear();
    this.frontNow = { kind: 'launcher' };
    await this.setNetwork(true);
    await this.idle();
    this.log(PID.system, 'I', 'ActivityManager', 'lab reset: apps stopped and cleared, shade empty, network on');
  }

  /**
   * Changes settings of the running phone (validated as at boot); the push service and every IM SDK
   * read them live. reset() puts the boot settings back.
   */
  updateSettings(patch: Partial<PhoneSettings>): PhoneSettings {
    const unknown = Object.keys(patch).filter((key) => !(key in this.bootSettings));
    if (unknown.length > 0) throw new RangeError(`unknown phone settings: ${unknown.join(', ')} (known: ${Object.keys(this.bootSettings).join(', ')})`);
    Object.assign(this.settings, resolveSettings({ ...this.settings, ...patch }));
    return { ...this.settings };
  }

  async uninstall(packageName: string): Promise<boolean> {
    const app = this.installed.get(packageName);
    if (!app) {
      const removed = this.apkPackages.uninstall(packageName);
      if (removed) {
        this.notifications.forgetPackage(packageName);
        this.systemSettings.forgetPackage(packageName);
      }
      return removed;
    }
    // Its notifications leave as an uninstall's, not as the force-stop's that the removal includes.
    this.notifications.cancelPackage(packageName, 'uninstall');
    await this.stopProcess(app, 'force-stop', 'uninstall pkg');
    this.installed.delete(packageName);
    this.notifications.forgetPackage(packageName);
    await this.push.uninstall(packageName);
    this.log(PID.system, 'I', 'PackageManager', `Removing package ${packageName}`);
    return true;
  }

  /** Every package's record: system packages, app-profile apps and APK-installed packages. */
  packageInfo(packageName: string): PackageView | undefined {
    const app = this.installed.get(packageName);
    if (app) {
      const p = app.profile;
      const notifications = this.sdk >= 33 ? ['android.permission.POST_NOTIFICATIONS'] : [];
      const granted = this.notifications.areNotificationsEnabled(packageName) ? notifications : [];
      return {
        packageName,
        versionCode: p.versionCode,
        versionName: p.versionName,
        minSdk: 21,
        targetSdk: p.targetSdk,
        uid: app.uid,
        codePath: this.apkDir(packageName),
        system: false,
        stopped: app.stopped,
        notLaunched: !app.launchedOnce,
        firstInstallTime: this.bootTime,
        lastUpdateTime: this.bootTime,
        activities: p.activities.map((a) => ({ name: a.name, launcher: a === launcherActivity(p) })),
        requestedPermissions: ['android.permission.INTERNET', ...notifications],
        grantedPermissions: ['android.permission.INTERNET', ...granted],
      };
    }
    const apk = this.apkPackages.get(packageName);
    if (apk) {
      const m = apk.manifest;
      return {
        packageName,
        versionCode: m.versionCode,
        versionName: m.versionName ?? '',
        minSdk: m.minSdk,
        targetSdk: m.targetSdk,
        uid: apk.uid,
        codePath: apk.codePath,
        system: false,
        stopped: apk.stopped,
        notLaunched: apk.stopped && !this.apkPackages.process(packageName),
        firstInstallTime: apk.firstInstallTime,
        lastUpdateTime: apk.lastUpdateTime,
        activities: m.activities,
        requestedPermissions: m.permissions,
        grantedPermissions: m.permissions.filter((perm) => apk.granted.has(perm) || !RUNTIME_PERMISSIONS.has(perm)),
      };
    }
    if (!SYSTEM_PACKAGES.includes(packageName)) return undefined;
    return {
      packageName,
      versionCode: this.sdk,
      versionName: this.release,
      minSdk: this.sdk,
      targetSdk: this.sdk,
      uid: 1000,
      codePath: `/system/priv-app/${packageName}`,
      system: true,
      stopped: false,
      notLaunched: false,
      firstInstallTime: this.bootTime,
      lastUpdateTime: this.bootTime,
      activities: packageName === LAUNCHER ? [{ name: LAUNCHER_ACTIVITY.split('/')[1]!, launcher: false }] : [],
      requestedPermissions: [],
      grantedPermissions: [],
    };
  }

  /** Names of every installed package: system ones first, then the rest (`pm list packages`). */
  packageNames(): { system: string[]; thirdParty: string[] } {
    return { system: [...SYSTEM_PACKAGES], thirdParty: [...this.installed.keys(), ...this.apkPackages.list().map((p) => p.manifest.packageName)] };
  }

  app(packageName: string): InstalledApp | undefined {
    return this.installed.get(packageName);
  }

  apps(): InstalledApp[] {
    return [...this.installed.values()];
  }

  /** The process of a running app (its IM SDK, screens, conversations). */
  running(packageName: string): DemoApp | undefined {
    return this.installed.get(packageName)?.process;
  }

  /** The regId the push service holds for a package (what the app got in onRegister). */
  registrationId(packageName: string): string | undefined {
    return this.push.regId(packageName);
  }

  /** The extras each notification-opened activity received, oldest first (outlives processes). */
  receivedExtras(packageName: string): InstalledApp['receivedExtras'] {
    return this.installed.get(packageName)?.receivedExtras ?? [];
  }

  setNotificationPermission(packageName: string, granted: boolean): void {
    this.requireApp(packageName);
    this.notifications.setNotificationsEnabled(packageName, granted);
    this.log(PID.system, 'I', 'NotificationService', `setNotificationsEnabledForPackage ${packageName} ${granted}`);
  }

  /**
   * `force-stop` (am force-stop, Settings → Force stop): the package is marked stopped.
   * `process-death` (swiped from recents, ColorOS killing a background app): just the process.
   * Either way the IM socket closes without a logout, and the push service keeps showing pushes.
   */
  async kill(packageName: string, mode: KillMode): Promise<boolean> {
    const app = this.requireApp(packageName);
    return this.stopProcess(app, mode, mode === 'force-stop' ? 'from pid 0' : 'remove task');
  }

  private async stopProcess(app: InstalledApp, mode: KillMode, why: string): Promise<boolean> {
    const pkg = app.profile.packageName;
    const proc = app.process;
    if (mode === 'force-stop') {
      app.stopped = true;
      this.log(PID.system, 'I', 'ActivityManager', `Force stopping ${pkg} appid=${app.uid} user=0: ${why}`);
      if (this.settings.forceStopCancelsNotifications) this.notifications.cancelPackage(pkg, 'force_stop');
    }
    if (!proc) return false;
    app.process = undefined;
    this.log(PID.system, 'I', 'ActivityManager', `Killing ${proc.pid}:${pkg}/${this.uidName(app.uid)} (adj ${proc.visible ? 0 : 900}): ${mode === 'force-stop' ? `stop ${pkg} due to ${why}` : why}`);
    if (this.frontNow.kind === 'app' && this.frontNow.packageName === pkg) this.frontNow = { kind: 'launcher' };
    await proc.terminate();
    this.log(PID.system, 'I', 'ActivityManager', `Process ${pkg} (pid ${proc.pid}) has died: ${mode === 'force-stop' ? 'fg' : 'cch+5'} TOP`);
    return true;
  }

  // ---- network -----------------------------------------------------------------------------

  /** Off: both links vanish silently (the servers notice later). On: reconnect; queued pushes arrive. */
  async setNetwork(on: boolean): Promise<void> {
    if (on === this.online) return;
    this.online = on;
    this.log(PID.system, 'I', 'ConnectivityService', `NetworkAgentInfo [WIFI () - 100] ${on ? 'validated' : 'lost'}`);
    if (!on) {
      this.push.dropNetwork();
      for (const app of this.installed.values()) app.process?.im.dropNetwork();
      return;
    }
    await this.push.connect();
    for (const app of this.installed.values()) if (app.process) await app.process.im.restore();
    await this.idle();
  }

  // ---- activities ----------------------------------------------------------------------------

  /** Starts an activity (or the browser) for an intent, as ActivityManager does. */
  async startIntent(intent: Intent, opts: { fromNotification?: boolean } = {}): Promise<StartOutcome> {
    if (!intent.component && !intent.package && intent.action === ACTION_VIEW && /^https?:/i.test(intent.data ?? '')) {
      await this.openBrowser(intent.data!);
      return { ok: true, messages: [], component: shortComponent(BROWSER_ACTIVITY), launchState: 'HOT', totalTime: WARM_MS };
    }
    const apk = this.resolveApkActivity(intent);
    if (apk) return this.startApkActivity(apk.packageName, apk.activity);
    if (intent.component && this.apkPackages.get(intent.component.split('/')[0]!)) {
      const [pkg, cls] = qualifyComponent(intent.component).split('/');
      return { ok: false, messages: [`Error: Activity class {${pkg}/${cls}} does not exist.`] };
    }
    const profiles = [...this.installed.values()].map((a) => a.profile);
    const resolved = resolveActivity(profiles, intent);
    if (!resolved) {
      if (intent.component) {
        const [pkg, cls] = qualifyComponent(intent.component).split('/');
        return { ok: false, messages: [`Error: Activity class {${pkg}/${cls}} does not exist.`] };
      }
      return { ok: false, messages: [`Error: Activity not started, unable to resolve ${describeIntent(intent)}`] };
    }
    const app = this.installed.get(resolved.app.packageName)!;
    const component = `${resolved.app.packageName}/${resolved.activity.name}`;
    this.log(PID.system, 'I', 'ActivityTaskManager', `START u0 {${describeIntent(intent).slice('Intent { '.length, -2)}} from uid ${opts.fromNotification ? 1000 : 2000}`);
    let launchState: StartOutcome['launchState'];
    const messages: string[] = [];
    if (!app.process) {
      launchState = 'COLD';
      const pid = this.nextPid++;
      this.log(PID.system, 'I', 'ActivityManager', `Start proc ${pid}:${resolved.app.packageName}/${this.uidName(app.uid)} for activity {${shortComponent(component)}}`);
      app.process = new DemoApp(app, pid, this.appHost());
      await app.process.start();
    } else {
      launchState = app.process.visible ? 'HOT' : 'WARM';
    }
    const proc = app.process;
    if (!proc) return { ok: false, messages: ['Error: Activity not started, the process died'] };
    const launcherOnly = intent.categories.includes(CATEGORY_LAUNCHER) && Object.keys(intent.extras).length === 0 && !opts.fromNotification;
    if (launcherOnly && proc.stack.length > 0 && launchState !== 'COLD') {
      messages.push('Warning: Activity not started, its current task has been brought to the front');
    } else {
      await proc.open(resolved.activity, intent, opts.fromNotification ?? false);
    }
    if (app.process !== proc) return { ok: false, messages: ['Error: Activity not started, the process died'] };
    this.shade = false;
    await this.setFront({ kind: 'app', packageName: resolved.app.packageName });
    const shown = proc.top ? `${resolved.app.packageName}/${proc.top.activity.name}` : component;
    const totalTime = launchState === 'COLD' ? COLD_MS : WARM_MS;
    this.log(PID.system, 'I', 'ActivityTaskManager', `Displayed ${shortComponent(shown)}: +${totalTime}ms`);
    return { ok: true, messages, component: shortComponent(component), launchState, totalTime };
  }

  /** An activity of an APK-installed package the intent names (by component, or by package and the launcher category). */
  private resolveApkActivity(intent: Intent): { packageName: string; activity: string } | undefined {
    const pkg = intent.component?.split('/')[0] ?? intent.package;
    const record = pkg ? this.apkPackages.get(pkg) : undefined;
    if (!pkg || !record) return undefined;
    if (intent.component) {
      const cls = qualifyComponent(intent.component).split('/')[1]!;
      return record.manifest.activities.some((a) => a.name === cls) ? { packageName: pkg, activity: cls } : undefined;
    }
    const launcher = record.manifest.activities.find((a) => a.launcher);
    return launcher ? { packageName: pkg, activity: launcher.name } : undefined;
  }

  /**
   * APK packages have no screens in the lab: starting their activity starts their process and runs
   * what the package does then (`apkPackages.onActivityStart`); the screen stays as it was, as with
   * io.appium.settings's Settings activity, which finishes at once.
   */
  private async startApkActivity(packageName: string, activity: string): Promise<StartOutcome> {
    const cold = !this.apkPackages.process(packageName);
    const component = shortComponent(`${packageName}/${activity}`);
    this.log(PID.system, 'I', 'ActivityTaskManager', `START u0 {cmp=${component}} from uid 2000`);
    await this.apkPackages.startActivity(packageName, activity);
    return { ok: true, messages: [], component, launchState: cold ? 'COLD' : 'WARM', totalTime: cold ? COLD_MS : WARM_MS };
  }

  private async openBrowser(url: string): Promise<void> {
    this.log(PID.system, 'I', 'ActivityTaskManager', `START u0 {act=${ACTION_VIEW} dat=${url.replace(/\?.*$/, '')} cmp=${shortComponent(BROWSER_ACTIVITY)}} from uid 1000`);
    this.shade = false;
    await this.setFront({ kind: 'browser', url });
  }

  /** Changes what is in front; apps becoming hidden or visible tell their IM SDK. */
  private async setFront(next: Front): Promise<void> {
    this.frontNow = next;
    const nextPkg = next.kind === 'app' ? next.packageName : undefined;
    for (const app of this.installed.values()) {
      if (app.profile.packageName !== nextPkg) await app.process?.setVisible(false);
    }
    if (nextPkg) await this.installed.get(nextPkg)?.process?.setVisible(true);
  }

  private appHost() {
    // Methods, not arrows (see the constructor): one host per installed app.
    const phone = this;
    return {
      sdk: this.sdk,
      notifications: this.notifications,
      push: this.push,
      now() {
        return phone.clock.now();
      },
      log(pid: number, level: Level, tag: string, message: string) {
        phone.log(pid, level, tag, message);
      },
      imHost(app: DemoApp) {
        return {
          clock: phone.clock,
          settings: phone.settings,
          deviceId: phone.serial,
          sdkVersion: app.profile.im.sdkVersion,
          sdkAppId: app.profile.im.sdkAppId,
          transport: phone.options.imTransport,
          sign: phone.options.signUserSig,
          networkOn() {
            return phone.online;
          },
          logoutNotDelivered(userId: string) {
            phone.options.observer?.logoutNotDelivered(phone.serial, userId);
          },
        };
      },
      track(work: Promise<unknown>) {
        return phone.track(work);
      },
    };
  }

  /** Tapping a shade entry: its click action runs, the entry auto-cancels, the shade closes. */
  async tapNotification(key: string): Promise<void> {
    const entry = this.notifications.get(key);
    if (!entry) throw new StaleNodeError(`shade/${key}`);
    if (!entry.click) return;
    const pushed = entry.messageId ? { messageId: entry.messageId, packageName: entry.packageName } : undefined;
    if (pushed) this.notifications.note({ ...pushed, event: 'tapped' });
    this.notifications.cancel(key, 'click');
    this.log(PID.systemui, 'I', 'NotificationClicker', `Clicking on notification ${key}`);
    this.shade = false;
    if (entry.click.kind === 'browser') {
      await this.openBrowser(entry.click.url);
      if (pushed) this.notifications.note({ ...pushed, event: 'activity', component: shortComponent(BROWSER_ACTIVITY), detail: entry.click.url });
      return;
    }
    const received = this.receivedExtras(entry.packageName);
    const before = received.length;
    const outcome = await this.startIntent(entry.click.intent, { fromNotification: true });
    if (!outcome.ok) this.log(PID.push, 'E', 'HeytapPush', `click ${key}: ${outcome.messages.join(' ')}`);
    if (!pushed) return;
    if (outcome.ok) this.notifications.note({ ...pushed, event: 'activity', component: outcome.component });
    else this.notifications.note({ ...pushed, event: 'activity', detail: outcome.messages.join(' ') });
    for (const got of received.slice(before)) this.notifications.note({ ...pushed, event: 'extras', extras: got.extras, component: got.activity });
  }

  // ---- background work -----------------------------------------------------------------------

  private track(work: Promise<unknown>): void {
    const p = work.catch((e: unknown) => this.log(PID.system, 'E', 'AndroidRuntime', `FATAL EXCEPTION: ${(e as Error).stack ?? e}`));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Callback work is running (see idle()). */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Waits until no callback work (onRegister, restored logins, scheduled re-activations) is running. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** A barrier: every frame this phone sent has been processed by both servers. */
  async sync(): Promise<void> {
    await this.idle();
    await this.push.sync();
    for (const app of this.installed.values()) await app.process?.im.sync();
    await this.idle();
  }

  async shutdown(): Promise<void> {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    await this.idle();
    for (const app of this.installed.values()) {
      const proc = app.process;
      app.process = undefined;
      await proc?.terminate();
    }
    this.apkPackages.killAll();
    this.ports.closeAll();
    this.notifications.dispose();
    await this.push.close();
  }

  // ---- screen ---------------------------------------------------------------------------------

  /** The focused window: the shade when it is open, else the front app (below the status bar). */
  private render(): Rendered {
    const { width, height } = this.size();
    const { density } = this.device.screen;
    const row = Math.round((48 * density) / 160);
    const frame = { left: 0, top: 0, right: width, bottom: height, row, screenBottom: height };
    if (this.shade) {
      for (const key of this.expanded) if (!this.notifications.get(key)) this.expanded.delete(key);
      const spec = shadeScreen({
        entries: this.notifications.entries,
        labelOf: (pkg) => this.labelOf(pkg),
        ageOf: (entry) => age(this.clock.now() - entry.postTime),
        tap: (key) => () => this.tapNotification(key),
        isExpanded: (key) => this.expanded.has(key),
        toggle: (key) => () => {
          if (!this.expanded.delete(key)) this.expanded.add(key);
        },
        dismiss: (key) => () => {
          if (this.notifications.cancel(key, 'swipe')) this.log(PID.systemui, 'I', 'NotificationStackScroll', `Dismissed ${key} by swipe`);
        },
        close: () => {
          this.shade = false;
        },
        clearAll: () => this.notifications.clearAll(),
        clock: this.clockText(),
      });
      return renderWindow(spec, SYSTEMUI, 'shade', frame);
    }
    const [spec, pkg] = this.frontSpec();
    return renderWindow(spec, pkg, `window/${pkg}`, { ...frame, top: this.statusBarHeight() });
  }

  /** The screen in its current orientation: landscape swaps the profile's portrait width and height. */
  private size(): { width: number; height: number } {
    const { width, height } = this.device.screen;
    return this.orientationNow === 'PORTRAIT' ? { width, height } : { width: height, height: width };
  }

  /** The status bar's 24 dp in px; the app window starts below it, the shade covers it. */
  statusBarHeight(): number {
    return Math.round((24 * this.device.screen.density) / 160);
  }

  private clockText(): string {
    return shadeClockFormat(this.timeZone).format(this.clock.now());
  }

  /** What the screen shows, for the screenshot and the web view. */
  screenPicture(): ScreenPicture {
    const { width, height } = this.size();
    return { root: this.render().node, width, height, statusBar: this.shade ? 0 : this.statusBarHeight(), clock: this.clockText(), scale: this.device.screen.density / 160 };
  }

  private frontSpec(): [ViewSpec, string] {
    const front = this.frontNow;
    if (front.kind === 'browser') return [browserScreen(front.url), BROWSER];
    if (front.kind === 'app') {
      const proc = this.installed.get(front.packageName)?.process;
      if (proc) return [appScreen(proc), front.packageName];
    }
    const launchable = [...this.installed.values()].filter((a) => launcherActivity(a.profile));
    return [
      launcherScreen(launchable.map((a) => ({ label: a.profile.label, packageName: a.profile.packageName, launch: () => this.launch(a.profile.packageName) }))),
      LAUNCHER,
    ];
  }

  private labelOf(pkg: string): string {
    return this.installed.get(pkg)?.profile.label ?? (pkg === SHELL_PACKAGE ? 'Shell' : pkg);
  }

  private find(nodeId: string): { rendered: Rendered; present: boolean } {
    const rendered = this.render();
    const present = nodeId === rendered.node.id || rendered.parents.has(nodeId);
    return { rendered, present };
  }

  // ---- PhoneApi ---------------------------------------------------------------------------------

  async deviceInfo(): Promise<DeviceInfo> {
    const p = this.device.props;
    return {
      androidId: createHash('sha256').update(this.serial).digest('hex').slice(0, 16),
      manufacturer: p['ro.product.manufacturer']!,
      model: p['ro.product.model']!,
      brand: p['ro.product.brand']!,
      apiVersion: String(this.sdk),
      platformVersion: this.release,
      carrierName: '',
      realDisplaySize: `${this.device.screen.width}x${this.device.screen.height}`,
      displayDensity: this.device.screen.density,
      networks: this.online
        ? [{ type: 1, typeName: 'WIFI', subtype: 0, subtypeName: '', isConnected: true, detailedState: 'CONNECTED', state: 'CONNECTED', extraInfo: '"virtual-wifi"', isAvailable: true, isRoaming: false, isFailover: false }]
        : [],
      locale: (p['ro.product.locale'] ?? 'en-US').replace('-', '_'),
      timeZone: this.timeZone,
      bluetooth: { state: 'OFF' },
    };
  }

  async uiTree(): Promise<UiNode> {
    return this.render().node;
  }

  async tap(nodeId: string): Promise<void> {
    const { rendered, present } = this.find(nodeId);
    if (!present) throw new StaleNodeError(nodeId);
    // A touch lands on the nearest clickable ancestor, as a tap on a row's title does on Android.
    for (let id: string | undefined = nodeId; id; id = rendered.parents.get(id)) {
      const tap = rendered.actions.get(id)?.tap;
      if (tap) {
        await tap();
        break;
      }
    }
    await this.idle();
  }

  async setText(nodeId: string, text: string): Promise<void> {
    const { rendered, present } = this.find(nodeId);
    if (!present) throw new StaleNodeError(nodeId);
    const setText = rendered.actions.get(nodeId)?.setText;
    if (!setText) throw new NotEditableError(nodeId);
    await setText(text);
  }

  async pressKey(keycode: number): Promise<void> {
    switch (keycode) {
      case 3: // HOME
      case 187: // APP_SWITCH: recents sits over the launcher; the app goes to the background either way
        this.shade = false;
        await this.setFront({ kind: 'launcher' });
        break;
      case 4: // BACK
        if (this.shade) this.shade = false;
        else if (this.frontNow.kind === 'browser') await this.setFront({ kind: 'launcher' });
        else if (this.frontNow.kind === 'app') {
          const proc = this.installed.get(this.frontNow.packageName)?.process;
          if (!proc || !proc.back()) await this.setFront({ kind: 'launcher' });
        }
        break;
      case 83: // NOTIFICATION
        this.shade = true;
        break;
    }
    await this.idle();
  }

  async openNotifications(): Promise<void> {
    this.shade = true;
  }

  async collapseNotifications(): Promise<void> {
    this.shade = false;
  }

  async getNotifications(): Promise<{ statusBarNotifications: StatusBarNotification[] }> {
    return { statusBarNotifications: this.notifications.statusBarNotifications() };
  }

  async queryAppState(packageName: string): Promise<AppState> {
    const app = this.installed.get(packageName);
    if (!app) return 0;
    if (!app.process) return 1;
    return this.frontNow.kind === 'app' && this.frontNow.packageName === packageName ? 4 : 3;
  }

  async activateApp(packageName: string): Promise<void> {
    await this.launch(packageName);
    await this.idle();
  }

  /** What the launcher icon (and UiAutomator2's activateApp) starts. */
  private async launch(packageName: string): Promise<void> {
    const app = this.requireApp(packageName);
    const launcher = launcherActivity(app.profile);
    if (!launcher) throw new Error(`${packageName} has no launcher activity`);
    await this.startIntent({
      ...emptyIntent(),
      action: ACTION_MAIN,
      categories: [CATEGORY_LAUNCHER],
      component: `${packageName}/${launcher.name}`,
      flags: FLAG_ACTIVITY_NEW_TASK | FLAG_ACTIVITY_RESET_TASK_IF_NEEDED,
    });
  }

  async terminateApp(packageName: string): Promise<boolean> {
    if (!this.installed.has(packageName)) return false;
    return this.kill(packageName, 'force-stop');
  }

  /** Appium's backgroundApp: a negative `seconds` leaves the app in the background for good. */
  async backgroundApp(seconds: number): Promise<void> {
    if (typeof seconds !== 'number' || Number.isNaN(seconds) || (seconds >= 0 && this.clock.now() + seconds * 1000 > MAX_EPOCH_MS)) {
      throw new InvalidArgumentError(`backgroundApp seconds must be a number of seconds the clock can reach (or negative: stay in the background), got ${seconds}`);
    }
    const front = this.frontNow;
    await this.pressKey(3);
    if (!(seconds >= 0) || front.kind !== 'app') return;
    // Restored on the virtual clock: the app comes back when the lab's time passes `seconds`.
    const timer = this.clock.setTimer(seconds * 1000, () => {
      this.timers.delete(timer);
      this.track(this.launch(front.packageName));
    });
    this.timers.add(timer);
  }

  async startActivity(options: StartActivityOptions): Promise<string> {
    const args: string[] = ['am', 'start'];
    if (options.wait) args.push('-W');
    if (options.stop) args.push('-S');
    if (options.action) args.push('-a', options.action);
    if (options.uri) args.push('-d', options.uri);
    if (options.mimeType) args.push('-t', options.mimeType);
    const categories = options.categories === undefined ? [] : Array.isArray(options.categories) ? options.categories : options.categories.split(',');
    for (const c of categories) args.push('-c', c.trim());
    if (options.package) args.push('-p', options.package);
    if (options.flags) args.push('-f', options.flags);
    for (const [type, key, value] of options.extras ?? []) args.push(`--e${type}`, key, value ?? '');
    if (options.component) args.push('-n', options.component);
    else if (options.intent) args.push(options.intent);
    const result = await this.shell(args.map(shellQuote).join(' '));
    return result.stdout + result.stderr;
  }

  async currentActivity(): Promise<string | null> {
    const component = this.focusedComponent();
    if (!component) return null;
    return shortComponent(component).split('/')[1]!;
  }

  async currentPackage(): Promise<string | null> {
    return this.focusedComponent()?.split('/')[0] ?? null;
  }

  /** `pkg/fully.qualified.Activity` of the focused app window. */
  focusedComponent(): string | undefined {
    const front = this.frontNow;
    if (front.kind === 'launcher') return LAUNCHER_ACTIVITY;
    if (front.kind === 'browser') return BROWSER_ACTIVITY;
    const top = this.installed.get(front.packageName)?.process?.top;
    return top ? `${front.packageName}/${top.activity.name}` : undefined;
  }

  async isAppInstalled(packageName: string): Promise<boolean> {
    return this.installed.has(packageName);
  }

  async installApp(app: AppSource): Promise<void> {
    this.install(appProfileForInstall(app));
  }

  removeApp(packageName: string): Promise<boolean> {
    return this.uninstall(packageName);
  }

  /**
   * Runs a command line to its end with stdin closed. A long-running command (`logcat` without
   * `-d`) runs until `signal` aborts, as `adb shell` does until the client goes away.
   */
  async shell(command: string, options: { signal?: AbortSignal } = {}): Promise<ShellResult> {
    const session = this.spawn(command);
    session.stdin.end();
    const { signal } = options;
    const onAbort = () => session.close();
    if (signal?.aborted) session.close();
    else signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const [stdout, stderr, exitCode] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.exitCode]);
      return { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), exitCode };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Starts a command line that streams (what `adb shell` attaches to); see `shell/session.ts`. */
  spawn(command: string, options: { mergeStderr?: boolean } = {}): ShellSession {
    return new ShellSession(this, command, runLine, options);
  }

  async logcat(sinceIndex?: number): Promise<LogcatEntry[]> {
    return this.logcatBuffer.read(sinceIndex);
  }

  async screenshot(): Promise<string> {
    return renderScreenshot(this.screenPicture()).toString('base64');
  }

  async screenSvg(): Promise<string> {
    return screenSvg(this.screenPicture());
  }

  async windowSize(): Promise<{ width: number; height: number }> {
    return this.size();
  }

  async orientation(): Promise<Orientation> {
    return this.orientationNow;
  }

  /** Rotates the screen; every app of the lab takes both orientations, so the window lays out again. */
  async setOrientation(orientation: Orientation): Promise<void> {
    if (orientation !== 'PORTRAIT' && orientation !== 'LANDSCAPE') throw new InvalidArgumentError(`orientation is PORTRAIT or LANDSCAPE, got ${JSON.stringify(orientation)}`);
    if (orientation === this.orientationNow) return;
    this.orientationNow = orientation;
    this.log(PID.system, 'I', 'WindowManager', `Rotation changed to ${orientation === 'PORTRAIT' ? 0 : 1}`);
  }

  // ---- touch ----------------------------------------------------------------------------------

  /** A finger on the glass: tap, long press or swipe, at screen coordinates. */
  async touch(gesture: Gesture): Promise<void> {
    const rendered = this.render();
    const target = (p: Point) => nodeAt(rendered.node, p.x, p.y);
    const ancestors = function* (id: string | undefined) {
      for (; id; id = rendered.parents.get(id)) yield id;
    };
    if (gesture.kind === 'tap') {
      const node = target(gesture.at);
      if (node) await this.tap(node.id);
    } else if (gesture.kind === 'longPress') {
      for (const id of ancestors(target(gesture.at)?.id)) {
        const longTap = rendered.actions.get(id)?.longTap;
        if (longTap) {
          await longTap();
          break;
        }
      }
    } else {
      await this.swipe(gesture.from, gesture.to, rendered, ancestors);
    }
    await this.idle();
  }

  private async swipe(from: Point, to: Point, rendered: Rendered, ancestors: (id: string | undefined) => Iterable<string>): Promise<void> {
    const { width, height } = this.size();
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const horizontal = Math.abs(dx) > Math.abs(dy);
    // How far a swipe must travel to count [uncertain: SystemUI also reacts to fling velocity]: a tenth of the
    // screen pulls the shade, 40 % of the width dismisses a row (SwipeHelper's default swipe-away fraction).
    const far = horizontal ? Math.abs(dx) >= width * 0.4 : Math.abs(dy) >= height * 0.1;
    if (!far) return;
    if (!this.shade) {
      if (!horizontal && dy > 0 && from.y <= this.statusBarHeight()) {
        this.shade = true;
        this.log(PID.systemui, 'I', 'StatusBar', 'Shade expanded by swipe');
      }
      return;
    }
    const direction: SwipeDirection = horizontal ? (dx < 0 ? 'left' : 'right') : dy < 0 ? 'up' : 'down';
    for (const id of ancestors(nodeAt(rendered.node, from.x, from.y)?.id)) {
      const swipe = rendered.actions.get(id)?.swipe;
      if (swipe && (await swipe(direction))) return;
    }
  }

  // ---- helpers for the shell ------------------------------------------------------------------

  requireApp(packageName: string): InstalledApp {
    const app = this.installed.get(packageName);
    if (!app) throw new PackageNotInstalledError(packageName);
    return app;
  }

  uidName(uid: number): string {
    return `u0a${uid - 10000}`;
  }

  apkDir(pkg: string): string {
    const h = createHash('sha256').update(`${this.serial}/${pkg}`).digest('base64url');
    return `/data/app/~~${h.slice(0, 22)}==/${pkg}-${h.slice(22, 44)}==`;
  }

  /** Posts a notification as `com.android.shell` (what `cmd notification post` does). */
  postShellNotification(tag: string, title: string, text: string, click: Intent | undefined): ShadeEntry {
    this.notifications.createChannel(SHELL_PACKAGE, SHELL_CHANNEL);
    this.notifications.setNotificationsEnabled(SHELL_PACKAGE, true);
    return this.notifications.post({
      key: shellNotificationKey(tag),
      packageName: SHELL_PACKAGE,
      id: SHELL_NOTIFICATION_ID,
      tag,
      uid: SHELL_UID,
      channelId: SHELL_CHANNEL.id,
      title,
      text,
      extras: click ? { ...click.extras } : {},
      click: click ? { kind: 'activity', intent: click } : null,
    });
  }
}

function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'now';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 24 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}
