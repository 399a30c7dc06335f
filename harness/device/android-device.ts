/**
 * One Android device (emulator, USB phone, STF device, or a lab phone over the lab's ADB endpoint),
 * driven with adbkit: who it is, its packages, starting and stopping apps, `adb reverse` of the
 * lab's ports, logcat, and the notification manager's dump. Every call is one adb request (adbkit
 * opens a socket per call); nothing is cached but the build properties, which do not change.
 */
import type { AdbClient, AdbDeviceClient } from './adb-client.ts';
import { readAllText } from './adb-client.ts';
import { readBuildProps, type BuildProps } from './build-props.ts';
import { extrasFromLog, parseThreadtime, pushLines, type LogLine } from './logcat.ts';
import { parseNotificationRecords, parseNotificationSettings, type DumpedNotification, type PackageNotificationSettings } from './notification-dump.ts';

export interface StartOptions {
  /** `pkg/.Activity` or `pkg/pkg.Activity`. */
  component?: string;
  action?: string;
  data?: string;
  categories?: string[];
  flags?: number;
  /** String extras (`--es`), as OPPO's `action_parameters` reach an activity. */
  extras?: Record<string, string>;
  /** `am start -W`: wait until the activity has launched. */
  wait?: boolean;
}

export interface ShellResult {
  output: string;
  exitCode: number;
}

/** The marker our exit-status suffix prints; the legacy `shell:` service carries no exit code of its own. */
const RC_MARK = '__push_lab_rc=';

export class AndroidDevice {
  private props: BuildProps | undefined;
  readonly adb: AdbDeviceClient;

  constructor(
    readonly client: AdbClient,
    readonly serial: string,
  ) {
    this.adb = client.getDevice(serial);
  }

  /**
   * A shell command's output (stdout and stderr together, as `adb shell` without v2 gives them).
   * An array is quoted word by word, so titles and extras with spaces or quotes arrive intact.
   */
  async shell(command: string | string[]): Promise<string> {
    return readAllText(await this.adb.shell(command));
  }

  /** The output and the exit status of a command (the status echoed after it). */
  async run(command: string[]): Promise<ShellResult> {
    const quoted = command.map((a) => `'${a.replace(/'/g, `'"'"'`)}'`).join(' ');
    const text = await this.shell(`${quoted}; echo "${RC_MARK}$?"`);
    const at = text.lastIndexOf(RC_MARK);
    if (at < 0) return { output: text, exitCode: -1 };
    return { output: text.slice(0, at), exitCode: Number(text.slice(at + RC_MARK.length).trim()) };
  }

  /** `adb get-state`: `device`, `offline`, `unauthorized`, ... */
  state(): Promise<string> {
    return this.adb.getState();
  }

  async properties(): Promise<Record<string, string>> {
    return (await this.adb.getProperties()) as Record<string, string>;
  }

  /** Brand, model, Android and ColorOS versions (read once). */
  async buildProps(): Promise<BuildProps> {
    this.props ??= readBuildProps(await this.properties());
    return this.props;
  }

  // ---- packages

  isInstalled(packageName: string): Promise<boolean> {
    return this.adb.isInstalled(packageName);
  }

  /** Installs (or updates) an APK file from this machine; adbkit pushes it, then `pm install -r`. */
  async install(apkPath: string): Promise<void> {
    await this.adb.install(apkPath);
  }

  async uninstall(packageName: string): Promise<boolean> {
    return this.adb.uninstall(packageName);
  }

  /** The launcher activity (`pkg/cls`, as `cmd package resolve-activity --brief` prints last), or undefined. */
  async launcherActivity(packageName: string): Promise<string | undefined> {
    const lines = (await this.shell(['cmd', 'package', 'resolve-activity', '--brief', packageName])).trim().split('\n');
    const last = lines.at(-1)?.trim() ?? '';
    return /^[\w.]+\/[\w.$]+$/.test(last) ? last : undefined;
  }

  // ---- app lifecycle

  async forceStop(packageName: string): Promise<void> {
    await this.shell(['am', 'force-stop', packageName]);
  }

  /** `am start` with string extras; rejects with the activity manager's `Error:` line. */
  async start(options: StartOptions): Promise<void> {
    await this.adb.startActivity({
      ...(options.component ? { component: options.component } : {}),
      ...(options.action ? { action: options.action } : {}),
      ...(options.data ? { data: options.data } : {}),
      ...(options.categories ? { category: options.categories } : {}),
      ...(options.flags ? { flags: options.flags } : {}),
      ...(options.extras ? { extras: options.extras } : {}),
      ...(options.wait ? { wait: true } : {}),
    });
  }

  // ---- the lab's ports

  /** `adb reverse tcp:DEVICE tcp:HOST`: the phone's `127.0.0.1:DEVICE` reaches this machine's HOST port. */
  async reverse(devicePort: number, hostPort: number = devicePort): Promise<void> {
    await this.adb.reverse(`tcp:${devicePort}`, `tcp:${hostPort}`);
  }

  /** The reverse forwards in place, as `{ remote: 'tcp:D', local: 'tcp:H' }`. */
  async reverses(): Promise<Array<{ remote: string; local: string }>> {
    return ((await this.adb.listReverses()) as Array<{ remote: string; local: string }>).map((r) => ({ remote: r.remote, local: r.local }));
  }

  // ---- logcat

  /** The log buffer so far (`logcat -d -v threadtime`), optionally only some tags. */
  async logcat(tags?: string[]): Promise<LogLine[]> {
    const filter = tags && tags.length > 0 ? ['-s', ...tags] : [];
    return parseThreadtime(await this.shell(['logcat', '-d', '-v', 'threadtime', ...filter]));
  }

  /** The extras an app logged under its tag (`key = K:value = V`) in the buffer so far. */
  async loggedExtras(tag: string): Promise<Record<string, string>> {
    return extrasFromLog(await this.logcat([tag]), tag);
  }

  /** What the push service and SDK logged. */
  async pushLog(): Promise<LogLine[]> {
    return pushLines(await this.logcat());
  }

  // ---- notifications

  /** `dumpsys notification --noredact` as the records `mobile: getNotifications` gives (plus channel and sound). */
  async notifications(packageName?: string): Promise<DumpedNotification[]> {
    const dump = await this.shell(['dumpsys', 'notification', '--noredact', ...(packageName ? ['p', packageName] : [])]);
    return parseNotificationRecords(dump);
  }

  /** A package's notification preferences (enabled, channels), or undefined when it has none yet. */
  async notificationSettings(packageName: string): Promise<PackageNotificationSettings | undefined> {
    const dump = await this.shell(['dumpsys', 'notification', 'p', packageName]);
    return parseNotificationSettings(dump).find((s) => s.packageName === packageName);
  }
}
