/**
 * Checks before a run on phones reached over adb (the `emulator` and `device` profiles): is the
 * environment ready for the suite? Each check passes, fails with what to do, or is skipped with why.
 * A failure is "environment not ready" — its own exit code (EXIT_ENV_NOT_READY), never a red test:
 * nothing about the app under test has been tried yet.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CheckResult } from '../doctor/checks.ts';
import type { AdbClient, AdbServerAddress } from './adb-client.ts';
import { AndroidDevice } from './android-device.ts';
import { describeBuild } from './build-props.ts';
import { SHELL_POST_MIN_SDK } from './delivery-agent.ts';
import { DevicePickError, pickDevice } from './devices.ts';

export type { CheckResult };

/** The exit code of a run stopped by a failed check (a failed test is 1, a configuration mistake 2). */
export const EXIT_ENV_NOT_READY = 3;

/** Where Debian's `adb` and `aapt` packages put the SDK layout appium-adb looks for. */
export const DEBIAN_ANDROID_HOME = '/usr/lib/android-sdk';

/** Appium Settings' notification listener (what `mobile: getNotifications` reads). */
const SETTINGS_LISTENER = 'io.appium.settings/io.appium.settings.NLService';
const POST_NOTIFICATIONS = 'android.permission.POST_NOTIFICATIONS';

export interface DeviceCheckOptions {
  client: AdbClient;
  adb: AdbServerAddress;
  serials: string[];
  packageName: string;
  /** The channel the app's pushes name (the IM certificate's ChannelID). */
  channelId?: string;
  /** The lab's ports the phone should reach through `adb reverse` (device port = host port). */
  labPorts?: number[];
  /** Whether Appium runs here (its drivers and the host's adb can be checked) or elsewhere. */
  localAppium: boolean;
  /** The SDK directory appium-adb uses (default ANDROID_HOME, then ANDROID_SDK_ROOT). */
  androidHome?: string | undefined;
  /**
   * `E2E_SHELL` (default on). Off (a farm that forbids `mobile: shell`): adb serves only the delivery
   * agent, so only the checks of its route run (server, phone reachable, Android version); the
   * others are listed as skipped, each with what it would have run.
   */
  shell?: boolean;
}

const pass = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: 'pass', detail });
const fail = (id: string, title: string, detail: string, fix: string): CheckResult => ({ id, title, status: 'fail', detail, fix });
const skip = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: 'skip', detail });

/** `adb` in platform-tools and `aapt2`/`aapt` in some build-tools version: what appium-adb runs. */
export function hostToolsMissing(androidHome: string | undefined): string[] {
  if (!androidHome) return ['ANDROID_HOME (or ANDROID_SDK_ROOT) is not set'];
  const missing: string[] = [];
  if (!existsSync(join(androidHome, 'platform-tools', 'adb'))) missing.push(`${androidHome}/platform-tools/adb`);
  const buildTools = join(androidHome, 'build-tools');
  const versions = existsSync(buildTools) ? readdirSync(buildTools) : [];
  if (!versions.some((v) => existsSync(join(buildTools, v, 'aapt2')) || existsSync(join(buildTools, v, 'aapt')))) missing.push(`${buildTools}/<version>/aapt2`);
  return missing;
}

function hostChecks(o: DeviceCheckOptions): CheckResult[] {
  if (!o.localAppium) {
    return [
      skip('host_tools', 'adb and aapt next to Appium', 'Appium runs elsewhere (a farm, a Grid, E2E_APPIUM_URL): its machine needs them'),
      skip('uiautomator2_driver', 'the UiAutomator2 driver', 'Appium runs elsewhere (a farm, a Grid, E2E_APPIUM_URL): `appium driver list --installed` there must list uiautomator2'),
    ];
  }
  const results: CheckResult[] = [];
  const home = o.androidHome;
  const missing = hostToolsMissing(home);
  results.push(
    missing.length === 0
      ? pass('host_tools', 'adb and aapt next to Appium', `${home}: platform-tools/adb and build-tools aapt2`)
      : fail('host_tools', 'adb and aapt next to Appium', `missing: ${missing.join(', ')}`, `apt-get install -y adb aapt (Debian/Ubuntu) and export ANDROID_HOME=${DEBIAN_ANDROID_HOME}; or install the Android SDK's platform-tools and build-tools and point ANDROID_HOME at it`),
  );
  try {
    const require = createRequire(import.meta.url);
    const pkg = require('appium-uiautomator2-driver/package.json') as { version: string };
    results.push(pass('uiautomator2_driver', 'the UiAutomator2 driver', `appium-uiautomator2-driver ${pkg.version} (a dependency: Appium finds it)`));
  } catch {
    results.push(fail('uiautomator2_driver', 'the UiAutomator2 driver', 'appium-uiautomator2-driver is not installed', 'npm ci (it is a dev dependency), or `npx appium driver install uiautomator2`'));
  }
  return results;
}

async function deviceChecks(o: DeviceCheckOptions, serial: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const at = (title: string) => `${serial}: ${title}`;
  let device: AndroidDevice;
  try {
    device = await pickDevice(o.client, serial);
  } catch (error) {
    const message = (error as Error).message;
    return [fail(`${serial}:reachable`, at('device reachable over adb'), message, error instanceof DevicePickError ? 'see the detail' : `check \`adb -P ${o.adb.port} devices -l\``)];
  }
  const build = await device.buildProps();
  results.push(pass(`${serial}:reachable`, at('device reachable over adb'), describeBuild(build)));

  results.push(
    build.sdk >= SHELL_POST_MIN_SDK
      ? pass(`${serial}:android`, at('Android version supports the delivery'), `API ${build.sdk}: the adb delivery agent posts with cmd notification post`)
      : fail(
          `${serial}:android`,
          at('Android version supports the delivery'),
          `API ${build.sdk} (Android ${build.androidVersion}) has no \`cmd notification post\` (Android 10+, API ${SHELL_POST_MIN_SDK})`,
          'use an Android 10+ emulator image or phone; on Android 8/9 only the real OPPO push service can show the push (live profile)',
        ),
  );

  if (o.shell === false) return [...results, ...shellOffSkips(o, serial)];

  if (!(await device.isInstalled(o.packageName))) {
    results.push(fail(`${serial}:app`, at('app installed'), `${o.packageName} is not installed`, `adb -s ${serial} install <your app>.apk, then open it once and allow notifications`));
    return results;
  }
  results.push(pass(`${serial}:app`, at('app installed'), o.packageName));

  const settings = await device.notificationSettings(o.packageName);
  const granted = build.sdk < 33 || /android\.permission\.POST_NOTIFICATIONS: granted=true/.test(await device.shell(['dumpsys', 'package', o.packageName]));
  if (settings?.enabled !== false && granted) {
    results.push(pass(`${serial}:permission`, at('notification permission on'), `${o.packageName} may post notifications`));
  } else {
    results.push(
      fail(
        `${serial}:permission`,
        at('notification permission on'),
        `${o.packageName}'s notifications are off${granted ? '' : ` (${POST_NOTIFICATIONS} not granted)`} — ColorOS ships apps with them off`,
        `open the app once and allow notifications, or Settings → Notifications → the app → Allow${build.sdk >= 33 ? `; adb -s ${serial} shell pm grant ${o.packageName} ${POST_NOTIFICATIONS}` : ''}`,
      ),
    );
  }

  if (o.channelId !== undefined && build.sdk >= 26) {
    const channels = settings?.channels ?? [];
    results.push(
      channels.includes(o.channelId)
        ? pass(`${serial}:channel`, at(`the app's channel ${o.channelId}`), `channels: ${channels.join(', ')}`)
        : fail(`${serial}:channel`, at(`the app's channel ${o.channelId}`), `${o.packageName} has ${channels.length ? `channels ${channels.join(', ')}` : 'no channels'}`, `start the app once so it creates its notification channels (the IM certificate's ChannelID is ${o.channelId})`),
    );
  }

  const listeners = (await device.shell(['settings', 'get', 'secure', 'enabled_notification_listeners'])).trim();
  if (listeners.split(':').includes(SETTINGS_LISTENER)) {
    results.push(pass(`${serial}:listener`, at('notification access for mobile: getNotifications'), 'Appium Settings is a notification listener'));
  } else if (build.sdk >= 29) {
    results.push(pass(`${serial}:listener`, at('notification access for mobile: getNotifications'), 'not granted yet: the UiAutomator2 driver grants it at session start (cmd notification allow_listener); on ColorOS also allow "Notification access" for Appium Settings if getNotifications stays empty'));
  } else {
    results.push(
      fail(
        `${serial}:listener`,
        at('notification access for mobile: getNotifications'),
        `Android ${build.androidVersion}: the driver cannot grant it`,
        'Settings → Apps → Special access → Notification access → Appium Settings → allow (after a first session installed Appium Settings)',
      ),
    );
  }

  for (const port of o.labPorts ?? []) {
    const { output, exitCode } = await device.run(['sh', '-c', `echo 'GET / HTTP/1.0' | nc -w 3 127.0.0.1 ${port}`]);
    if (exitCode === 127 || /not found/.test(output)) {
      results.push(skip(`${serial}:lab:${port}`, at(`lab port ${port} reachable from the phone`), 'the phone has no nc to try it with'));
    } else {
      results.push(
        /^HTTP\/1\./.test(output)
          ? pass(`${serial}:lab:${port}`, at(`lab port ${port} reachable from the phone`), 'an HTTP server answers at 127.0.0.1 on the phone (adb reverse)')
          : fail(`${serial}:lab:${port}`, at(`lab port ${port} reachable from the phone`), output.trim() || 'no answer', `adb -s ${serial} reverse tcp:${port} tcp:${port}`),
      );
    }
  }
  return results;
}

/** The checks that need adb shell on the phone, listed (never silently dropped) when `E2E_SHELL=off`. */
function shellOffSkips(o: DeviceCheckOptions, serial: string): CheckResult[] {
  const off = (command: string) => `cannot run without shell (E2E_SHELL=off: only Appium commands reach the phone): it reads \`${command}\``;
  const at = (title: string) => `${serial}: ${title}`;
  return [
    skip(`${serial}:app`, at('app installed'), off(`pm list packages ${o.packageName}`)),
    skip(`${serial}:permission`, at('notification permission on'), off('dumpsys notification')),
    ...(o.channelId !== undefined ? [skip(`${serial}:channel`, at(`the app's channel ${o.channelId}`), off('dumpsys notification'))] : []),
    skip(`${serial}:listener`, at('notification access for mobile: getNotifications'), off('settings get secure enabled_notification_listeners')),
    ...(o.labPorts ?? []).map((port) => skip(`${serial}:lab:${port}`, at(`lab port ${port} reachable from the phone`), off(`nc 127.0.0.1 ${port}`))),
  ];
}

/**
 * The check a run fails with when no push can reach its phones (a farm phone with the lab backend
 * and no adb route for the delivery agent), instead of every push test timing out.
 */
export function noDeliveryRouteCheck(why: string): CheckResult {
  return fail(
    'delivery_route',
    'a route for the pushes to the phone',
    why,
    "give the farm's adb route to the phone (E2E_ADB_HOST, E2E_ADB_PORT, E2E_UDID: STF, Sauce Labs Virtual USB), or run E2E_FARM_BACKEND=live so the phone's own OPPO push service delivers",
  );
}

/** Every check, host first, then each phone's in turn. */
export async function runDeviceChecks(o: DeviceCheckOptions): Promise<CheckResult[]> {
  const results = hostChecks(o);
  try {
    await o.client.version();
    results.push(pass('adb_server', 'adb server', `${o.adb.host}:${o.adb.port}${o.shell === false ? " (only the delivery agent's posts use it: E2E_SHELL=off)" : ''}`));
  } catch (error) {
    results.push(fail('adb_server', 'adb server', `no adb server at ${o.adb.host}:${o.adb.port}: ${(error as Error).message}`, `start it (\`adb -P ${o.adb.port} start-server\`) or point E2E_ADB_HOST/E2E_ADB_PORT at yours`));
    return results;
  }
  for (const serial of o.serials) results.push(...(await deviceChecks(o, serial)));
  return results;
}

export const failed = (results: readonly CheckResult[]): CheckResult[] => results.filter((r) => r.status === 'fail');
