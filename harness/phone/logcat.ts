/** The phone's logcat: a bounded ring buffer of entries formatted as `logcat -v threadtime` prints them. */
import type { Clock } from '../../mock-oppo/core/clock.ts';
import type { LogcatEntry } from './api.ts';

export type Level = LogcatEntry['level'];

export class Logcat {
  private entries: LogcatEntry[] = [];
  private next = 0;
  private readonly followers = new Set<(entry: LogcatEntry) => void>();
  private readonly stamp: Intl.DateTimeFormat;

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    timeZone: string,
  ) {
    this.stamp = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
  }

  write(pid: number, level: Level, tag: string, message: string, tid = pid): LogcatEntry {
    const time = this.clock.now();
    const entry: LogcatEntry = { index: this.next++, time, pid, tid, level, tag, message, line: this.format(time, pid, tid, level, tag, message) };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    for (const follower of this.followers) follower(entry);
    return entry;
  }

  /** Calls `listener` with every entry written from now on (a streaming `logcat`); returns the unsubscribe. */
  follow(listener: (entry: LogcatEntry) => void): () => void {
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }

  /** Entries from index `sinceIndex` on (all when absent): a reader passes `last.index + 1`. */
  read(sinceIndex = 0): LogcatEntry[] {
    return this.entries.filter((e) => e.index >= sinceIndex);
  }

  /** `logcat -c`: the indexes keep counting so readers holding an index stay correct. */
  clear(): void {
    this.entries = [];
  }

  /** `MM-DD HH:MM:SS.mmm  PID  TID P TAG     : message` (printf `%s.%03ld %5d %5d %c %-8s: `). */
  private format(time: number, pid: number, tid: number, level: Level, tag: string, message: string): string {
    const p = Object.fromEntries(this.stamp.formatToParts(time).map((x) => [x.type, x.value]));
    const ms = String(((time % 1000) + 1000) % 1000).padStart(3, '0');
    const head = `${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${ms} ${String(pid).padStart(5)} ${String(tid).padStart(5)} ${level} ${tag.padEnd(8)}: `;
    return head + message;
  }
}
