/**
 * The client link's server side: one WebSocket per app process, JSON frames (protocol.ts).
 * Frames are handled synchronously in arrival order, so `synced` answers after every earlier frame.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { upgradeOnlyOn } from '../../../mock-oppo/transport/upgrade.ts';
import { wsWire, type WireEnd } from '../../../mock-oppo/transport/wire.ts';
import type { ImCore } from '../core.ts';
import { IM_ERRORS, IM_LIMITS, type ImErrorName } from '../errors.ts';
import { isConnectedState, type Platform, type Session, type SessionLink } from '../rules/sessions.ts';
import { CLIENT_LINK_PATH, type ClientToServer, type ServerToClient } from './protocol.ts';

const PLATFORMS: ReadonlySet<string> = new Set<Platform>(['Android', 'iPhone', 'iPad', 'Windows', 'Mac', 'Web']);
const DEFAULT_SDK_VERSION = 'unknown';
/** Larger frames close the link (ws code 1009); no SDK request comes near it. */
const MAX_FRAME_BYTES = 64 * 1024;

class LinkConnection {
  private session: Session | undefined;
  /** setOfflinePushConfig arrived before login on this link (rejected with 21005). */
  private tokenBeforeLogin = false;
  /** The client's keep-alive lease: it beats on every multiple of `every` ms of the clock (only on a wire that reports silence). */
  private lease: { every: number } | undefined;
  readonly link: SessionLink;

  constructor(
    private readonly core: ImCore,
    private readonly end: WireEnd,
    onClose: () => void,
  ) {
    // Methods, not arrows: under tsx an arrow in an object property costs a property array (256 bytes) per link.
    const connection = this;
    this.link = {
      deliver(message) {
        connection.send({ op: 'message', message });
      },
      kicked(reason) {
        connection.send({ op: 'kicked_offline', reason });
      },
      userSigExpired() {
        connection.send({ op: 'user_sig_expired' });
      },
      terminate() {
        end.terminate();
      },
    };
    end.onMessage = (data) => {
      try {
        this.onFrame(data);
      } catch (err) {
        // A bug in one frame's handling must not take the lab down; the client sees a server error.
        console.error(`im client link: ${(err as Error).stack ?? err}`);
        this.result('', 'INTERNAL_ERROR', (err as Error).message);
      }
    };
    end.onSilent = () => this.silent();
    end.onClose = () => {
      onClose();
      if (this.session) core.sessions.linkClosed(this.session, this.link);
    };
  }

  private send(frame: ServerToClient): void {
    if (this.end.open) this.end.send(JSON.stringify(frame));
  }

  /** The client's network went silent: its last beat went out on the last multiple of the lease's period. */
  private silent(): void {
    const lease = this.lease;
    this.lease = undefined;
    const live = this.live();
    if (!lease || !live) return;
    const lastBeat = Math.floor(this.core.clock.now() / lease.every) * lease.every;
    this.core.sessions.keepAlive(live, false, lastBeat);
  }

  private result(id: string, name: ImErrorName, detail?: string): void {
    const [code, text] = IM_ERRORS[name];
    this.send({ op: 'result', id, code, message: detail ? `${text}: ${detail}` : text });
  }

  /** The session this link is logged in with, if it is still connected and logged in. */
  private live(): Session | undefined {
    const s = this.session;
    return s && s.link === this.link && isConnectedState(s.state) ? s : undefined;
  }

  private onFrame(data: string): void {
    let frame: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(data);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      frame = parsed as Record<string, unknown>;
    } catch {
      return this.result('', 'BAD_FRAME', 'frame is not a JSON object');
    }
    const live = this.live();
    // `sync` is the lab's barrier, not something an SDK sends: it must not count as a sign of life.
    if (live && frame.op !== 'sync') this.core.sessions.touch(live);
    const id = typeof frame.id === 'string' ? frame.id : '';
    switch (frame.op as ClientToServer['op']) {
      case 'login':
        return this.login(id, frame);
      case 'logout':
        if (!live && frame.userId !== undefined) return this.logoutEarlier(id, frame);
        if (!live) return this.result(id, 'NOT_LOGGED_IN');
        this.core.sessions.logout(live);
        return this.result(id, 'OK');
      case 'set_offline_push_config':
        return this.setOfflinePushConfig(id, frame, live);
      case 'do_background': {
        if (!live) return this.result(id, 'NOT_LOGGED_IN');
        const unread = frame.unreadCount ?? 0;
        if (!Number.isInteger(unread) || (unread as number) < 0) return this.result(id, 'BAD_FRAME', 'unreadCount must be an integer >= 0');
        this.core.sessions.setBackground(live, unread as number);
        return this.result(id, 'OK');
      }
      case 'do_foreground':
        if (!live) return this.result(id, 'NOT_LOGGED_IN');
        this.core.sessions.setForeground(live);
        return this.result(id, 'OK');
      case 'heartbeat': {
        if (frame.every !== undefined) return this.keepAlive(id, frame.every, live);
        const ack: ServerToClient = { op: 'heartbeat_ack', serverTime: this.core.clock.now() };
        if (typeof frame.id === 'string') ack.id = frame.id;
        return this.send(ack);
      }
      case 'sync':
        return this.send({ op: 'synced', id });
      default:
        return this.result(id, 'BAD_FRAME', `unknown op ${JSON.stringify(frame.op)}`);
    }
  }

  private login(id: string, f: Record<string, unknown>): void {
    const { userId, userSig, deviceId } = f;
    const platform = f.platform ?? 'Android';
    const sdkVersion = f.sdkVersion ?? DEFAULT_SDK_VERSION;
    if (typeof userId !== 'string' || userId === '' || typeof userSig !== 'string' || typeof deviceId !== 'string' || deviceId === '' || typeof sdkVersion !== 'string') {
      return this.result(id, 'BAD_FRAME', 'login needs userId, userSig, deviceId (strings)');
    }
    if (typeof platform !== 'string' || !PLATFORMS.has(platform)) return this.result(id, 'BAD_FRAME', `unknown platform ${JSON.stringify(platform)}`);
    const { accounts, sessions, settings } = this.core;
    const verified = accounts.verify(userSig, userId);
    if (!verified.ok) return this.send({ op: 'result', id, code: verified.code, message: verified.message });
    if (!accounts.has(userId)) {
      // A deleted account is not imported again by a login.
      if (!settings.autoImportOnLogin || accounts.isDeleted(userId)) return this.result(id, 'ACCOUNT_NOT_IMPORTED', userId);
      accounts.import(userId);
    }
    const previous = this.live();
    if (previous && (previous.userId !== userId || previous.deviceId !== deviceId)) sessions.logout(previous);
    const { time, expire } = verified.ticket;
    this.session = sessions.login({
      userId,
      deviceId,
      platform: platform as Platform,
      sdkVersion,
      // Expired once now (s) > time + expire, i.e. from the next second on.
      userSigExpiresAt: (time + expire + 1) * 1000,
      link: this.link,
      tokenReportedBeforeLogin: this.tokenBeforeLogin,
      keptAlive: this.lease !== undefined,
    });
    this.tokenBeforeLogin = false;
    this.result(id, 'OK');
  }

  /** `{op:'heartbeat', every}`: a lease, honoured only where the wire reports silence (else the client must beat). */
  private keepAlive(id: string, every: unknown, live: Session | undefined): void {
    const timeout = this.core.settings.heartbeatTimeoutMs;
    if (typeof every !== 'number' || !Number.isInteger(every) || every <= 0 || every >= timeout) {
      return this.result(id, 'BAD_FRAME', `heartbeat.every must be an integer of ms from 1 to ${timeout - 1} (below the heartbeat timeout)`);
    }
    if (!this.end.reportsSilence) return this.result(id, 'BAD_FRAME', 'a keep-alive lease needs an in-process link; over a socket, send a heartbeat every period');
    this.lease = { every };
    if (live) this.core.sessions.keepAlive(live, true);
    this.send({ op: 'heartbeat_ack', ...(id ? { id } : {}), serverTime: this.core.clock.now() });
  }

  /** A logout the SDK made offline, delivered now: it ends that device's login if it still stands. */
  private logoutEarlier(id: string, f: Record<string, unknown>): void {
    const { userId, userSig, deviceId } = f;
    if (typeof userId !== 'string' || typeof userSig !== 'string' || typeof deviceId !== 'string') {
      return this.result(id, 'BAD_FRAME', 'a logout of an earlier login needs userId, userSig, deviceId (strings)');
    }
    const verified = this.core.accounts.verify(userSig, userId);
    if (!verified.ok) return this.send({ op: 'result', id, code: verified.code, message: verified.message });
    const session = this.core.sessions.sessionsOf(userId).find((s) => s.deviceId === deviceId);
    if (!session || session.state === 'offline') return this.result(id, 'NOT_LOGGED_IN');
    this.core.sessions.logout(session);
    this.result(id, 'OK');
  }

  private setOfflinePushConfig(id: string, f: Record<string, unknown>, live: Session | undefined): void {
    if (!live) {
      this.tokenBeforeLogin = true;
      return this.result(id, 'TOKEN_BEFORE_LOGIN');
    }
    const { businessId, token } = f;
    if (!Number.isInteger(businessId) || typeof token !== 'string') return this.result(id, 'BAD_FRAME', 'needs businessId (integer) and token (string)');
    const { sessions, certificates } = this.core;
    // An empty config (business ID 0, no token) is how the SDK turns offline push off.
    if (businessId === 0 && token === '') {
      sessions.clearToken(live);
      return this.result(id, 'OK');
    }
    if (token === '') return this.result(id, 'TOKEN_EMPTY');
    if (Buffer.byteLength(token) > IM_LIMITS.pushTokenBytes) return this.result(id, 'TOKEN_TOO_LONG');
    if (!certificates.known(businessId as number)) return this.result(id, 'NO_CERTIFICATE', `certificate ${businessId}`);
    sessions.setToken(live, businessId as number, token);
    if (this.core.settings.tokenReportedByAnotherUser === 'move_to_reporter') sessions.moveTokenTo(live, token);
    this.result(id, 'OK');
  }
}

/** The client link's rules side over any wire: WebSockets on the IM server, or in-process ends. */
export class ClientLinkEndpoint {
  private readonly ends = new Set<WireEnd>();

  constructor(private readonly core: ImCore) {}

  accept(end: WireEnd): void {
    this.ends.add(end);
    new LinkConnection(this.core, end, () => this.ends.delete(end));
  }

  /** Drops every open link, socket or in-process (a server restart as the SDKs see it); new links are still accepted. */
  closeAll(): void {
    for (const end of [...this.ends]) end.terminate();
  }
}

/**
 * Serves the client link on `server` at CLIENT_LINK_PATH. `admit` (the access guard) may refuse an
 * upgrade first; it then answers the socket itself.
 */
export function attachClientLink(server: Server, endpoint: ClientLinkEndpoint, admit?: (req: IncomingMessage, socket: Duplex) => boolean): { close(): Promise<void> } {
  // Only the link's path upgrades: REST calls offering `Upgrade: h2c` (Java's HttpClient) stay REST.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const detach = upgradeOnlyOn(server, CLIENT_LINK_PATH, wss, admit);
  wss.on('connection', (ws) => endpoint.accept(wsWire(ws)));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        detach();
        endpoint.closeAll();
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
