/**
 * The Appium Settings helper (`io.appium.settings`, installed from its APK by the UiAutomator2
 * driver), as far as a session needs it — the package's own code, on the phone's package model:
 *
 * - its launcher activity (`.Settings`) starts the ForegroundService and finishes at once (what was
 *   in front stays there): the service posts its ongoing "Appium Settings" notification and
 *   registers the helper's broadcast receivers, so `dumpsys activity services io.appium.settings`
 *   shows `isForeground=true`;
 * - `am broadcast -a io.appium.settings.notifications` answers `result=-1` with, as `data`, the JSON
 *   of what its notification listener (`.NLService`) saw in the phone's shade — the NotificationManager
 *   every front reads (newest first, at most 100, removed ones flagged). Without notification access
 *   (`cmd notification allow_listener io.appium.settings/.NLService`) it answers what the real helper
 *   does: `result=-1` and a sentence instead of JSON. While the service is not running nobody
 *   receives the broadcast (`result=0`).
 *
 * The listener sees the shade's whole remembered history, not only what was posted since access
 * was granted: the phone keeps one history for every reader ([uncertain] a real listener misses
 * notifications removed before it connected).
 */
import type { VirtualPhone } from '../phone.ts';

export const SETTINGS_PACKAGE = 'io.appium.settings';
export const SETTINGS_ACTIVITY = `${SETTINGS_PACKAGE}.Settings`;
export const SETTINGS_SERVICE = `${SETTINGS_PACKAGE}/.ForegroundService`;
export const SETTINGS_LISTENER = `${SETTINGS_PACKAGE}/.NLService`;
export const NOTIFICATIONS_ACTION = `${SETTINGS_PACKAGE}.notifications`;

/** NotificationHelpers: the foreground notification's id, channel and text. */
const FOREGROUND_NOTIFICATION_ID = 1;
const CHANNEL = { id: 'main_channel', name: 'Appium Settings', importance: 3 };
const CHANNEL_DESCRIPTION = 'Keep this service running, so Appium for Android can properly interact with several system APIs';
const NO_ACCESS =
  "Appium Settings helper has no access to the system notifications. The access must be granted manually via 'Notification access' page in device Settings.";

/** Teaches the phone's package model what the helper's code does; call once per phone. */
export function addAppiumSettingsBehaviour(phone: VirtualPhone): void {
  phone.apkPackages.onActivityStart(SETTINGS_PACKAGE, (activity) => {
    if (activity === SETTINGS_ACTIVITY) startForegroundService(phone);
  });
}

function startForegroundService(phone: VirtualPhone): void {
  const packages = phone.apkPackages;
  if (packages.runningServices(SETTINGS_PACKAGE).some((s) => s.component === SETTINGS_SERVICE)) return;
  packages.startService(SETTINGS_SERVICE, { foreground: true, channel: CHANNEL.id });
  const process = packages.process(SETTINGS_PACKAGE)!;
  const { uid } = packages.get(SETTINGS_PACKAGE)!;
  const unregister = packages.registerReceiver(NOTIFICATIONS_ACTION, () => ({
    code: -1,
    // NotificationsReceiver.isNotificationServiceEnabled: any enabled listener of the helper's package.
    data: phone.systemSettings.notificationListeners().some((c) => c.split('/')[0] === SETTINGS_PACKAGE)
      ? JSON.stringify({ statusBarNotifications: phone.notifications.statusBarNotifications() })
      : NO_ACCESS,
  }));
  const { notifications } = phone;
  notifications.createChannel(SETTINGS_PACKAGE, CHANNEL);
  notifications.setNotificationsEnabled(SETTINGS_PACKAGE, true);
  notifications.post({
    key: `0|${SETTINGS_PACKAGE}|${FOREGROUND_NOTIFICATION_ID}|null|${uid}`,
    packageName: SETTINGS_PACKAGE,
    id: FOREGROUND_NOTIFICATION_ID,
    tag: null,
    uid,
    channelId: CHANNEL.id,
    title: CHANNEL.name,
    text: '',
    bigText: CHANNEL_DESCRIPTION,
    ongoing: true,
    extras: {},
    click: null,
  });
  phone.log(process.pid, 'D', 'APPIUM SERVICE', 'Initializing the foreground service');
  // The process dying (force-stop, uninstall, shutdown) takes the service, its receivers and its notification with it.
  process.signal.addEventListener(
    'abort',
    () => {
      unregister();
      notifications.cancelPackage(SETTINGS_PACKAGE, 'force_stop');
    },
    { once: true },
  );
}
