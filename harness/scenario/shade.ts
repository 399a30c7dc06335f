/**
 * Reading the notification shade the way a real device shows it: XPath over the UiAutomator2 page
 * source (`android:id/title` / `android:id/text`, which stock and ColorOS templates share) and the
 * `dumpsys notification --noredact` record dump for what the UI does not show (the channel).
 */
import { parseExtrasLines } from '../device/logcat.ts';
import { parseNotificationRecords } from '../device/notification-dump.ts';
import { DEFAULT_NOTIFICATION_SOUND } from '../phone/system.ts';

export { DEFAULT_NOTIFICATION_SOUND };

export interface NotificationMatch {
  title: string;
  /** Exact notification text; absent: any text. */
  text?: string;
}

/** Whether a notification shows the title of `match` (and its text, when `match` gives one). */
export function matchesNotification(shown: { title: string; text?: string }, match: NotificationMatch): boolean {
  return shown.title === match.title && (match.text === undefined || shown.text === match.text);
}

/** An XPath string literal for any text (XPath 1.0 has no escapes, so quotes need concat()). */
export function xpathLiteral(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return `concat(${value
    .split("'")
    .map((part) => `'${part}'`)
    .join(`, "'", `)})`;
}

/** The title node of a matching notification; works on a real shade and a virtual one. */
export function titleXPath(match: NotificationMatch): string {
  const title = `//*[@resource-id='android:id/title' and @text=${xpathLiteral(match.title)}]`;
  if (match.text === undefined) return title;
  // The row is the nearest ancestor holding a text view (OEM shades wrap the template views
  // differently, so no absolute path); the title matches if that row's text matches too.
  const text = `.//*[@resource-id='android:id/text' and @text=${xpathLiteral(match.text)}]`;
  return `${title}[ancestor::*[.//*[@resource-id='android:id/text']][1][${text}]]`;
}

/** One notification record from `dumpsys notification --noredact`. */
export interface NotificationRecord {
  packageName: string;
  key: string;
  channel?: string;
  /** The sound the notification plays: its channel's `mSound` on Android 8+ (the system default is {@link DEFAULT_NOTIFICATION_SOUND}). */
  sound?: string;
  title?: string;
  text?: string;
}

/**
 * The record list of `dumpsys notification --noredact` (android-automation.md §6.2), as far as the
 * scenario layer reads it (the full records: harness/device/notification-dump.ts).
 */
export function parseNotificationDump(dump: string): NotificationRecord[] {
  return parseNotificationRecords(dump).map((r) => {
    const record: NotificationRecord = { packageName: r.packageName, key: r.key };
    if (r.channel !== undefined) record.channel = r.channel;
    if (r.sound !== undefined) record.sound = r.sound;
    if (r.notification.title !== null) record.title = r.notification.title;
    if (r.notification.text !== null) record.text = r.notification.text;
    return record;
  });
}

/** `key = K:value = V` lines, as the sample code in Tencent's OPPO guide logs each extra. */
export const parseExtrasLog = parseExtrasLines;
