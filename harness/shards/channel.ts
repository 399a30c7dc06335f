/**
 * One byte stream between the lab and a shard process, carrying every link of the shard's phones
 * (device links to mock-oppo, client links to IM) plus the shard's control calls. A shard of 50,000
 * phones thus costs one pipe, not 100,000 sockets, and a turn's frames go out as one write.
 *
 * Record: u32 LE length of what follows · u32 LE id · u8 op · payload (UTF-8). For a link op the id
 * names the link (the shard opens it, so it picks the ids); for CALL/REPLY/EVENT it names the call.
 * The stream is ordered, so a link's frames arrive in the order they were sent, like a socket's.
 *
 * A `ChannelEnd` is a WireEnd: the device-link and client-link code on either side cannot tell it
 * from an in-process wire. Like one, it reports a cut network (SILENT), so a phone's IM keep-alive
 * can be a lease instead of a frame every two minutes.
 */
import type { Duplex } from 'node:stream';
import type { WireEnd } from '../../mock-oppo/transport/wire.ts';

export const Op = {
  /** Shard → lab: a phone opened its push service's device link (id = new link). */
  OpenPush: 1,
  /** Shard → lab: an app's IM SDK opened a client link. */
  OpenIm: 2,
  Text: 3,
  /** Graceful close: payload `code reason`. */
  Close: 4,
  /** Abrupt close (no handshake). */
  Terminate: 5,
  /** The sender's network went away: silence without a close. */
  Silent: 6,
  /** A control call (payload JSON), answered by a Reply with the same id. */
  Call: 7,
  Reply: 8,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

const HEADER = 9;

type Handler = (id: number, op: Op, payload: string) => void;

/** Frames both ways over one Duplex, batched a write per event-loop turn. */
export class Channel {
  private out: Array<{ id: number; op: Op; payload: string }> = [];
  private scheduled = false;
  private pending: Buffer | undefined;
  private closed = false;
  /** Link frames each way (not calls), so a barrier can tell whether a round moved anything. */
  framesIn = 0;
  framesOut = 0;

  constructor(
    private readonly stream: Duplex,
    private readonly handler: Handler,
    private readonly onEnd: (error?: Error) => void,
  ) {
    stream.on('data', (chunk: Buffer) => this.read(chunk));
    stream.on('error', (err) => this.end(err));
    stream.on('close', () => this.end());
  }

  send(id: number, op: Op, payload = ''): void {
    if (this.closed) return;
    if (op !== Op.Call && op !== Op.Reply) this.framesOut++;
    this.out.push({ id, op, payload });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what is queued now (a Reply that must not wait for the turn's end uses it too). */
  flush(): void {
    this.scheduled = false;
    const out = this.out;
    if (out.length === 0 || this.closed) return;
    this.out = [];
    let size = 0;
    const lengths = new Array<number>(out.length);
    for (let i = 0; i < out.length; i++) size += HEADER + (lengths[i] = Buffer.byteLength(out[i]!.payload));
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    for (let i = 0; i < out.length; i++) {
      const r = out[i]!;
      buf.writeUInt32LE(5 + lengths[i]!, at);
      buf.writeUInt32LE(r.id, at + 4);
      buf[at + 8] = r.op;
      buf.write(r.payload, at + HEADER, 'utf8');
      at += HEADER + lengths[i]!;
    }
    this.stream.write(buf);
  }

  /** Flushes, then ends the stream (the peer sees 'close'). */
  close(): void {
    this.flush();
    this.closed = true;
    this.stream.end();
  }

  private read(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    while (buf.length - at >= 4) {
      const len = buf.readUInt32LE(at);
      if (buf.length - at - 4 < len) break;
      const id = buf.readUInt32LE(at + 4);
      const op = buf[at + 8] as Op;
      const payload = buf.toString('utf8', at + HEADER, at + 4 + len);
      at += 4 + len;
      if (op !== Op.Call && op !== Op.Reply) this.framesIn++;
      try {
        this.handler(id, op, payload);
      } catch (err) {
        // As on the in-process network: one handler's bug does not stop the others' frames.
        console.error(`shard channel: a frame handler threw: ${(err as Error).stack ?? err}`);
      }
    }
    if (at < buf.length) this.pending = buf.subarray(at);
  }

  private end(error?: Error): void {
    if (this.closed && !error) {
      this.onEnd();
      return;
    }
    this.closed = true;
    this.onEnd(error);
  }
}

/** One link's end on either side of a channel. */
export class ChannelEnd implements WireEnd {
  onMessage: ((text: string) => void) | undefined;
  onClose: ((code: number, reason: string) => void) | undefined;
  onSilent: (() => void) | undefined;
  readonly reportsSilence = true;
  private state: 'open' | 'cut' | 'closed' = 'open';

  constructor(
    readonly id: number,
    private readonly channel: Channel,
    private readonly forget: (id: number) => void,
  ) {}

  get open(): boolean {
    return this.state === 'open';
  }

  send(text: string): void {
    if (this.state === 'open') this.channel.send(this.id, Op.Text, text);
  }

  close(code = 1000, reason = ''): void {
    if (this.state === 'closed') return;
    const wasCut = this.state === 'cut';
    this.state = 'closed';
    if (!wasCut) this.channel.send(this.id, Op.Close, `${code} ${reason}`);
    this.closed(code, reason);
  }

  terminate(): void {
    if (this.state === 'closed') return;
    const wasCut = this.state === 'cut';
    this.state = 'closed';
    if (!wasCut) this.channel.send(this.id, Op.Terminate);
    this.closed(1006, '');
  }

  /** The network under this end is gone: silence both ways, no close. */
  cut(): void {
    if (this.state !== 'open') return;
    this.state = 'cut';
    this.channel.send(this.id, Op.Silent);
  }

  /** A link frame from the other side. */
  receive(op: Op, payload: string): void {
    if (op === Op.Text) {
      if (this.state === 'open') this.onMessage?.(payload);
    } else if (op === Op.Close || op === Op.Terminate) {
      if (this.state === 'closed') return;
      this.state = 'closed';
      const space = payload.indexOf(' ');
      this.closed(op === Op.Close ? Number(payload.slice(0, space)) : 1006, op === Op.Close ? payload.slice(space + 1) : '');
    } else if (op === Op.Silent && this.state === 'open') {
      this.onSilent?.();
    }
  }

  /** The channel under every link went away (the shard process ended). */
  lost(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closed(1006, '');
  }

  private closed(code: number, reason: string): void {
    this.forget(this.id);
    const onClose = this.onClose;
    this.onClose = undefined;
    // Heard asynchronously, as a socket's close is.
    if (onClose) queueMicrotask(() => onClose(code, reason));
  }
}

type Reply = { ok: unknown } | { error: string };

export interface PeerHandlers {
  /** Lab side: the shard opened a link of this kind. */
  onOpen?(kind: 'push' | 'im', end: ChannelEnd): void;
  /** The other side's control call; what it returns (or throws) is the reply. */
  onCall(body: { op: string; [key: string]: unknown }): unknown;
  /** The stream ended (the other process went away, or close()). */
  onEnd(error?: Error): void;
}

/** A channel's two uses on either side: link ends, and control calls with replies. */
export class ChannelPeer {
  readonly channel: Channel;
  private readonly ends = new Map<number, ChannelEnd>();
  private readonly calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextLink = 1;
  private nextCall = 1;
  private ended: Error | undefined;

  constructor(stream: Duplex, private readonly handlers: PeerHandlers) {
    this.channel = new Channel(stream, (id, op, payload) => this.dispatch(id, op, payload), (error) => this.lost(error));
  }

  /** Shard side: opens a link to the lab's mock-oppo (push) or IM (im). */
  open(kind: 'push' | 'im'): ChannelEnd {
    const end = this.track(this.nextLink++);
    this.channel.send(end.id, kind === 'push' ? Op.OpenPush : Op.OpenIm);
    return end;
  }

  call<T = unknown>(body: { op: string; [key: string]: unknown }): Promise<T> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextCall++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.channel.send(id, Op.Call, JSON.stringify(body));
    });
  }

  /** Links open now (for tests and the bench). */
  get links(): number {
    return this.ends.size;
  }

  close(): void {
    this.channel.close();
  }

  /** Rejects every call in flight and closes every link: the other side is gone. */
  lost(error = new Error('the shard channel closed')): void {
    if (this.ended) return;
    this.ended = error;
    for (const c of this.calls.values()) c.reject(error);
    this.calls.clear();
    for (const end of [...this.ends.values()]) end.lost();
    this.handlers.onEnd(error);
  }

  private track(id: number): ChannelEnd {
    const end = new ChannelEnd(id, this.channel, (gone) => this.ends.delete(gone));
    this.ends.set(id, end);
    return end;
  }

  private dispatch(id: number, op: Op, payload: string): void {
    switch (op) {
      case Op.OpenPush:
      case Op.OpenIm:
        this.handlers.onOpen?.(op === Op.OpenPush ? 'push' : 'im', this.track(id));
        return;
      case Op.Call:
        void this.answer(id, payload);
        return;
      case Op.Reply: {
        const call = this.calls.get(id);
        if (!call) return;
        this.calls.delete(id);
        const reply = JSON.parse(payload) as Reply;
        if ('error' in reply) call.reject(new Error(reply.error));
        else call.resolve(reply.ok);
        return;
      }
      default:
        this.ends.get(id)?.receive(op, payload);
    }
  }

  private async answer(id: number, payload: string): Promise<void> {
    let reply: Reply;
    try {
      reply = { ok: (await this.handlers.onCall(JSON.parse(payload))) ?? null };
    } catch (err) {
      reply = { error: (err as Error).message };
    }
    this.channel.send(id, Op.Reply, JSON.stringify(reply));
  }
}
