/** The phone's system packages and processes: what every virtual ColorOS phone has besides the apps. */
export const SYSTEMUI = 'com.android.systemui';
export const LAUNCHER = 'com.android.launcher';
export const BROWSER = 'com.heytap.browser';
export const PUSH_SERVICE_PACKAGE = 'com.heytap.mcs';
export const SHELL_PACKAGE = 'com.android.shell';

export const SYSTEM_PACKAGES = ['android', SYSTEMUI, LAUNCHER, BROWSER, PUSH_SERVICE_PACKAGE, SHELL_PACKAGE, 'com.android.settings', 'com.coloros.safecenter'];
export const LAUNCHER_ACTIVITY = `${LAUNCHER}/${LAUNCHER}.Launcher`;
export const BROWSER_ACTIVITY = `${BROWSER}/com.heytap.browser.main.BrowserActivity`;
/** Fixed pids of the system processes, so logcat and dumpsys are deterministic. */
export const PID = { system: 1234, systemui: 1876, launcher: 2204, push: 2419 } as const;
/** Android's default notification sound: a channel's `mSound` unless the app set its own. */
export const DEFAULT_NOTIFICATION_SOUND = 'content://settings/system/notification_sound';
/** The channel `cmd notification post` creates (android-automation.md §6.1). */
export const SHELL_CHANNEL = { id: 'shell_cmd', name: 'Shell command', importance: 3 };
/** The id and uid of every notification `cmd notification post` makes from `adb shell` (§6.1). */
export const SHELL_NOTIFICATION_ID = 2020;
export const SHELL_UID = 2000;

/** The key of a `cmd notification post` with this tag (one tag, one notification: a repost replaces it). */
export function shellNotificationKey(tag: string): string {
  return `0|${SHELL_PACKAGE}|${SHELL_NOTIFICATION_ID}|${tag}|${SHELL_UID}`;
}
