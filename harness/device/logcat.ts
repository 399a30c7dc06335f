/**
 * Logcat in its default `threadtime` format (`MM-DD HH:MM:SS.mmm  PID  TID P TAG     : message`,
 * android-automation.md §6.4), and the two kinds of line a push test reads from it: the extras the
 * app logged when a notification opened it, and what the push SDK/service said.
 */

export interface LogLine {
  /** `MM-DD HH:MM:SS.mmm` as printed (logcat has no year). */
  time: string;
  pid: number;
  tid: number;
  level: string;
  tag: string;
  message: string;
}

const THREADTIME = /^(\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\s+(\d+)\s+(\d+)\s+([VDIWEFS])\s+(.*?)\s*: (.*)$/;

/** The lines of a `logcat -d -v threadtime` dump; buffer headers (`--------- beginning of main`) and noise are skipped. */
export function parseThreadtime(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = THREADTIME.exec(raw);
    if (m) lines.push({ time: m[1]!, pid: Number(m[2]), tid: Number(m[3]), level: m[4]!, tag: m[5]!, message: m[6]! });
  }
  return lines;
}

/** `key = K:value = V`, as the sample code in Tencent's OPPO guide logs each extra. */
const EXTRA_LINE = /key = (.*?):value = (.*)$/;

/** The extras in these log messages (later lines win for a repeated key). */
export function parseExtrasLines(messages: string[]): Record<string, string> {
  const extras: Record<string, string> = {};
  for (const message of messages) {
    const m = EXTRA_LINE.exec(message);
    if (m) extras[m[1]!] = m[2]!;
  }
  return extras;
}

/** What the app logged under its extras tag, read as extras. */
export function extrasFromLog(lines: LogLine[], tag: string): Record<string, string> {
  return parseExtrasLines(lines.filter((l) => l.tag === tag).map((l) => l.message));
}

/**
 * Tags the OPPO push path logs under: the HeyTap push service and SDK callbacks, and the system's
 * notification click. [uncertain] the real SDK's tags vary by SDK version (`mcssdk` in the 2.x/3.x
 * SDKs); the list is what the lab's phones use plus those.
 */
export const PUSH_LOG_TAGS = ['HeytapPush', 'PushCallback', 'mcssdk', 'NotificationClicker'];

export function pushLines(lines: LogLine[], tags: readonly string[] = PUSH_LOG_TAGS): LogLine[] {
  return lines.filter((l) => tags.includes(l.tag));
}
