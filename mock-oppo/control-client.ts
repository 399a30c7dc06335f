/** A typed client for the mock's control API (`/_mock/v1`), for specs and the lab. */
import { accessFromEnv, controlInit, MOCK_TOKEN_ENV, type ClientAccess } from './access/client.ts';
import type { App, AppConfig } from './core/apps.ts';
import type { Duration } from './core/clock.ts';
import type { Fault, FaultSpec } from './core/faults.ts';
import type { QuotaStatus } from './core/quota.ts';
import type { ClockView, DeviceView, MessageView, RegistrationView } from './core/views.ts';
import type { ReceiptRecord } from './core/receipts.ts';
import type { Region } from './core/region.ts';
import type { MockSettings } from './core/settings.ts';
import type { TotalsView } from './core/totals.ts';
import type { JournalEntry, ResetScope } from './wire/http.ts';

export type AppView = App & { quota?: QuotaStatus };
export type { ClockView, DeviceView };
export { MOCK_TOKEN_ENV } from './access/client.ts';

export class MockOppoControlError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = 'MockOppoControlError';
  }
}

type Query = Record<string, string | number | undefined>;

export class MockOppoControl {
  private readonly base: string;
  private readonly access: ClientAccess;

  /** `access.token` defaults to MOCK_OPPO_TOKEN (a lab's mock takes the lab token: pass it). */
  constructor(baseUrl: string, access: ClientAccess = {}) {
    this.base = `${baseUrl.replace(/\/$/, '')}/_mock/v1`;
    this.access = accessFromEnv(access, MOCK_TOKEN_ENV);
  }

  apps(): Promise<AppView[]> {
    return this.call('GET', '/apps');
  }
  app(appId: string): Promise<AppView> {
    return this.call('GET', `/apps/${encodeURIComponent(appId)}`);
  }
  createApp(app: AppConfig): Promise<AppView> {
    return this.call('POST', '/apps', app);
  }
  registrations(filter: { appId?: string; deviceId?: string; state?: string } = {}): Promise<RegistrationView[]> {
    return this.call('GET', '/registrations', undefined, filter);
  }
  registration(regId: string): Promise<RegistrationView> {
    return this.call('GET', `/registrations/${encodeURIComponent(regId)}`);
  }
  /** Registers a device without a device link (it stays offline until a link says hello with that deviceId). */
  register(opts: { appId?: string; appKey?: string; deviceId?: string; region?: Region; packageName?: string } = {}): Promise<RegistrationView> {
    return this.call('POST', '/registrations', opts);
  }
  invalidate(regId: string, how: 'unregistered' | 'uninstalled' = 'unregistered'): Promise<RegistrationView> {
    return this.call('DELETE', `/registrations/${encodeURIComponent(regId)}`, undefined, { how });
  }
  devices(): Promise<DeviceView[]> {
    return this.call('GET', '/devices');
  }
  /** A page of the retained messages: the newest `limit` (default 1000) matches after skipping the newest `offset`. */
  messages(filter: { appId?: string; regId?: string; appMessageId?: string; messageId?: string; state?: string; reason?: string; kind?: string; since?: number; until?: number; limit?: number; offset?: number } = {}): Promise<MessageView[]> {
    return this.call('GET', '/messages', undefined, filter);
  }
  /** Every target ever accepted, by state and reason: exact, whatever the retention. */
  totals(): Promise<TotalsView> {
    return this.call('GET', '/totals');
  }
  message(id: string): Promise<MessageView> {
    return this.call('GET', `/messages/${encodeURIComponent(id)}`);
  }
  journal(filter: { endpoint?: string; code?: number; status?: number; appId?: string; since?: number; limit?: number; offset?: number } = {}): Promise<JournalEntry[]> {
    return this.call('GET', '/journal', undefined, filter);
  }
  receipts(filter: { limit?: number; offset?: number } = {}): Promise<ReceiptRecord[]> {
    return this.call('GET', '/receipts', undefined, filter);
  }
  clock(): Promise<ClockView> {
    return this.call('GET', '/clock');
  }
  advanceClock(by: Duration): Promise<ClockView> {
    return this.call('POST', '/clock', { advance: by });
  }
  setClock(to: number | string): Promise<ClockView> {
    return this.call('POST', '/clock', { set: to });
  }
  /** `all` (default): as new; `traffic`: messages, faults, receipts, quotas and journal only (phones keep their regIds). */
  reset(scope: ResetScope = 'all'): Promise<{ reset: true; scope: ResetScope }> {
    return this.call('POST', '/reset', { scope });
  }
  faults(): Promise<Fault[]> {
    return this.call('GET', '/faults');
  }
  addFault(spec: FaultSpec): Promise<Fault> {
    return this.call('POST', '/faults', spec);
  }
  deleteFault(id: string): Promise<unknown> {
    return this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }
  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/faults');
  }
  /** Changes named settings now (400 for a bad name or value, 409 for one that is fixed at start). */
  updateSettings(changes: Partial<MockSettings>): Promise<MockSettings> {
    return this.call('PATCH', '/settings', changes);
  }
  /** Expires every token of the app now: its next call answers 11 and a client re-authenticates. */
  expireTokens(appId: string): Promise<{ appId: string; expired: number }> {
    return this.call('POST', `/apps/${encodeURIComponent(appId)}/expire-tokens`);
  }
  settings(): Promise<MockSettings> {
    return this.call('GET', '/settings');
  }

  private async call<T>(method: string, path: string, body?: unknown, query: Query = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.size > 0 ? `?${params}` : '';
    const res = await fetch(`${this.base}${path}${qs}`, controlInit(method, this.access, body));
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const err = (parsed ?? {}) as { error?: string; message?: string };
      throw new MockOppoControlError(res.status, err.error ?? 'http_error', err.message ?? `HTTP ${res.status}`);
    }
    return parsed as T;
  }
}
