/**
 * The one clock every rule reads. A lab runs on a frozen virtual clock (time moves only when a spec
 * advances it, so runs are deterministic); the standalone mock runs on a flowing clock (real time
 * plus whatever the control API jumped ahead), so a backend signing auth with Date.now() still works.
 */
import { EventEmitter } from 'node:events';
import { TimerHeap, type TimedEntry } from './timer-heap.ts';

export type Duration = number | string;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** The last instant a JavaScript Date can hold (±8.64e15 ms, about 275,000 years after 1970): no clock goes past it. */
export const MAX_EPOCH_MS = 8.64e15;
/** The longest duration anything accepts: the whole span a Date can hold. */
export const MAX_DURATION_MS = MAX_EPOCH_MS;

/** Parses `250`, `'250ms'`, `'10m'`, `'400s'`, `'7d'`, `'1h30m'` into milliseconds (at most MAX_DURATION_MS). */
export function parseDuration(value: Duration): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`duration must be a non-negative number of ms, got ${value}`);
    if (value > MAX_DURATION_MS) throw new RangeError(`duration ${value} ms is longer than the ${MAX_DURATION_MS} ms a clock can hold`);
    return value;
  }
  if (typeof value !== 'string') throw new RangeError(`duration must be a number of ms or a string like '10m', got ${typeof value}`);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return parseDuration(Number(text));
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new RangeError(`cannot parse duration '${value}' (use e.g. 250ms, 400s, 10m, 24h, 7d, 1h30m)`);
  }
  return parseDuration(parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0));
}

/** Whether `t` is an instant a clock can be set to (a Date can hold it). */
export function isEpochMs(t: unknown): t is number {
  return typeof t === 'number' && Number.isFinite(t) && Math.abs(t) <= MAX_EPOCH_MS;
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

/** One pending timer; it is its own handle, so a timer costs one object and no closure. */
class ClockTimer implements TimedEntry, TimerHandle {
  cancelled = false;

  constructor(
    readonly at: number,
    readonly seq: number,
    readonly fn: () => void,
    private readonly heap: TimerHeap<ClockTimer>,
  ) {}

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.heap.noteCancelled();
  }
}

export interface VirtualClockOptions {
  /** Start time in epoch ms (default: the real time when the clock is made). */
  start?: number;
  /** true: time also flows in real time between jumps (standalone mock); false: frozen (lab). */
  flowing?: boolean;
}

/**
 * Timers sit in a min-heap (O(log n) to set, O(1) to cancel), so thousands of phones re-arming
 * heartbeats cost no more per timer than one.
 */
export class VirtualClock extends EventEmitter implements Clock {
  readonly flowing: boolean;
  private base: number;
  private realStart: number;
  private readonly timers = new TimerHeap<ClockTimer>();
  private seq = 0;
  private armed: { at: number; handle: NodeJS.Timeout } | undefined;
  private firing = false;
  /** Timer callbacks that threw (each reported on stderr; time moved on regardless). */
  timerErrors = 0;

  constructor(options: VirtualClockOptions = {}) {
    super();
    this.flowing = options.flowing ?? false;
    const start = options.start ?? Date.now();
    if (!isEpochMs(start)) throw new RangeError(`clock start must be epoch ms within ±${MAX_EPOCH_MS}, got ${start}`);
    this.base = start;
    this.realStart = performance.now();
  }

  now(): number {
    if (!this.flowing) return this.base;
    return Math.floor(this.base + (performance.now() - this.realStart));
  }

  /** Throws a RangeError (and schedules nothing) when the timer would fall due past MAX_EPOCH_MS. */
  setTimer(delay: Duration, fn: () => void): TimerHandle {
    const at = this.now() + parseDuration(delay);
    if (at > MAX_EPOCH_MS) throw new RangeError(`a timer ${delay} from now falls after the last instant a clock can hold (${MAX_EPOCH_MS})`);
    const timer = new ClockTimer(at, this.seq++, fn, this.timers);
    this.timers.push(timer);
    if (!this.armed || at < this.armed.at) this.arm();
    return timer;
  }

  /** Moves time forward, firing every timer that falls due, in order, each at its own instant. */
  advance(by: Duration): number {
    const target = this.now() + parseDuration(by);
    if (target > MAX_EPOCH_MS) throw new RangeError(`advancing by ${by} goes past the last instant a clock can hold (${MAX_EPOCH_MS})`);
    return this.jumpTo(target);
  }

  /** Sets the time. Moving backwards is allowed (no timers fire); forwards fires due timers. */
  set(to: number): number {
    if (!isEpochMs(to)) throw new RangeError(`clock time must be epoch ms within ±${MAX_EPOCH_MS}, got ${to}`);
    return this.jumpTo(Math.floor(to));
  }

  /** Pending timers (for the control API and for tests). */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** When the next timer falls due, so a lab can step time timer by timer and let I/O settle between. */
  nextDueAt(): number | undefined {
    return this.timers.peek()?.at;
  }

  /** Stops real-time scheduling; pending timers stay but no longer fire on their own. */
  dispose(): void {
    if (this.armed) clearTimeout(this.armed.handle);
    this.armed = undefined;
    this.timers.clear();
  }

  private jumpTo(target: number): number {
    let fired = 0;
    // Timers fire at their own instant so a callback that reads now() sees the time it was due.
    for (let next = this.timers.peek(); next && next.at <= target; next = this.timers.peek()) {
      this.timers.pop();
      this.setNow(next.at);
      fired += this.fire(next);
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

  private fire(timer: ClockTimer): number {
    timer.cancelled = true; // fired: a later cancel() is a no-op
    this.firing = true;
    try {
      timer.fn();
    } catch (err) {
      // One rule's bug must not leave time stuck half-way or, on a flowing clock, crash the process.
      this.timerErrors++;
      console.error(`clock: a timer threw: ${(err as Error).stack ?? err}`);
    } finally {
      this.firing = false;
    }
    return 1;
  }

  private arm(): void {
    if (!this.flowing || this.firing) return;
    if (this.armed) clearTimeout(this.armed.handle);
    this.armed = undefined;
    const next = this.timers.peek();
    if (!next) return;
    const at = next.at;
    const wait = Math.max(0, at - this.now());
    const handle = setTimeout(() => {
      this.armed = undefined;
      this.jumpTo(Math.max(this.now(), at));
    }, Math.min(wait, MAX_TIMEOUT_MS));
    handle.unref();
    this.armed = { at, handle };
  }
}

/** setTimeout's longest delay; longer ones fire at once (with a TimeoutOverflowWarning), so they are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Wall-clock time, for real devices and the `live` profile. */
export class SystemClock extends EventEmitter implements Clock {
  now(): number {
    return Date.now();
  }
  setTimer(delay: Duration, fn: () => void): TimerHandle {
    const at = Date.now() + parseDuration(delay);
    let handle: NodeJS.Timeout;
    const wait = () => {
      const left = at - Date.now();
      handle = setTimeout(left > MAX_TIMEOUT_MS ? wait : fn, Math.max(0, Math.min(left, MAX_TIMEOUT_MS)));
      handle.unref();
    };
    wait();
    return { cancel: () => clearTimeout(handle) };
  }
}
