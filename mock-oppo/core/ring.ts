/** Fixed-capacity log: the newest `capacity` entries, oldest first; O(1) append on the request path. */
export class Ring<T> {
  private items: T[] = [];
  private start = 0;

  constructor(private cap: number) {}

  get capacity(): number {
    return this.cap;
  }

  /** A new capacity; when smaller, the oldest entries beyond it leave and are returned (oldest first). */
  resize(capacity: number): T[] {
    const all = this.toArray();
    const cut = Math.max(0, all.length - capacity);
    this.items = all.slice(cut);
    this.start = 0;
    this.cap = capacity;
    return all.slice(0, cut);
  }

  /** Appends; when full, the oldest entry makes room and is returned. */
  push(item: T): T | undefined {
    if (this.capacity <= 0) return item;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return undefined;
    }
    const evicted = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  toArray(): T[] {
    return this.items.slice(this.start).concat(this.items.slice(0, this.start));
  }

  /** The newest entry matching `pred`. */
  findLast(pred: (item: T) => boolean): T | undefined {
    const n = this.items.length;
    for (let k = 1; k <= n; k++) {
      const item = this.items[(this.start - k + n) % n]!;
      if (pred(item)) return item;
    }
    return undefined;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
  }
}
