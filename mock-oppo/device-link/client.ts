/**
 * The phone side of the device link, for tests and the virtual phone: connect, register, receive
 * notifications (event 'notification'), ack them, and `sync()` as a barrier.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { wsWire, type WireEnd } from '../transport/wire.ts';
import { DEVICE_LINK_PATH, type MockToPhone, type PhoneToMock } from './protocol.ts';

export class DeviceLinkError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceLinkError';
  }
}

export type NotificationFrame = Extract<MockToPhone, { op: 'notification' }>;

interface Pending {
  resolve(frame: MockToPhone): void;
  reject(err: Error): void;
}

/** `http://h:p[/base]` → `ws://h:p[/base]/_device/v1/link`; a ws(s):// URL with a path is used as it is. */
export function linkUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  const isWs = url.protocol === 'ws:' || url.protocol === 'wss:';
  if (!isWs) url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (url.pathname === '/' || (!isWs && !url.pathname.endsWith(DEVICE_LINK_PATH))) {
    url.pathname = url.pathname.replace(/\/$/, '') + DEVICE_LINK_PATH;
  }
  return url.toString();
}

export class DeviceLinkClient extends EventEmitter {
  readonly deviceId: string;
  private pending = new Map<string, Pending>();
  private seq = 0;
  private closed = false;
  /** Notifications that arrived before anyone listened (e.g. queued ones right after welcome). */
  private backlog: NotificationFrame[] = [];

  private constructor(
    private readonly end: WireEnd,
    deviceId: string,
  ) {
    super();
    this.deviceId = deviceId;
    end.onMessage = (data) => this.onFrame(data);
    this.on('newListener', (event: string) => {
      if (event !== 'notification' || this.backlog.length === 0) return;
      queueMicrotask(() => {
        const backlog = this.backlog;
        this.backlog = [];
        for (const frame of backlog) this.emit('notification', frame);
      });
    });
    end.onClose = (code, reason) => {
      this.closed = true;
      const err = new DeviceLinkError(-1, `device link closed (${code}${reason.length ? ` ${reason}` : ''})`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.emit('close', code, reason);
    };
  }

  /** Opens the link over a WebSocket and says hello; resolves after the mock's 'welcome'. */
  static connect(baseUrl: string, opts: { deviceId: string; region?: 'CN' | 'INTL' }): Promise<DeviceLinkClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(linkUrl(baseUrl));
      const fail = (err: Error) => {
        ws.terminate();
        reject(err);
      };
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        DeviceLinkClient.over(wsWire(ws), opts).then(resolve, reject);
      });
    });
  }

  /** Says hello over an open wire (e.g. an in-process end whose other end the mock accepted). */
  static over(end: WireEnd, opts: { deviceId: string; region?: 'CN' | 'INTL' }): Promise<DeviceLinkClient> {
    const client = new DeviceLinkClient(end, opts.deviceId);
    return new Promise((resolve, reject) => {
      const early = () => reject(new DeviceLinkError(-1, 'device link closed before welcome'));
      client.once('close', early);
      client.once('welcome', () => {
        client.off('close', early);
        resolve(client);
      });
      client.send({ op: 'hello', deviceId: opts.deviceId, ...(opts.region ? { region: opts.region } : {}) });
    });
  }

  get connected(): boolean {
    return !this.closed && this.end.open;
  }

  /** Registers an app's package; resolves with its regId, rejects with DeviceLinkError { code, message }. */
  async register(opts: { appKey: string; appSecret: string; packageName: string }): Promise<string> {
    const frame = await this.request({ op: 'register', id: this.nextId(), ...opts });
    if (frame.op !== 'register_result') throw new DeviceLinkError(-1, `unexpected answer ${frame.op}`);
    if (frame.code !== 0 || frame.registrationId === undefined) throw new DeviceLinkError(frame.code, frame.message);
    return frame.registrationId;
  }

  async unregister(packageName: string): Promise<void> {
    await this.expectOk(await this.request({ op: 'unregister', id: this.nextId(), packageName }));
  }

  async uninstall(packageName: string): Promise<void> {
    await this.expectOk(await this.request({ op: 'uninstall', id: this.nextId(), packageName }));
  }

  ack(messageId: string, registrationId: string, outcome: { displayed: boolean; reason?: string }): void {
    this.send({ op: 'ack', messageId, registrationId, displayed: outcome.displayed, ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}) });
  }

  /** Barrier: resolves once the mock has processed every frame sent before it. */
  async sync(): Promise<void> {
    await this.request({ op: 'sync', id: this.nextId() });
  }

  /** Clean close; resolves when the socket is closed. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('close', () => resolve());
      this.end.close(1000, 'bye');
    });
  }

  /** Abrupt loss (network gone, push service killed): no close handshake. */
  drop(): void {
    this.end.terminate();
  }

  private nextId(): string {
    return `${this.deviceId}-${++this.seq}`;
  }

  private send(frame: PhoneToMock): void {
    if (!this.connected) throw new DeviceLinkError(-1, 'device link is not connected');
    this.end.send(JSON.stringify(frame));
  }

  private request(frame: PhoneToMock & { id: string }): Promise<MockToPhone> {
    return new Promise((resolve, reject) => {
      try {
        this.send(frame);
      } catch (err) {
        reject(err as Error);
        return;
      }
      this.pending.set(frame.id, { resolve, reject });
    });
  }

  private async expectOk(frame: MockToPhone): Promise<void> {
    if (frame.op === 'error' || (('code' in frame) && frame.code !== 0)) {
      throw new DeviceLinkError((frame as { code: number }).code, (frame as { message: string }).message);
    }
  }

  private onFrame(data: string): void {
    let frame: MockToPhone;
    try {
      frame = JSON.parse(data) as MockToPhone;
    } catch {
      return;
    }
    if ('id' in frame && frame.id !== undefined && this.pending.has(frame.id)) {
      const p = this.pending.get(frame.id)!;
      this.pending.delete(frame.id);
      if (frame.op === 'error') p.reject(new DeviceLinkError(frame.code, frame.message));
      else p.resolve(frame);
      return;
    }
    if (frame.op === 'welcome') this.emit('welcome', frame);
    else if (frame.op === 'notification') {
      if (this.listenerCount('notification') === 0) this.backlog.push(frame);
      else this.emit('notification', frame);
    }
    else if (frame.op === 'error') this.emit('link-error', new DeviceLinkError(frame.code, frame.message));
  }
}
