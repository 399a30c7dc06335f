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
