/**
 * Reads a socket as a queue of chunks: exactly n bytes for a header, or whatever has arrived for a
 * payload. Chunks are kept as they came and copied once when a read spans several, so an 18 MB APK
 * streamed in 64 KiB pieces costs one pass (joining buffers on every chunk made the UiAutomator2
 * server install take 27 s, past the driver's 20 s timeout). The source pauses while a reader lags.
 */
import type { Readable } from 'node:stream';

export class EndOfStream extends Error {
  override name = 'EndOfStream';
  constructor(wanted: number, had: number) {
    super(`the connection ended after ${had} of ${wanted} bytes`);
  }
}

/** Bytes held before the source is paused. */
const HIGH_WATER = 1 << 20;

export class ByteReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= HIGH_WATER) this.source.pause();
    this.notify();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };

  constructor(private readonly source: Readable) {
    source.on('data', this.onData);
    source.on('end', this.onEnd);
    source.on('close', this.onEnd);
    source.on('error', this.onEnd);
  }

  /** Bytes already received and not read yet. */
  get buffered(): number {
    return this.size;
  }

  /** Whether the peer closed its side and every byte has been read. */
  get done(): boolean {
    return this.ended && this.size === 0;
  }

  /** Exactly `n` bytes; rejects with EndOfStream when the peer closes first. */
  async read(n: number): Promise<Buffer> {
    while (this.size < n) {
      if (this.ended) throw new EndOfStream(n, this.size);
      await this.more();
    }
    return this.take(n);
  }

  /** At least one byte and at most `max` (all that is buffered by default); null once the peer has closed and all is read. */
  async readSome(max = Infinity): Promise<Buffer | null> {
    while (this.size === 0) {
      if (this.ended) return null;
      await this.more();
    }
    const first = this.chunks[0]!;
    return this.take(Math.min(max, first.length));
  }

  /** Stops reading the source and returns what was buffered (to hand the socket to someone else). */
  detach(): Buffer {
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    this.source.off('close', this.onEnd);
    this.source.off('error', this.onEnd);
    this.source.pause();
    const rest = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    return rest;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let result: Buffer;
    if (first.length >= n) {
      result = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      result = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const chunk = this.chunks[0]!;
        const part = Math.min(chunk.length, n - at);
        chunk.copy(result, at, 0, part);
        at += part;
        if (part === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(part);
      }
    }
    this.size -= n;
    if (this.size < HIGH_WATER && !this.ended) this.source.resume();
    return result;
  }

  private more(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
