/** The `logcat` log type: like UiA2, each read drains what the previous read already returned. */
import type { LogDefRecord } from '@appium/types';
import type { VirtualOppoDriver } from '../driver.ts';

/** UiA2's logcat entry: appium-adb stamps every line with level ALL and the whole threadtime line. */
export interface LogcatLogEntry {
  timestamp: number;
  level: string;
  message: string;
}

export async function readLogcat(this: VirtualOppoDriver): Promise<LogcatLogEntry[]> {
  const entries = await this.phone.logcat(this.logcatCursor);
  const last = entries.at(-1);
  if (last) this.logcatCursor = last.index + 1;
  return entries.map((e) => ({ timestamp: e.time, level: 'ALL', message: e.line }));
}

export const supportedLogTypes: LogDefRecord = {
  logcat: {
    description: 'Logs for Android applications on real device and emulators via ADB',
    getter: (driver: VirtualOppoDriver) => driver.readLogcat(),
  },
};
