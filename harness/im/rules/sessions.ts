/**
 * Login sessions, one record per (user, device): the state machine behind Online / PushOnline /
 * Offline, the multi-terminal policy, push tokens, and the clock-driven rules (heartbeat timeout,
 * PushOnline lapse, UserSig expiry). No sockets here: a connected session holds a SessionLink.
 */
import { EventEmitter } from 'node:events';
import { isEpochMs, type Clock, type TimerHandle } from '../../../mock-oppo/core/clock.ts';
import { Ring } from '../../../mock-oppo/core/ring.ts';
import type { ClientToServer, LinkMessage } from '../client-link/protocol.ts';
import type { MultiTerminalPolicy } from '../settings.ts';

export type Platform = Extract<ClientToServer, { op: 'login' }>['platform'];
export type KickReason = 'login_elsewhere' | 'rest_kick';

/** `online` = foreground; `background` = after doBackground (still Online to the query API). */
export type DeviceState = 'online' | 'background' | 'push_online' | 'offline';

export type StateCause =
  | 'login'
  | 'foreground'
  | 'background'
  /** Socket closed without logout: the process was killed (FIN/RST noticed at once). */
  | 'link_closed'
  /** No frame for `heartbeatTimeout`: the network is gone. */
  | 'heartbeat_timeout'
  | 'logged_out'
  | 'kicked_login_elsewhere'
  | 'kicked_rest'
  | 'push_online_lapsed'
  /** account_delete ended the login. */
  | 'account_deleted';

export interface PushToken {
  businessId: number;
  token: string;
  reportedAt: number;
}

/** What the transport gives a connected session. */
export interface SessionLink {
  deliver(message: LinkMessage): void;
  kicked(reason: KickReason): void;
  userSigExpired(): void;
  /** The server gave up on a silent link (heartbeat timeout): drop the socket. */
  terminate(): void;
}

export interface Session {
  readonly id: number;
  readonly userId: string;
  readonly deviceId: string;
  readonly platform: Platform;
  readonly sdkVersion: string;
  readonly loginAt: number;
  /** Epoch ms after which the login's UserSig is expired. */
  readonly userSigExpiresAt: number;
  state: DeviceState;
  stateSince: number;
  cause: StateCause;
  token?: PushToken;
  /** The app called setOfflinePushConfig on this link before logging in (rejected with 21005). */
  tokenReportedBeforeLogin: boolean;
  /**
   * [lab-only] When the device's user logged out while its link was down, so the server never heard
   * (the phone told the lab aside). Pushes decided for this login then carry `logout_not_delivered`.
   */
  logoutNotDeliveredAt?: number;
  /** The push token went to another user's login that reported the same regId (setting tokenReportedByAnotherUser). */
  tokenMovedTo?: { userId: string; at: number };
  /** Badge count: set by doBackground, +1 per vendor push. */
  unreadCount: number;
  link?: SessionLink;
}

export interface SessionEvent {
  at: number;
  sessionId: number;
  userId: string;
  deviceId: string;
  platform: Platform;
  from: DeviceState | null;
  to: DeviceState;
  cause: StateCause;
}

const LOGGED_IN: ReadonlySet<DeviceState> = new Set(['online', 'background', 'push_online']);
const CONNECTED: ReadonlySet<DeviceState> = new Set(['online', 'background']);
const JOURNAL_LIMIT = 10_000;

/** Online to the query API and reachable over its link: foreground or background. */
export function isConnectedState(state: DeviceState): boolean {
  return CONNECTED.has(state);
}

/**
 * The clock-driven part of a session. The dead-peer check is lazy: a frame only moves `heardAt`,
 * and the one armed timer, when it falls due, re-arms itself for `heardAt + timeout` if a frame came
 * meanwhile — so a frame costs O(1), not a timer re-arm. While the link keeps itself alive (a
 * keep-alive lease on a wire that reports silence) no timer is armed at all.
 */
interface SessionTimers {
  heartbeat?: TimerHandle;
  lapse?: TimerHandle;
  sigExpiry?: TimerHandle;
  heardAt: number;
  keptAlive: boolean;
}

export interface SessionRules {
  heartbeatTimeoutMs: number;
  pushOnlineLapseMs: number;
  multiTerminal: MultiTerminalPolicy;
}

export class SessionStore extends EventEmitter {
  /** userId → deviceId → latest session of that device. */
  private readonly devices = new Map<string, Map<string, Session>>();
  private readonly timers = new Map<number, SessionTimers>();
  /**
   * token → the sessions it was reported by, so moving a token looks at its holders, not at every
   * session (a scan per login made logging in N phones O(N²)). Entries may be stale (the token was
   * cleared, replaced, or the session retired): readers check, and drop what no longer holds.
   */
  private readonly tokenHolders = new Map<string, Set<Session>>();
  private readonly journalEntries = new Ring<SessionEvent>(JOURNAL_LIMIT);
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly rules: SessionRules,
  ) {
    super();
  }

  login(p: { userId: string; deviceId: string; platform: Platform; sdkVersion: string; userSigExpiresAt: number; link: SessionLink; tokenReportedBeforeLogin: boolean; keptAlive?: boolean }): Session {
    const mine = this.devices.get(p.userId) ?? new Map<string, Session>();
    this.devices.set(p.userId, mine);
    const previous = mine.get(p.deviceId);
    if (previous) this.retire(previous);
    const rivals = [...mine.values()]
      .filter((s) => s.deviceId !== p.deviceId && LOGGED_IN.has(s.state) && this.samePool(s.platform, p.platform))
      .sort((a, b) => a.loginAt - b.loginAt || a.id - b.id);
    while (rivals.length >= this.rules.multiTerminal.instancesPerPlatform) this.kick(rivals.shift()!, 'login_elsewhere');
    const now = this.clock.now();
    const session: Session = {
      id: this.nextId++,
      userId: p.userId,
      deviceId: p.deviceId,
      platform: p.platform,
      sdkVersion: p.sdkVersion,
      loginAt: now,
      userSigExpiresAt: p.userSigExpiresAt,
      state: 'online',
      stateSince: now,
      cause: 'login',
      tokenReportedBeforeLogin: p.tokenReportedBeforeLogin,
      unreadCount: 0,
      link: p.link,
    };
    mine.set(p.deviceId, session);
    this.record(session, null);
    const t = this.timersOf(session);
    t.keptAlive = p.keptAlive ?? false;
    this.armHeartbeat(session);
    // A ticket valid past the last instant a clock can hold never expires on this clock.
    if (isEpochMs(p.userSigExpiresAt)) {
      t.sigExpiry = this.clock.setTimer(Math.max(0, p.userSigExpiresAt - now), () => {
        if (session.link && CONNECTED.has(session.state)) session.link.userSigExpired();
      });
    }
    return session;
  }

  /** Any frame from a connected session proves the link alive (at `at`, default now). */
  touch(s: Session, at = this.clock.now()): void {
    if (!CONNECTED.has(s.state)) return;
    const t = this.timersOf(s);
    if (at > t.heardAt) t.heardAt = at;
    if (!t.keptAlive && !t.heartbeat) this.armHeartbeat(s);
  }

  /**
   * The link promises its own keep-alive (on) or stops keeping alive (off, e.g. its network went
   * silent after a last beat at `lastBeatAt`): the dead-peer timer runs only while it is off.
   */
  keepAlive(s: Session, on: boolean, lastBeatAt?: number): void {
    if (!CONNECTED.has(s.state)) return;
    const t = this.timersOf(s);
    if (lastBeatAt !== undefined && lastBeatAt > t.heardAt) t.heardAt = lastBeatAt;
    t.keptAlive = on;
    this.armHeartbeat(s);
  }

  logout(s: Session): void {
    this.end(s, 'logged_out');
  }

  setBackground(s: Session, unreadCount: number): void {
    s.unreadCount = unreadCount;
    this.transition(s, 'background', 'background');
  }

  setForeground(s: Session): void {
    this.transition(s, 'online', 'foreground');
  }

  setToken(s: Session, businessId: number, token: string): void {
    s.token = { businessId, token, reportedAt: this.clock.now() };
    delete s.tokenMovedTo;
    const holders = this.tokenHolders.get(token);
    if (holders) holders.add(s);
    else this.tokenHolders.set(token, new Set([s]));
  }

  /**
   * The token now belongs to `s` alone: every other user's login holding the same token loses it
   * (remembering to whom it moved, for the decision's reason). Returns the logins it was taken from.
   */
  moveTokenTo(s: Session, token: string): Session[] {
    const holders: Session[] = [];
    const indexed = this.tokenHolders.get(token);
    for (const o of indexed ?? []) {
      if (o.token?.token !== token || this.devices.get(o.userId)?.get(o.deviceId) !== o) indexed!.delete(o);
      else if (o !== s && o.userId !== s.userId) holders.push(o);
    }
    for (const o of holders) {
      indexed!.delete(o);
      delete o.token;
      o.tokenMovedTo = { userId: s.userId, at: this.clock.now() };
    }
    return holders;
  }

  clearToken(s: Session): void {
    delete s.token;
  }

  /** The session's socket closed (without logout). */
  linkClosed(s: Session, link: SessionLink): void {
    if (s.link !== link) return;
    delete s.link;
    if (CONNECTED.has(s.state)) this.toPushOnline(s, 'link_closed');
  }

  /** REST kick: every logged-in device of the user. */
  kickUser(userId: string): number {
    const victims = this.sessionsOf(userId).filter((s) => LOGGED_IN.has(s.state));
    for (const s of victims) this.kick(s, 'rest_kick');
    return victims.length;
  }

  /** account_delete: every device of the user goes Offline at once and loses its token; the socket is closed. */
  endUser(userId: string): number {
    const live = this.sessionsOf(userId).filter((s) => LOGGED_IN.has(s.state));
    for (const s of live) {
      const link = s.link;
      this.end(s, 'account_deleted');
      link?.terminate();
    }
    return live.length;
  }

  /** [lab-only] The device's user logged out offline; the login stays (the server was not told). */
  noteLogoutNotDelivered(userId: string, deviceId: string): void {
    const s = this.devices.get(userId)?.get(deviceId);
    if (s && LOGGED_IN.has(s.state)) s.logoutNotDeliveredAt = this.clock.now();
  }

  noteVendorPush(s: Session): void {
    s.unreadCount++;
  }

  sessionsOf(userId: string): Session[] {
    return [...(this.devices.get(userId)?.values() ?? [])];
  }

  all(): Session[] {
    return [...this.devices.values()].flatMap((m) => [...m.values()]);
  }

  /** The query API's view: Online if any device is connected, else PushOnline if any is, else Offline. */
  onlineState(userId: string): { state: 'Online' | 'PushOnline' | 'Offline'; detail: Array<{ platform: Platform; status: 'Online' | 'PushOnline' }> } {
    const detail = this.sessionsOf(userId)
      .filter((s) => LOGGED_IN.has(s.state))
      .map((s) => ({ platform: s.platform, status: CONNECTED.has(s.state) ? ('Online' as const) : ('PushOnline' as const) }));
    const state = detail.some((d) => d.status === 'Online') ? 'Online' : detail.length > 0 ? 'PushOnline' : 'Offline';
    return { state, detail };
  }

  journal(filter: { userId?: string } = {}): SessionEvent[] {
    return this.journalEntries.toArray().filter((e) => filter.userId === undefined || e.userId === filter.userId);
  }

  /**
   * Forgets every session, token and journal entry (the lab's reset). Session ids keep counting, so a
   * trace from before the reset never names a session from after it. Links still attached are
   * detached: their frames then count as not logged in.
   */
  reset(): void {
    this.dispose();
    for (const s of this.all()) delete s.link;
    this.devices.clear();
    this.tokenHolders.clear();
    this.journalEntries.clear();
  }

  /** Cancels every timer this store put on the clock. */
  dispose(): void {
    for (const t of this.timers.values()) cancelAll(t);
    this.timers.clear();
  }

  private samePool(a: Platform, b: Platform): boolean {
    if (a === b) return true;
    return this.rules.multiTerminal.singlePlatform && a !== 'Web' && b !== 'Web';
  }

  private kick(s: Session, reason: KickReason): void {
    s.link?.kicked(reason);
    this.end(s, reason === 'rest_kick' ? 'kicked_rest' : 'kicked_login_elsewhere');
  }

  private toPushOnline(s: Session, cause: 'link_closed' | 'heartbeat_timeout'): void {
    this.transition(s, 'push_online', cause);
    const t = this.timersOf(s);
    t.heartbeat?.cancel();
    delete t.heartbeat;
    t.lapse = this.clock.setTimer(this.rules.pushOnlineLapseMs, () => this.end(s, 'push_online_lapsed'));
  }

  /** Ends a login: Offline, token gone, link detached (the socket may log in again). */
  private end(s: Session, cause: StateCause): void {
    this.cancelTimers(s);
    delete s.link;
    delete s.token;
    this.transition(s, 'offline', cause);
  }

  /** A newer login of the same device replaces this record without any event to the app. */
  private retire(s: Session): void {
    this.cancelTimers(s);
    delete s.link;
  }

  private armHeartbeat(s: Session): void {
    const t = this.timersOf(s);
    t.heartbeat?.cancel();
    delete t.heartbeat;
    if (t.keptAlive) return;
    t.heartbeat = this.clock.setTimer(Math.max(0, t.heardAt + this.rules.heartbeatTimeoutMs - this.clock.now()), () => {
      delete t.heartbeat;
      if (this.clock.now() < t.heardAt + this.rules.heartbeatTimeoutMs) return this.armHeartbeat(s);
      const link = s.link;
      delete s.link;
      this.toPushOnline(s, 'heartbeat_timeout');
      link?.terminate();
    });
  }

  private transition(s: Session, to: DeviceState, cause: StateCause): void {
    const from = s.state;
    s.state = to;
    s.cause = cause;
    s.stateSince = this.clock.now();
    this.record(s, from);
  }

  private record(s: Session, from: DeviceState | null): void {
    const event: SessionEvent = { at: this.clock.now(), sessionId: s.id, userId: s.userId, deviceId: s.deviceId, platform: s.platform, from, to: s.state, cause: s.cause };
    this.journalEntries.push(event);
    this.emit('state', event);
  }

  private timersOf(s: Session): SessionTimers {
    let t = this.timers.get(s.id);
    if (!t) this.timers.set(s.id, (t = { heardAt: this.clock.now(), keptAlive: false }));
    return t;
  }

  private cancelTimers(s: Session): void {
    const t = this.timers.get(s.id);
    if (!t) return;
    cancelAll(t);
    this.timers.delete(s.id);
  }
}

function cancelAll(t: SessionTimers): void {
  t.heartbeat?.cancel();
  t.lapse?.cancel();
  t.sigExpiry?.cancel();
}
