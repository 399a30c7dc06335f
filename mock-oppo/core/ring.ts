/** Fixed-capacity log: the newest `capacity` entries, oldest first; O(1) append on the request path. */
export class Ring<T> {
  private items: T[] = [];
  private start = 0;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    if (this.capacity <= 0) return;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  toArray(): T[] {
    return this.items.slice(this.start).concat(this.items.slice(0, this.start));
  }

  clear(): void {
    this.items = [];
    this.start = 0;
  }
}
