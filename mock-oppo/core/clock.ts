/**
 * The one clock every rule reads. A lab runs on a frozen virtual clock (time moves only when a spec
 * advances it, so runs are deterministic); the standalone mock runs on a flowing clock (real time
 * plus whatever the control API jumped ahead), so a backend signing auth with Date.now() still works.
 */
import { EventEmitter } from 'node:events';

export type Duration = number | string;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses `250`, `'250ms'`, `'10m'`, `'400s'`, `'7d'`, `'1h30m'` into milliseconds. */
export function parseDuration(value: Duration): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`duration must be a non-negative number of ms, got ${value}`);
    return value;
  }
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return parseDuration(Number(text));
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new RangeError(`cannot parse duration '${value}' (use e.g. 250ms, 400s, 10m, 24h, 7d, 1h30m)`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once the clock reaches now + delay. */
  setTimer(delay: Duration, fn: () => void): TimerHandle;
  /** Fired after every jump of a virtual clock (advance/set), with the new time. */
  on(event: 'tick', listener: (now: number) => void): this;
  off(event: 'tick', listener: (now: number) => void): this;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export interface VirtualClockOptions {
  /** Start time in epoch ms (default: the real time when the clock is made). */
  start?: number;
  /** true: time also flows in real time between jumps (standalone mock); false: frozen (lab). */
  flowing?: boolean;
}

export class VirtualClock extends EventEmitter implements Clock {
  readonly flowing: boolean;
  private base: number;
  private realStart: number;
  private timers: Timer[] = [];
  private seq = 0;
  private armed: NodeJS.Timeout | undefined;
  private firing = false;

  constructor(options: VirtualClockOptions = {}) {
    super();
    this.flowing = options.flowing ?? false;
    this.base = options.start ?? Date.now();
    this.realStart = performance.now();
  }

  now(): number {
    if (!this.flowing) return this.base;
    return Math.floor(this.base + (performance.now() - this.realStart));
  }

  setTimer(delay: Duration, fn: () => void): TimerHandle {
    const timer: Timer = { at: this.now() + parseDuration(delay), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.arm();
    return {
      cancel: () => {
        timer.cancelled = true;
        this.timers = this.timers.filter((t) => t !== timer);
        this.arm();
      },
    };
  }

  /** Moves time forward, firing every timer that falls due, in order, each at its own instant. */
  advance(by: Duration): number {
    return this.jumpTo(this.now() + parseDuration(by));
  }

  /** Sets the time. Moving backwards is allowed (no timers fire); forwards fires due timers. */
  set(to: number): number {
    if (!Number.isFinite(to)) throw new RangeError(`clock time must be epoch ms, got ${to}`);
    return this.jumpTo(Math.floor(to));
  }

  /** Pending timers (for the control API and for tests). */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** When the next timer falls due, so a lab can step time timer by timer and let I/O settle between. */
  nextDueAt(): number | undefined {
    return this.timers[0]?.at;
  }

  /** Stops real-time scheduling; pending timers stay but no longer fire on their own. */
  dispose(): void {
    if (this.armed) clearTimeout(this.armed);
    this.armed = undefined;
    this.timers = [];
  }

  private jumpTo(target: number): number {
    let fired = 0;
    // Timers fire at their own instant so a callback that reads now() sees the time it was due.
    while (this.timers.length > 0 && this.timers[0]!.at <= target) {
      const timer = this.timers.shift()!;
      this.setNow(timer.at);
      fired += this.fire(timer);
    }
    this.setNow(target);
    this.arm();
    this.emit('tick', this.now());
    return fired;
  }

  private setNow(t: number): void {
    this.base = t;
    this.realStart = performance.now();
  }

  private fire(timer: Timer): number {
    if (timer.cancelled) return 0;
    this.firing = true;
    try {
      timer.fn();
    } finally {
      this.firing = false;
    }
    return 1;
  }

  private arm(): void {
    if (!this.flowing || this.firing) return;
    if (this.armed) clearTimeout(this.armed);
    this.armed = undefined;
    const next = this.timers[0];
    if (!next) return;
    const wait = Math.max(0, next.at - this.now());
    this.armed = setTimeout(() => {
      this.armed = undefined;
      this.jumpTo(Math.max(this.now(), next.at));
    }, Math.min(wait, 2_147_483_647));
    this.armed.unref();
  }
}

/** Wall-clock time, for real devices and the `live` profile. */
export class SystemClock extends EventEmitter implements Clock {
  now(): number {
    return Date.now();
  }
  setTimer(delay: Duration, fn: () => void): TimerHandle {
    const handle = setTimeout(fn, parseDuration(delay));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }
}
