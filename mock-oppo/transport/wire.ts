/**
 * A frame link's transport, as the device link and the IM client link see it: text frames in order,
 * a graceful close, an abrupt terminate. Two kinds:
 * - `wsWire(ws)`: a real WebSocket (phones in other processes or on other machines);
 * - `InProcessNetwork.pair()`: two ends in one process, no socket, so a lab can hold 100,000 phones
 *   (a process opens some 20,000 sockets at most, and each socket costs kernel and ws buffers).
 *
 * The in-process network delivers asynchronously and in order, like a socket, draining a shared
 * queue a batch per event-loop turn so HTTP traffic interleaves; `settle()` is one barrier for every
 * wire on it. A `cut()` end goes silent both ways without a close (the network is gone); the other
 * end hears `onSilent` — a simulation-only signal that lets a server compute when the peer's last
 * keep-alive went out instead of replaying every heartbeat (see the IM client link).
 */
import type { WebSocket } from 'ws';

export interface WireEnd {
  readonly open: boolean;
  send(text: string): void;
  /** Graceful close: the other end hears onClose(code, reason). */
  close(code?: number, reason?: string): void;
  /** Abrupt close (no handshake): both ends close at once. */
  terminate(): void;
  onMessage: ((text: string) => void) | undefined;
  onClose: ((code: number, reason: string) => void) | undefined;
  /** Only in-process: the other end went silent (network cut) at this instant of the sender's choosing. */
  onSilent: (() => void) | undefined;
  /** Whether this wire reports silence (so keep-alive need not be a frame per period). */
  readonly reportsSilence: boolean;
}

/** A WebSocket as a WireEnd. */
export function wsWire(ws: WebSocket): WireEnd {
  const end: WireEnd = {
    get open() {
      return ws.readyState === ws.OPEN;
    },
    send: (text) => {
      if (ws.readyState === ws.OPEN) ws.send(text);
    },
    close: (code = 1000, reason = '') => ws.close(code, reason.slice(0, 120)),
    terminate: () => ws.terminate(),
    onMessage: undefined,
    onClose: undefined,
    onSilent: undefined,
    reportsSilence: false,
  };
  ws.on('message', (data) => end.onMessage?.(data.toString()));
  ws.on('close', (code, reason) => end.onClose?.(code, reason.toString()));
  // ws reports protocol errors (oversized frame, bad UTF-8) here and closes; unheard they would crash.
  ws.on('error', () => ws.terminate());
  return end;
}

/** Frames drained per event-loop turn, so a broadcast to 100,000 phones does not starve HTTP. */
const DRAIN_BATCH = 4096;

type Delivery = { to: InProcessEnd; text: string } | { to: InProcessEnd; close: { code: number; reason: string } } | { to: InProcessEnd; silent: true };

class InProcessEnd implements WireEnd {
  peer!: InProcessEnd;
  onMessage: ((text: string) => void) | undefined;
  onClose: ((code: number, reason: string) => void) | undefined;
  onSilent: (() => void) | undefined;
  readonly reportsSilence = true;
  private state: 'open' | 'cut' | 'closed' = 'open';

  constructor(private readonly network: InProcessNetwork) {}

  get open(): boolean {
    return this.state === 'open';
  }

  send(text: string): void {
    if (this.state === 'open' && this.peer.state !== 'cut') this.network.enqueue({ to: this.peer, text });
  }

  close(code = 1000, reason = ''): void {
    if (this.state === 'closed') return;
    const wasCut = this.state === 'cut' || this.peer.state === 'cut';
    this.state = 'closed';
    // Over a cut network the close handshake never arrives: the peer learns of it only by its own means.
    if (!wasCut) this.network.enqueue({ to: this.peer, close: { code, reason } });
    this.network.enqueue({ to: this, close: { code, reason } });
  }

  terminate(): void {
    if (this.state === 'closed') return;
    const peerCut = this.peer.state === 'cut' || this.state === 'cut';
    this.state = 'closed';
    this.network.enqueue({ to: this, close: { code: 1006, reason: '' } });
    if (!peerCut && this.peer.state !== 'closed') {
      this.peer.state = 'closed';
      this.network.enqueue({ to: this.peer, close: { code: 1006, reason: '' } });
    }
  }

  /** The network under this end is gone: silence both ways, no close. */
  cut(): void {
    if (this.state !== 'open') return;
    this.state = 'cut';
    this.network.enqueue({ to: this.peer, silent: true });
  }

  /** @internal */
  receive(d: Delivery): void {
    if ('text' in d) {
      if (this.state === 'open') this.onMessage?.(d.text);
    } else if ('close' in d) {
      if (this.state === 'cut' || this.state === 'open') this.state = 'closed';
      const onClose = this.onClose;
      this.onClose = undefined;
      onClose?.(d.close.code, d.close.reason);
    } else if (this.state === 'open') {
      this.onSilent?.();
    }
  }
}

export class InProcessNetwork {
  private queue: Delivery[] = [];
  private head = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  /** Wires ever opened (for the bench and for tests). */
  opened = 0;

  /** A connected pair: [client end, server end]. */
  pair(): [WireEnd & { cut(): void }, WireEnd] {
    const a = new InProcessEnd(this);
    const b = new InProcessEnd(this);
    a.peer = b;
    b.peer = a;
    this.opened++;
    return [a, b];
  }

  /** Resolves once every frame sent so far, and every frame their handlers sent, was delivered. */
  settle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get busy(): boolean {
    return this.head < this.queue.length;
  }

  /** @internal */
  enqueue(d: Delivery): void {
    this.queue.push(d);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const end = Math.min(this.queue.length, this.head + DRAIN_BATCH);
    while (this.head < end) {
      const d = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Delivery;
      try {
        d.to.receive(d);
      } catch (err) {
        // A handler's bug is the handler's: the network goes on delivering to everyone else.
        console.error(`in-process wire: a frame handler threw: ${(err as Error).stack ?? err}`);
      }
    }
    if (this.head < this.queue.length) {
      if (this.head > DRAIN_BATCH) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.scheduled = true;
      setImmediate(() => this.drain());
      return;
    }
    this.queue = [];
    this.head = 0;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
