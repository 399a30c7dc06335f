/**
 * Packages installed from APK files (`adb install`, `pm install`, `cmd package install-*`): what
 * their manifest says, the package manager's record (uid, code path, install times, granted
 * permissions), and the activity manager's view of them — a process while something of theirs runs,
 * services started in it, broadcast receivers. They have no screens: the app under test is modelled
 * by its app profile (`demo-app.ts`); these are the tools around it (io.appium.settings, the
 * UiAutomator2 server and its test APK), whose behaviour a tool's team adds through `onActivityStart`,
 * `registerReceiver` and `startService`.
 */
import type { ApkManifest, Instrumentation } from './apk.ts';
import { readApkManifest, ApkParseError } from './apk.ts';

/** Requested permissions granted only by the user or `-g` (the rest are install-time permissions, granted with the install). */
export const RUNTIME_PERMISSIONS = new Set([
  'android.permission.POST_NOTIFICATIONS',
  'android.permission.READ_PHONE_STATE',
  'android.permission.ACCESS_FINE_LOCATION',
  'android.permission.ACCESS_COARSE_LOCATION',
  'android.permission.ACCESS_BACKGROUND_LOCATION',
  'android.permission.READ_EXTERNAL_STORAGE',
  'android.permission.WRITE_EXTERNAL_STORAGE',
  'android.permission.READ_MEDIA_IMAGES',
  'android.permission.RECORD_AUDIO',
  'android.permission.READ_SMS',
  'android.permission.CAMERA',
  'android.permission.READ_CONTACTS',
  'android.permission.BLUETOOTH_CONNECT',
  'android.permission.BLUETOOTH_SCAN',
]);

/** `Failure [CODE: detail]`, as `pm install` prints it. */
export class InstallError extends Error {
  override name = 'InstallError';
  constructor(
    readonly code: string,
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
  get line(): string {
    return `Failure [${this.message}]`;
  }
}

export interface InstallOptions {
  /** `-g`: grant every requested runtime permission. */
  grantAll?: boolean;
  /** `-d`: allow a lower versionCode. */
  allowDowngrade?: boolean;
  /** `-R`: fail when the package exists (modern `pm` replaces by default; `-r` is accepted and ignored). */
  noReplace?: boolean;
  /** `-t`: allow an APK with android:testOnly. */
  allowTest?: boolean;
}

export interface ApkPackage {
  manifest: ApkManifest;
  uid: number;
  codePath: string;
  firstInstallTime: number;
  lastUpdateTime: number;
  /** Bytes of the base APK and splits. */
  size: number;
  granted: Set<string>;
  /** Android's stopped state: set at install and by force-stop, cleared when something of the package starts. */
  stopped: boolean;
}

/** A running process of an APK package; `signal` aborts when it is killed (force-stop, uninstall, shutdown). */
export interface PackageProcess {
  readonly pid: number;
  readonly packageName: string;
  readonly signal: AbortSignal;
  readonly startTime: number;
}

export interface RunningService {
  component: string;
  packageName: string;
  foreground: boolean;
  /** The channel of its foreground notification. */
  channel?: string;
  pid: number;
  createTime: number;
}

export type BroadcastResult = { code: number; data?: string };
export type BroadcastReceiver = (intent: { action: string; extras: Record<string, string> }) => BroadcastResult | Promise<BroadcastResult>;

/** What the phone lends the table (uids, pids, the clock, the log, where code lives). */
export interface PackageHost {
  sdk: number;
  now(): number;
  nextUid(): number;
  nextPid(): number;
  apkDir(pkg: string): string;
  log(level: 'I' | 'W', tag: string, message: string): void;
}

/** Where an APK is staged while the package manager parses it (shown in parse failures). */
const STAGING = '/data/app/vmdl1000.tmp/base.apk';

export class ApkPackages {
  private readonly activityHooks = new Map<string, (activity: string) => void | Promise<void>>();
  /** Made on first use: most phones of a fleet never install an APK, and four empty Maps are 0.8 KiB a phone. */
  private tables: { packages: Map<string, ApkPackage>; processes: Map<string, PackageProcess & { abort: AbortController }>; services: Map<string, RunningService>; receivers: Map<string, Set<BroadcastReceiver>> } | undefined;

  private get t() {
    return (this.tables ??= { packages: new Map(), processes: new Map(), services: new Map(), receivers: new Map() });
  }
  private get packages() {
    return this.t.packages;
  }
  private get processes() {
    return this.t.processes;
  }
  private get services() {
    return this.t.services;
  }
  private get receivers() {
    return this.t.receivers;
  }

  constructor(private readonly host: PackageHost) {}

  get(packageName: string): ApkPackage | undefined {
    return this.packages.get(packageName);
  }

  list(): ApkPackage[] {
    return [...this.packages.values()];
  }

  /** Every instrumentation of every installed package. */
  instrumentations(): Array<Instrumentation & { packageName: string }> {
    return this.list().flatMap((p) => p.manifest.instrumentations.map((i) => ({ ...i, packageName: p.manifest.packageName })));
  }

  /** Parses the APK(s) and installs or updates the package; throws InstallError with the package manager's code. */
  async install(apks: Buffer[], options: InstallOptions, taken: (pkg: string) => string | undefined): Promise<ApkPackage> {
    if (apks.length === 0) throw new InstallError('INSTALL_FAILED_INVALID_APK', 'No APK files given');
    const manifests: ApkManifest[] = [];
    for (const apk of apks) {
      try {
        manifests.push(await readApkManifest(apk));
      } catch (e) {
        if (!(e instanceof ApkParseError)) throw e;
        throw new InstallError('INSTALL_PARSE_FAILED_NOT_APK', `Failed to parse ${STAGING}: Failed to load asset path ${STAGING}`);
      }
    }
    const base = manifests.find((m) => !m.split);
    if (!base) throw new InstallError('INSTALL_FAILED_INVALID_APK', 'Missing existing base package');
    const other = manifests.find((m) => m.packageName !== base.packageName);
    if (other) throw new InstallError('INSTALL_FAILED_INVALID_APK', `Inconsistent package ${other.packageName} in ${STAGING}; expected ${base.packageName}`);
    const pkg = base.packageName;
    const conflict = taken(pkg);
    if (conflict) throw new InstallError('INSTALL_FAILED_UPDATE_INCOMPATIBLE', conflict);
    if (base.minSdk > this.host.sdk) {
      throw new InstallError('INSTALL_FAILED_OLDER_SDK', `Failed parse during installPackageLI: ${STAGING} (at Binary XML file line #7): Requires newer sdk version #${base.minSdk} (current version is #${this.host.sdk})`);
    }
    if (base.testOnly && !options.allowTest) throw new InstallError('INSTALL_FAILED_TEST_ONLY', 'installPackageLI');
    const existing = this.packages.get(pkg);
    if (existing && options.noReplace) throw new InstallError('INSTALL_FAILED_ALREADY_EXISTS', `Attempt to re-install ${pkg} without first uninstalling.`);
    if (existing && base.versionCode < existing.manifest.versionCode && !options.allowDowngrade) {
      throw new InstallError('INSTALL_FAILED_VERSION_DOWNGRADE', `Downgrade detected: Update version code ${base.versionCode} is older than current ${existing.manifest.versionCode}`);
    }
    const now = this.host.now();
    const size = apks.reduce((n, b) => n + b.length, 0);
    if (existing) this.kill(pkg);
    const record: ApkPackage = existing
      ? { ...existing, manifest: base, lastUpdateTime: now, size }
      : { manifest: base, uid: this.host.nextUid(), codePath: this.host.apkDir(pkg), firstInstallTime: now, lastUpdateTime: now, size, granted: new Set(), stopped: true };
    if (options.grantAll) for (const p of base.permissions) record.granted.add(p);
    this.packages.set(pkg, record);
    this.host.log('I', 'PackageManager', `${existing ? 'Update' : 'Install'} package ${pkg} versionCode=${base.versionCode} codePath=${record.codePath} uid=${record.uid}`);
    return record;
  }

  uninstall(packageName: string): boolean {
    if (!this.packages.has(packageName)) return false;
    this.kill(packageName);
    // The activity hook stays: it is the package's code, which a reinstall brings back (the UiA2 driver uninstalls and reinstalls io.appium.settings).
    this.packages.delete(packageName);
    this.host.log('I', 'PackageManager', `Removing package ${packageName}`);
    return true;
  }

  // ---- processes and components ------------------------------------------------------------

  /** The package's process, started when absent (an activity, service or instrumentation of it starts). */
  startProcess(packageName: string): PackageProcess {
    const running = this.processes.get(packageName);
    if (running) return running;
    const record = this.packages.get(packageName);
    if (!record) throw new InstallError('DELETE_FAILED_INTERNAL_ERROR', `no package ${packageName}`);
    record.stopped = false;
    const abort = new AbortController();
    const proc = { pid: this.host.nextPid(), packageName, signal: abort.signal, startTime: this.host.now(), abort };
    this.processes.set(packageName, proc);
    this.host.log('I', 'ActivityManager', `Start proc ${proc.pid}:${packageName}/u0a${record.uid - 10000}`);
    return proc;
  }

  process(packageName: string): PackageProcess | undefined {
    return this.processes.get(packageName);
  }

  runningProcesses(): PackageProcess[] {
    return [...this.processes.values()];
  }

  /** Kills the process (its services go with it). True when one was running. */
  kill(packageName: string): boolean {
    const proc = this.processes.get(packageName);
    for (const [component, s] of this.services) if (s.packageName === packageName) this.services.delete(component);
    if (!proc) return false;
    this.processes.delete(packageName);
    proc.abort.abort();
    this.host.log('I', 'ActivityManager', `Killing ${proc.pid}:${packageName}/u0a${this.packages.get(packageName)!.uid - 10000} (adj 0): stop ${packageName}`);
    return true;
  }

  /** `am force-stop`: the process dies and the package is marked stopped. */
  forceStop(packageName: string): void {
    const record = this.packages.get(packageName);
    if (!record) return;
    this.kill(packageName);
    record.stopped = true;
  }

  /** Starts a service of the package in its process (what the package's own code does when told to). */
  startService(component: string, options: { foreground?: boolean; channel?: string } = {}): RunningService {
    const [packageName] = component.split('/') as [string];
    const proc = this.startProcess(packageName);
    const service: RunningService = { component, packageName, foreground: options.foreground ?? false, ...(options.channel ? { channel: options.channel } : {}), pid: proc.pid, createTime: this.host.now() };
    this.services.set(component, service);
    return service;
  }

  stopService(component: string): boolean {
    return this.services.delete(component);
  }

  runningServices(packageName?: string): RunningService[] {
    return [...this.services.values()].filter((s) => packageName === undefined || s.packageName === packageName);
  }

  /** What the package does when one of its activities starts (the default: its process starts, nothing shows). */
  onActivityStart(packageName: string, hook: (activity: string) => void | Promise<void>): () => void {
    this.activityHooks.set(packageName, hook);
    return () => {
      if (this.activityHooks.get(packageName) === hook) this.activityHooks.delete(packageName);
    };
  }

  async startActivity(packageName: string, activity: string): Promise<void> {
    this.startProcess(packageName);
    await this.activityHooks.get(packageName)?.(activity);
  }

  /** A receiver for `am broadcast -a ACTION`; returns the unregister function. */
  registerReceiver(action: string, receiver: BroadcastReceiver): () => void {
    let set = this.receivers.get(action);
    if (!set) {
      set = new Set();
      this.receivers.set(action, set);
    }
    set.add(receiver);
    return () => set.delete(receiver);
  }

  /** Delivers an ordered broadcast; the last receiver's result wins (0 when nobody answers, as Activity.RESULT_CANCELED). */
  async broadcast(intent: { action: string; extras: Record<string, string> }): Promise<BroadcastResult> {
    let result: BroadcastResult = { code: 0 };
    for (const receiver of this.receivers.get(intent.action) ?? []) result = await receiver(intent);
    return result;
  }

  /** Shutdown: every process dies. */
  killAll(): void {
    for (const pkg of [...this.processes.keys()]) this.kill(pkg);
  }
}
