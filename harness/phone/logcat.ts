/** The phone's logcat: a bounded ring buffer of entries formatted as `logcat -v threadtime` prints them. */
import type { Clock } from '../../mock-oppo/core/clock.ts';
import { Ring } from '../../mock-oppo/core/ring.ts';
import type { LogcatEntry } from './api.ts';

export type Level = LogcatEntry['level'];

/** `MM-DD HH:MM:SS` formatters, one per time zone for every phone (each costs ~50 µs and some KiB to make). */
const stamps = new Map<string, { format: Intl.DateTimeFormat; second: number; text: string }>();

function stampOf(timeZone: string, time: number): string {
  let stamp = stamps.get(timeZone);
  if (!stamp) {
    const format = new Intl.DateTimeFormat('en-GB', { timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    stamps.set(timeZone, (stamp = { format, second: NaN, text: '' }));
  }
  // A frozen clock logs many lines in the same second: format each second once.
  const second = Math.floor(time / 1000);
  if (second !== stamp.second) {
    const p = Object.fromEntries(stamp.format.formatToParts(time).map((x) => [x.type, x.value]));
    stamp.second = second;
    stamp.text = `${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  }
  return stamp.text;
}

/**
 * What the ring holds: the entry without its printed line. A fleet of 100,000 phones logs a dozen
 * lines each at boot and login, and the line (a tree of concatenated strings) was most of an
 * entry's size; it is printed when read instead.
 */
type Stored = Omit<LogcatEntry, 'line'>;

export class Logcat {
  private readonly entries: Ring<Stored>;
  private next = 0;
  /** Streaming readers (`logcat` without -d); made on first use, most phones never have one. */
  private followers: Set<(entry: LogcatEntry) => void> | undefined;

  constructor(
    private readonly clock: Clock,
    capacity: number,
    private readonly timeZone: string,
  ) {
    this.entries = new Ring(capacity);
  }

  write(pid: number, level: Level, tag: string, message: string, tid = pid): void {
    const entry: Stored = { index: this.next++, time: this.clock.now(), pid, tid, level, tag, message };
    this.entries.push(entry);
    if (this.followers) {
      const printed = this.printed(entry);
      for (const follower of this.followers) follower(printed);
    }
  }

  /** Calls `listener` with every entry written from now on (a streaming `logcat`); returns the unsubscribe. */
  follow(listener: (entry: LogcatEntry) => void): () => void {
    const followers = (this.followers ??= new Set());
    followers.add(listener);
    return () => followers.delete(listener);
  }

  /** Entries from index `sinceIndex` on (all when absent): a reader passes `last.index + 1`. */
  read(sinceIndex = 0): LogcatEntry[] {
    const all = this.entries.toArray();
    return (sinceIndex <= 0 ? all : all.filter((e) => e.index >= sinceIndex)).map((e) => this.printed(e));
  }

  /** `logcat -c`: the indexes keep counting so readers holding an index stay correct. */
  clear(): void {
    this.entries.clear();
  }

  private printed(e: Stored): LogcatEntry {
    return { ...e, line: this.format(e) };
  }

  /** `MM-DD HH:MM:SS.mmm  PID  TID P TAG     : message` (printf `%s.%03ld %5d %5d %c %-8s: `). */
  private format({ time, pid, tid, level, tag, message }: Stored): string {
    const ms = String(((time % 1000) + 1000) % 1000).padStart(3, '0');
    return `${stampOf(this.timeZone, time)}.${ms} ${String(pid).padStart(5)} ${String(tid).padStart(5)} ${level} ${tag.padEnd(8)}: ${message}`;
  }
}
