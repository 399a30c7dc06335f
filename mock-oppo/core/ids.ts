/** Seeded id source: regIds, tokens and message ids are reproducible for a given seed and clock. */
export class IdGenerator {
  private state: number;
  private readonly machine: string;
  private counter: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
    this.machine = this.hex(10);
    this.counter = this.next() & 0xffffff;
  }

  /**
   * 24 hex in the shape of a MongoDB ObjectId (seconds, 5 seeded bytes, counter), which is what
   * OPPO's ids look like (`58ad4731…` is a 2017 timestamp); cheap enough for every message.
   */
  objectId(nowMs: number): string {
    this.counter = (this.counter + 1) & 0xffffff;
    return `${(Math.floor(nowMs / 1000) >>> 0).toString(16).padStart(8, '0')}${this.machine}${this.counter.toString(16).padStart(6, '0')}`;
  }

  /** `length` lower-case hex digits (mulberry32 stream). */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.next().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}
