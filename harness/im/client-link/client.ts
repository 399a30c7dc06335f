/**
 * The app's IM SDK as the virtual phone and tests use it: one WebSocket to the fake IM server.
 *
 * Two ways to go away, as on a phone:
 * - close(): the process is killed; the socket closes (FIN), the server sees it at once → PushOnline.
 * - drop(): the network is gone; nothing more goes out or comes in, but no FIN reaches the server,
 *   which notices only when `heartbeatTimeout` passes without a frame; it then drops the socket
 *   and this link emits 'close' (as the SDK notices its own dead connection).
 */
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { wsWire, type WireEnd } from '../../../mock-oppo/transport/wire.ts';
import { CLIENT_LINK_PATH, type ClientToServer, type LinkMessage, type ServerToClient } from './protocol.ts';

export class ImLinkError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ImLinkError';
  }
}

/** Code for requests that could not reach the server (link closed or dropped). */
export const LINK_GONE = -1;

type Platform = Extract<ClientToServer, { op: 'login' }>['platform'];
type Request = { resolve: () => void; reject: (err: ImLinkError) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface ImClientLinkEvents {
  message: [LinkMessage];
  kicked: ['login_elsewhere' | 'rest_kick'];
  userSigExpired: [];
  close: [];
}

/** Turns an IM HTTP base URL (or a ws:// link URL) into the link's ws:// URL. */
export function clientLinkUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = url.pathname.replace(/\/+$/, '') + CLIENT_LINK_PATH;
  } else if (url.pathname === '/' || url.pathname === '') {
    url.pathname = CLIENT_LINK_PATH;
  }
  return url.toString();
}

export class ImClientLink extends EventEmitter<ImClientLinkEvents> {
  private readonly pending = new Map<string, Request>();
  private nextId = 1;
  private dropped = false;
  private open = true;

  private constructor(private readonly end: WireEnd & { cut?(): void }) {
    super();
    end.onMessage = (data) => {
      if (this.dropped) return;
      let frame: ServerToClient;
      try {
        frame = JSON.parse(data) as ServerToClient;
      } catch {
        return;
      }
      this.onFrame(frame);
    };
    end.onClose = () => {
      this.open = false;
      this.failPending('link closed');
      this.emit('close');
    };
  }

  static connect(baseUrl: string): Promise<ImClientLink> {
    const ws = new WebSocket(clientLinkUrl(baseUrl));
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.off('error', reject);
        resolve(new ImClientLink(wsWire(ws)));
      });
      ws.once('error', reject);
    });
  }

  /** A link over an open wire end whose other end the IM server accepted (apps on phones in the lab process). */
  static over(end: WireEnd & { cut?(): void }): ImClientLink {
    return new ImClientLink(end);
  }

  get connected(): boolean {
    return this.open && !this.dropped;
  }

  /** Rejects with ImLinkError { code } (e.g. 70001 expired, 70009 bad signature, 70052 kicked ticket). */
  login(o: { userId: string; userSig: string; platform?: Platform; deviceId: string; sdkVersion?: string }): Promise<void> {
    return this.request({ op: 'login', userId: o.userId, userSig: o.userSig, platform: o.platform ?? 'Android', deviceId: o.deviceId, sdkVersion: o.sdkVersion ?? '8.0.0' });
  }

  /** Without arguments the link's own login; with them an earlier login of that device whose link is gone. */
  logout(earlier?: { userId: string; userSig: string; deviceId: string }): Promise<void> {
    return this.request({ op: 'logout', ...earlier });
  }

  /** businessId = the console certificate ID; token = the OPPO regId. (0, '') turns push off. */
  setOfflinePushConfig(businessId: number, token: string): Promise<void> {
    return this.request({ op: 'set_offline_push_config', businessId, token });
  }

  doBackground(unreadCount = 0): Promise<void> {
    return this.request({ op: 'do_background', unreadCount });
  }

  doForeground(): Promise<void> {
    return this.request({ op: 'do_foreground' });
  }

  /** Fire and forget, like the SDK's keep-alive (every ~2 minutes on a real phone). */
  heartbeat(): void {
    this.post({ op: 'heartbeat' });
  }

  /**
   * Keeps the link alive every `everyMs` without a frame per period, where the wire can (in-process:
   * it reports a cut network to the server). Returns false over a socket: the caller must beat.
   */
  keepAlive(everyMs: number): boolean {
    if (!this.end.reportsSilence) return false;
    this.post({ op: 'heartbeat', every: everyMs });
    return true;
  }

  /** Resolves once the server has processed every frame sent before it. */
  sync(): Promise<void> {
    const id = String(this.nextId++);
    return this.track(id, () => this.post({ op: 'sync', id }));
  }

  /** The process is killed: the socket closes without logout. */
  close(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('close', () => resolve());
      if (this.dropped) this.end.terminate();
      else this.end.close();
    });
  }

  /** The network is gone: silence both ways, no FIN. close() later to free the socket. */
  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    this.end.cut?.();
    this.failPending('link dropped');
  }

  private request(frame: DistributiveOmit<Exclude<ClientToServer, { op: 'heartbeat' | 'sync' }>, 'id'>): Promise<void> {
    const id = String(this.nextId++);
    return this.track(id, () => this.post({ ...frame, id } as ClientToServer));
  }

  private track(id: string, send: () => void): Promise<void> {
    if (!this.connected) return Promise.reject(new ImLinkError(LINK_GONE, this.dropped ? 'link dropped' : 'link closed'));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      send();
    });
  }

  private post(frame: ClientToServer): void {
    if (this.connected) this.end.send(JSON.stringify(frame));
  }

  private onFrame(frame: ServerToClient): void {
    switch (frame.op) {
      case 'result': {
        const req = this.pending.get(frame.id);
        if (!req) return;
        this.pending.delete(frame.id);
        if (frame.code === 0) req.resolve();
        else req.reject(new ImLinkError(frame.code, frame.message));
        return;
      }
      case 'synced': {
        const req = this.pending.get(frame.id);
        this.pending.delete(frame.id);
        req?.resolve();
        return;
      }
      case 'message':
        this.emit('message', frame.message);
        return;
      case 'kicked_offline':
        this.emit('kicked', frame.reason);
        return;
      case 'user_sig_expired':
        this.emit('userSigExpired');
        return;
      case 'heartbeat_ack':
        return;
    }
  }

  private failPending(why: string): void {
    for (const req of this.pending.values()) req.reject(new ImLinkError(LINK_GONE, why));
    this.pending.clear();
  }
}
