/** Quota and rate numbers of reference §5, as functions of an app (one source of truth). */
import type { App } from './apps.ts';

const GMT8_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Daily quotas reset at midnight GMT+8. */
export function dayKey(now: number): number {
  return Math.floor((now + GMT8_MS) / DAY_MS);
}

/** Epoch ms of the next GMT+8 midnight after `now`. */
export function nextDayStart(now: number): number {
  return (dayKey(now) + 1) * DAY_MS - GMT8_MS;
}

/** Public (Content & Marketing) messages per app per day. */
export function dailyPublicQuota(app: App): number {
  if (app.permission === 'test') return 1000;
  return app.cumulativeUsers < 50_000 ? 100_000 : app.cumulativeUsers * 2;
}

/** Public messages one device receives per app per day; over it they are dropped (`user_daily_limit`). */
export function perDeviceDailyPublic(app: App): number {
  return app.appCategory === 'news' ? 5 : 2;
}

/** Targets per second per app, shared by every push endpoint. */
export function qpsLimit(app: App, factor: number): number {
  const users = app.cumulativeUsers;
  const base = users < 10_000_000 ? 5_000 : users < 50_000_000 ? 10_000 : users < 100_000_000 ? 20_000 : 30_000;
  return Math.floor(base * factor);
}

/** An app's quota counters and limits today, as the control API shows them. */
export interface QuotaStatus {
  /** dayKey() of today. */
  day: number;
  publicUsed: number;
  publicLimit: number;
  qpsLimit: number;
  perDevicePublicDaily: number;
}

/** Private messages need a released app with approval; test apps cannot send them. */
export function canSendPrivate(app: App): boolean {
  return app.permission === 'released' && app.privateApproved;
}

interface Counter {
  key: number;
  count: number;
}

/** Adds `n` to the counter of `id` for period `key` unless that would pass `limit`; false when refused. */
function take(counters: Map<string, Counter>, id: string, key: number, n: number, limit: number): boolean {
  let counter = counters.get(id);
  if (!counter || counter.key !== key) counters.set(id, (counter = { key, count: 0 }));
  if (counter.count + n > limit) return false;
  counter.count += n;
  return true;
}

/** The counters behind the numbers above: per-app daily public quota, per-device daily public, per-app QPS. */
export class QuotaCounters {
  private readonly appDaily = new Map<string, Counter>();
  private readonly deviceDaily = new Map<string, Counter>();
  private readonly qpsWindow = new Map<string, Counter>();

  /** `qpsFactor` is read on every call: the control API may change it. */
  constructor(private readonly settings: { readonly qpsFactor: number }) {}

  /** Every counter back to zero (the days and windows in progress start over). */
  clear(): void {
    this.appDaily.clear();
    this.deviceDaily.clear();
    this.qpsWindow.clear();
  }

  /** QPS counted in targets per second per app, all endpoints together. */
  takeFlow(app: App, targets: number, now: number): boolean {
    return take(this.qpsWindow, app.appId, Math.floor(now / 1000), targets, qpsLimit(app, this.settings.qpsFactor));
  }

  takeDailyPublic(app: App, targets: number, now: number): boolean {
    return take(this.appDaily, app.appId, dayKey(now), targets, dailyPublicQuota(app));
  }

  /** One public message to one registration today; false once the device's daily share is used. */
  takeDevicePublic(app: App, regId: string, now: number): boolean {
    return take(this.deviceDaily, regId, dayKey(now), 1, perDeviceDailyPublic(app));
  }

  status(app: App, now: number): QuotaStatus {
    const day = dayKey(now);
    const counter = this.appDaily.get(app.appId);
    return {
      day,
      publicUsed: counter?.key === day ? counter.count : 0,
      publicLimit: dailyPublicQuota(app),
      qpsLimit: qpsLimit(app, this.settings.qpsFactor),
      perDevicePublicDaily: perDeviceDailyPublic(app),
    };
  }
}
