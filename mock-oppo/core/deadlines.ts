/**
 * Many deadlines (one per queued target), one clock timer: a min-heap keeps the earliest due and
 * only that one is armed on the clock, so queueing stays O(log n) however many messages wait.
 */
import type { Clock, TimerHandle } from './clock.ts';
import { TimerHeap } from './timer-heap.ts';

export interface DeadlineHandle {
  cancel(): void;
}

/** One deadline; it is its own handle (no closure per deadline: one is made per queued message). */
class Entry<T = unknown> implements DeadlineHandle {
  cancelled = false;

  constructor(
    readonly at: number,
    readonly seq: number,
    readonly fn: (arg: T) => void,
    readonly arg: T,
    private readonly owner: Deadlines,
  ) {}

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.owner.noteCancelled();
  }
}

/** Deadlines that share an instant and a callback: one heap entry for all of them. */
class Batch<T> {
  items: Array<T | undefined> = [];
  live = 0;
  fired = false;
  entry: DeadlineHandle | undefined;

  constructor(
    readonly at: number,
    readonly fn: (arg: T) => void,
  ) {}
}

class BatchSlot<T> implements DeadlineHandle {
  constructor(
    private readonly batch: Batch<T>,
    private readonly index: number,
  ) {}

  cancel(): void {
    const { batch } = this;
    if (batch.items[this.index] === undefined) return;
    batch.items[this.index] = undefined;
    if (--batch.live === 0) batch.entry?.cancel();
  }
}

function fireBatch<T>(batch: Batch<T>): void {
  batch.fired = true;
  for (let i = 0; i < batch.items.length; i++) {
    const item = batch.items[i];
    if (item === undefined) continue;
    batch.items[i] = undefined; // fired: a later cancel() of its slot is a no-op
    batch.fn(item);
  }
}

export class Deadlines {
  /** The batch the latest `batched()` call joined; consecutive calls for the same instant share it. */
  private lastBatch: Batch<never> | undefined;
  private readonly heap = new TimerHeap<Entry>();
  private seq = 0;
  private armed: { at: number; handle: TimerHandle } | undefined;

  constructor(private readonly clock: Clock) {}

  /** Calls `fn(arg)` once the clock reaches `time`. */
  at<T>(time: number, fn: (arg: T) => void, arg: T): DeadlineHandle {
    const entry = new Entry(time, this.seq++, fn, arg, this);
    this.heap.push(entry as Entry);
    this.arm();
    return entry;
  }

  /**
   * Like `at`, for the common case of many deadlines at the same instant (messages queued in the
   * same millisecond with the same TTL): they share one heap entry.
   */
  batched<T>(time: number, fn: (arg: T) => void, arg: T): DeadlineHandle {
    let batch = this.lastBatch as Batch<T> | undefined;
    if (!batch || batch.at !== time || batch.fn !== fn || batch.fired || batch.live === 0) {
      batch = new Batch(time, fn);
      batch.entry = this.at(time, fireBatch, batch);
      this.lastBatch = batch as unknown as Batch<never>;
    }
    batch.live++;
    return new BatchSlot(batch, batch.items.push(arg) - 1);
  }

  /** @internal called by a cancelled entry. */
  noteCancelled(): void {
    this.heap.noteCancelled();
  }

  clear(): void {
    this.heap.clear();
    this.lastBatch = undefined;
    this.armed?.handle.cancel();
    this.armed = undefined;
  }

  private arm(): void {
    const next = this.heap.peek();
    if (!next) {
      this.armed?.handle.cancel();
      this.armed = undefined;
      return;
    }
    if (this.armed && this.armed.at <= next.at) return;
    this.armed?.handle.cancel();
    const at = next.at;
    const handle = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.armed = undefined;
      this.fireDue();
    });
    this.armed = { at, handle };
  }

  private fireDue(): void {
    const now = this.clock.now();
    let next = this.heap.peek();
    while (next && next.at <= now) {
      this.heap.pop();
      next.cancelled = true; // fired: a later cancel() is a no-op
      next.fn(next.arg);
      next = this.heap.peek();
    }
    this.arm();
  }
}
