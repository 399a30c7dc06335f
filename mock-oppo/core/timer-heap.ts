/**
 * A min-heap of timed entries ordered by (at, seq), with lazy cancellation: a cancelled entry stays
 * in place until it reaches the top or until cancelled entries outnumber live ones, when one O(n)
 * pass drops them all. Every operation is O(log n) amortised, however many timers are pending.
 */
export interface TimedEntry {
  readonly at: number;
  readonly seq: number;
  cancelled: boolean;
}

/** Rebuild only past this many cancelled entries, so small heaps never pay for a pass. */
const COMPACT_AFTER = 1024;

export class TimerHeap<E extends TimedEntry> {
  private heap: E[] = [];
  private dead = 0;

  /** Live (not cancelled) entries. */
  get size(): number {
    return this.heap.length - this.dead;
  }

  /** Entries held, cancelled ones included (what the heap costs in memory). */
  get stored(): number {
    return this.heap.length;
  }

  push(entry: E): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(h[i]!, h[parent]!)) break;
      swap(h, i, parent);
      i = parent;
    }
  }

  /** The earliest live entry, without removing it. */
  peek(): E | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) {
      this.removeTop();
      this.dead--;
    }
    return this.heap[0];
  }

  /** Removes and returns the earliest live entry. */
  pop(): E | undefined {
    const top = this.peek();
    if (top) this.removeTop();
    return top;
  }

  /** Call once per entry whose `cancelled` was just set while it sat in this heap. */
  noteCancelled(): void {
    if (++this.dead > COMPACT_AFTER && this.dead * 2 > this.heap.length) this.compact();
  }

  clear(): void {
    this.heap = [];
    this.dead = 0;
  }

  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    this.heap = [];
    this.dead = 0;
    for (const entry of live) this.push(entry);
  }

  private removeTop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!, h[m]!)) m = l;
      if (r < h.length && less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      swap(h, i, m);
      i = m;
    }
  }
}

function less(a: TimedEntry, b: TimedEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function swap<E>(h: E[], i: number, j: number): void {
  const t = h[i]!;
  h[i] = h[j]!;
  h[j] = t;
}
