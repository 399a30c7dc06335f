/**
 * The `State.StateChange` callback to the app backend (reference §6.4): Login (Register),
 * Logout (Unregister), Disconnect (LinkClose when the socket closed, TimeOut after the heartbeat
 * timeout), with `KickedDevice` on a login that kicked others. POSTed to `callbackUrl` with the
 * documented query parameters; every call and its answer is logged.
 */
import type { Clock } from '../../../mock-oppo/core/clock.ts';
import { Ring } from '../../../mock-oppo/core/ring.ts';
import type { ImApp } from '../rules/accounts.ts';
import type { Platform, SessionEvent, SessionStore } from '../rules/sessions.ts';

export interface StateChangeBody {
  CallbackCommand: 'State.StateChange';
  /** Epoch ms. */
  EventTime: number;
  Info: { Action: 'Login' | 'Logout' | 'Disconnect'; To_Account: string; Reason: 'Register' | 'Unregister' | 'LinkClose' | 'TimeOut' };
  KickedDevice?: Array<{ Platform: Platform }>;
}

export interface CallbackRecord {
  at: number;
  url: string;
  body: StateChangeBody;
  httpStatus?: number;
  answer?: unknown;
  error?: string;
}

/**
 * Which callback a session transition makes. [uncertain] A REST kick and account_delete are
 * reported as Logout/Unregister, and a device kicked by a newer login only as the newer login's
 * KickedDevice: the docs list no other reasons.
 */
export function stateChangeOf(e: SessionEvent): StateChangeBody['Info'] | undefined {
  const info = (Action: StateChangeBody['Info']['Action'], Reason: StateChangeBody['Info']['Reason']) => ({ Action, To_Account: e.userId, Reason });
  switch (e.cause) {
    case 'login':
      return info('Login', 'Register');
    case 'logged_out':
    case 'kicked_rest':
    case 'account_deleted':
      return info('Logout', 'Unregister');
    case 'link_closed':
      return info('Disconnect', 'LinkClose');
    case 'heartbeat_timeout':
      return info('Disconnect', 'TimeOut');
    default:
      return undefined;
  }
}

export class StateCallbacks {
  private readonly log = new Ring<CallbackRecord>(1000);
  /** Platforms kicked by a login that has not been reported yet, per user. */
  private readonly kicked = new Map<string, Platform[]>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly listener = (e: SessionEvent) => this.onState(e);

  constructor(
    private readonly deps: { clock: Clock; sessions: SessionStore; imApp: ImApp; url: string | undefined; timeoutMs: number },
  ) {
    deps.sessions.on('state', this.listener);
  }

  list(): CallbackRecord[] {
    return this.log.toArray();
  }

  /** Forgets the log and pending kicks (IM reset); calls in flight still finish. */
  clear(): void {
    this.log.clear();
    this.kicked.clear();
  }

  /** Resolves when every callback sent so far has its answer (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  dispose(): void {
    this.deps.sessions.off('state', this.listener);
  }

  private onState(e: SessionEvent): void {
    if (this.deps.url === undefined) return;
    if (e.cause === 'kicked_login_elsewhere') {
      this.kicked.set(e.userId, [...(this.kicked.get(e.userId) ?? []), e.platform]);
      return;
    }
    const info = stateChangeOf(e);
    if (!info) return;
    const body: StateChangeBody = { CallbackCommand: 'State.StateChange', EventTime: e.at, Info: info };
    if (info.Action === 'Login' && this.kicked.has(e.userId)) {
      body.KickedDevice = this.kicked.get(e.userId)!.map((Platform) => ({ Platform }));
      this.kicked.delete(e.userId);
    }
    const query = new URLSearchParams({
      SdkAppid: String(this.deps.imApp.sdkAppId), CallbackCommand: 'State.StateChange', contenttype: 'json', ClientIP: '127.0.0.1', OptPlatform: e.platform,
    });
    const record: CallbackRecord = { at: this.deps.clock.now(), url: `${this.deps.url}?${query}`, body };
    this.log.push(record);
    const sent = this.send(record).finally(() => this.inflight.delete(sent));
    this.inflight.add(sent);
  }

  private async send(record: CallbackRecord): Promise<void> {
    try {
      const res = await globalThis.fetch(record.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(record.body), signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
      record.httpStatus = res.status;
      const text = await res.text();
      try {
        record.answer = JSON.parse(text);
      } catch {
        record.answer = text;
      }
    } catch (err) {
      record.error = (err as Error).message;
    }
  }
}
