/**
 * The app's IM SDK (V2TIMManager) as far as push cares: one client link per running process,
 * login with a locally signed UserSig, the push-token report, doBackground/doForeground, heartbeats
 * on the virtual clock, and silent re-login after the network comes back.
 */
import { parseDuration, type Clock, type TimerHandle } from '../../mock-oppo/core/clock.ts';
import type { LinkMessage } from '../im/client-link/protocol.ts';
import { errorCode, type ImLink, type ImTransport, type UserSigSigner } from './transports.ts';
import type { Level } from './logcat.ts';
import type { PhoneSettings } from './settings.ts';

export const TAG = 'TIMSDK';
/** ERR_SDK_NET_DISCONNECT-style code returned while the phone has no network [uncertain exact value]. */
export const IM_NO_NETWORK = 6200;

export interface ImSdkHost {
  readonly clock: Clock;
  readonly settings: PhoneSettings;
  readonly deviceId: string;
  readonly sdkVersion: string;
  readonly sdkAppId: number;
  readonly transport: ImTransport;
  readonly sign: UserSigSigner;
  networkOn(): boolean;
  /**
   * [lab-only] A logout the server did not get (the link was down). Real servers never learn of it;
   * the lab's IM is told aside, so a push decided meanwhile can say `logout_not_delivered`.
   */
  logoutNotDelivered(userId: string): void;
  log(level: Level, message: string): void;
  onMessage(message: LinkMessage): void;
  onKicked(reason: string): void;
}

export interface ImResult {
  code: number;
  message: string;
}

const OK: ImResult = { code: 0, message: 'ok' };

export class ImSdk {
  private link: ImLink | undefined;
  private heartbeat: TimerHandle | undefined;
  /** The user the SDK considers logged in (it survives a dropped connection, not a logout or kick). */
  user: string | undefined;
  /** The last token reported, replayed after a silent re-login. */
  private token: { businessId: number; token: string } | undefined;
  private background: number | undefined;
  /** A logout made while the link was down, delivered on the next connection (offlineLogout: retry_on_reconnect). */
  private pendingLogout: string | undefined;

  constructor(private readonly host: ImSdkHost) {}

  get connected(): boolean {
    return this.link?.connected ?? false;
  }

  async connect(): Promise<ImResult> {
    if (this.connected) return OK;
    if (!this.host.networkOn()) return { code: IM_NO_NETWORK, message: 'network unavailable' };
    try {
      const link = await this.host.transport();
      this.link = link;
      link.on('message', (m) => this.host.onMessage(m));
      link.on('kicked', (reason) => this.kicked(link, reason));
      link.on('userSigExpired', () => void this.renewSig(link));
      link.on('close', () => this.lost(link));
      if (!link.keepAlive?.(parseDuration(this.host.settings.imHeartbeatInterval))) this.beat();
      this.host.log('I', 'onConnectSuccess');
      await this.deliverPendingLogout(link);
      return OK;
    } catch (e) {
      this.host.log('E', `onConnectFailed ${(e as Error).message}`);
      return { code: errorCode(e, IM_NO_NETWORK), message: (e as Error).message };
    }
  }

  async login(userId: string): Promise<ImResult> {
    const connected = await this.connect();
    if (connected.code !== 0) return connected;
    try {
      await this.link!.login({ userId, userSig: this.host.sign(userId, this.host.sdkAppId), platform: 'Android', deviceId: this.host.deviceId, sdkVersion: this.host.sdkVersion });
      this.user = userId;
      this.host.log('I', `login success user=${userId}`);
      return OK;
    } catch (e) {
      const result = { code: errorCode(e), message: (e as Error).message };
      this.host.log('E', `login failed user=${userId} code=${result.code} desc=${result.message}`);
      return result;
    }
  }

  async logout(): Promise<void> {
    const link = this.link;
    const user = this.user;
    this.user = undefined;
    this.token = undefined;
    this.background = undefined;
    if (link?.connected || user === undefined) {
      if (link?.connected) await link.logout().catch((e: unknown) => this.host.log('W', `logout failed code=${errorCode(e)}`));
      this.host.log('I', 'logout');
      return;
    }
    // The callback reports success offline, as the SDK does; the server has not heard of it.
    this.host.logoutNotDelivered(user);
    if (this.host.settings.offlineLogout === 'retry_on_reconnect') {
      this.pendingLogout = user;
      this.host.log('W', `logout user=${user}: no network, the server is told once the link is back`);
    } else {
      this.host.log('W', `logout user=${user}: no network, the server is never told (offlineLogout=lost)`);
    }
  }

  /** V2TIMOfflinePushManager.setOfflinePushConfig(new V2TIMOfflinePushConfig(businessID, token)). */
  async setOfflinePushConfig(businessId: number, token: string): Promise<ImResult> {
    const connected = await this.connect();
    if (connected.code !== 0) return connected;
    try {
      await this.link!.setOfflinePushConfig(businessId, token);
      if (this.user) this.token = { businessId, token };
      this.host.log('I', `setOfflinePushConfig success businessID=${businessId}`);
      return OK;
    } catch (e) {
      const result = { code: errorCode(e), message: (e as Error).message };
      this.host.log('E', `setOfflinePushConfig failed businessID=${businessId} code=${result.code} desc=${result.message}`);
      return result;
    }
  }

  async doBackground(unreadCount: number): Promise<void> {
    this.background = unreadCount;
    if (this.user && this.link?.connected) await this.call(() => this.link!.doBackground(unreadCount), `doBackground unread=${unreadCount}`);
  }

  async doForeground(): Promise<void> {
    this.background = undefined;
    if (this.user && this.link?.connected) await this.call(() => this.link!.doForeground(), 'doForeground');
  }

  /** The process dies (force-stop or killed): the socket closes without a logout. */
  async terminate(): Promise<void> {
    const link = this.link;
    this.stopBeat();
    this.link = undefined;
    await link?.close();
  }

  /** Network off: the socket vanishes; the SDK keeps its login to restore later. */
  dropNetwork(): void {
    const link = this.link;
    this.stopBeat();
    this.link = undefined;
    link?.drop();
  }

  /** Network back: reconnect and restore login, token and background state without the app noticing. */
  async restore(): Promise<void> {
    if (!this.user) {
      if (this.pendingLogout !== undefined) await this.connect();
      return;
    }
    const user = this.user;
    const result = await this.login(user);
    if (result.code !== 0) return;
    if (this.token) await this.setOfflinePushConfig(this.token.businessId, this.token.token);
    if (this.background !== undefined) await this.doBackground(this.background);
  }

  async sync(): Promise<void> {
    if (this.link?.connected) await this.link.sync();
  }

  /** Ends the server's session of the login the user left offline (this device's, on a fresh link). */
  private async deliverPendingLogout(link: ImLink): Promise<void> {
    const userId = this.pendingLogout;
    if (userId === undefined) return;
    this.pendingLogout = undefined;
    try {
      await link.logout({ userId, userSig: this.host.sign(userId, this.host.sdkAppId), deviceId: this.host.deviceId });
      this.host.log('I', `logout user=${userId} delivered after reconnecting`);
    } catch (e) {
      // 6014: the server had already ended that login (kicked, lapsed): nothing left to end.
      this.host.log('W', `logout user=${userId} after reconnecting failed code=${errorCode(e)}`);
    }
  }

  private async call(fn: () => Promise<void>, what: string): Promise<void> {
    try {
      await fn();
      this.host.log('I', `${what} success`);
    } catch (e) {
      this.host.log('E', `${what} failed code=${errorCode(e)}`);
    }
  }

  private kicked(link: ImLink, reason: string): void {
    if (this.link !== link) return;
    this.user = undefined;
    this.token = undefined;
    this.host.log('W', `onKickedOffline reason=${reason}`);
    this.host.onKicked(reason);
  }

  private async renewSig(link: ImLink): Promise<void> {
    if (this.link !== link || !this.user) return;
    this.host.log('W', 'onUserSigExpired: signing a new UserSig');
    await this.restore();
  }

  private lost(link: ImLink): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.stopBeat();
    this.host.log('W', 'onConnectFailed: connection closed');
  }

  /**
   * Beats on the interval's grid of the virtual clock (multiples of the period since the epoch), so
   * every phone's heartbeat falls on the same instants: a lab stepping its clock takes one step per
   * period for all of them, as Android batches inexact alarms.
   */
  private beat(): void {
    this.stopBeat();
    const period = parseDuration(this.host.settings.imHeartbeatInterval);
    const now = this.host.clock.now();
    const delay = period - (((now % period) + period) % period);
    this.heartbeat = this.host.clock.setTimer(delay, () => {
      this.heartbeat = undefined;
      if (!this.link?.connected) return;
      this.link.heartbeat();
      this.beat();
    });
  }

  private stopBeat(): void {
    this.heartbeat?.cancel();
    this.heartbeat = undefined;
  }
}
