/**
 * Reading the notification shade the way a real device shows it: XPath over the UiAutomator2 page
 * source (`android:id/title` / `android:id/text`, which stock and ColorOS templates share) and the
 * `dumpsys notification --noredact` record dump for what the UI does not show (the channel).
 */
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
 * Parses the record list of `dumpsys notification --noredact` (android-automation.md §6.2).
 * The header format drifts across versions, so each field has its own tolerant pattern.
 */
export function parseNotificationDump(dump: string): NotificationRecord[] {
  const blocks = dump.split(/(?=^\s*NotificationRecord\()/m).filter((b) => /^\s*NotificationRecord\(/.test(b));
  return blocks.map((block) => {
    const header = block.split('\n', 1)[0]!;
    const extra = (name: string) => block.match(new RegExp(`^\\s*android\\.${name}=\\S+ \\((.*)\\)\\s*$`, 'm'))?.[1];
    const channel = header.match(/channel=([^\s)]+)/)?.[1] ?? block.match(/effectiveNotificationChannel=NotificationChannel\{mId='([^']+)'/)?.[1];
    const record: NotificationRecord = {
      packageName: header.match(/pkg=(\S+)/)?.[1] ?? '',
      key: header.match(/key=(\S+?)(?::| |appImportance|$)/)?.[1] ?? block.match(/^\s*key=(\S+)/m)?.[1] ?? '',
    };
    const sound = block.match(/effectiveNotificationChannel=NotificationChannel\{.*?mSound=([^,}\s]+)/)?.[1];
    const title = extra('title');
    const text = extra('text');
    if (channel !== undefined) record.channel = channel;
    if (sound !== undefined && sound !== 'null') record.sound = sound;
    if (title !== undefined) record.title = title;
    if (text !== undefined) record.text = text;
    return record;
  });
}

/** `key = K:value = V` lines, as the sample code in Tencent's OPPO guide logs each extra. */
export function parseExtrasLog(lines: string[]): Record<string, string> {
  const extras: Record<string, string> = {};
  for (const line of lines) {
    const m = line.match(/key = (.*?):value = (.*)$/);
    if (m) extras[m[1]!] = m[2]!;
  }
  return extras;
}
