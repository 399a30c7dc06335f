/**
 * The control API under `/_mock/v1` (JSON in, JSON out): inspect apps, registrations, messages,
 * the journal and receipts; drive the clock; inject faults; reset. Documented in mock-oppo/README.md.
 */
import { publicView, type AppConfig } from '../core/apps.ts';
import { isEpochMs, MAX_EPOCH_MS, parseDuration, VirtualClock } from '../core/clock.ts';
import type { MessageFilter } from '../core/platform.ts';
import { checkFaultSpec } from '../core/faults.ts';
import type { OppoPlatform } from '../core/platform.ts';
import { messageView, registrationView, type ClockView } from '../core/views.ts';
import type { Region } from '../core/region.ts';
import { isReason } from '../core/reasons.ts';
import { TARGET_STATES } from '../core/records.ts';
import { checkSettings, START_ONLY_SETTINGS, type MockSettings } from '../core/settings.ts';
import type { HttpCore, WireRequest, WireResponse } from './http.ts';

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

function reply(status: number, body: unknown): WireResponse {
  return { kind: 'reply', status, body: JSON.stringify(body), contentType: 'application/json;charset=UTF-8' };
}

function readBody(req: WireRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(req.body).toString('utf8'));
  } catch {
    throw new ControlError(400, 'bad_request', 'body must be JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ControlError(400, 'bad_request', 'body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = Object.hasOwn(body, key) ? body[key] : undefined;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw new ControlError(400, 'bad_request', `${key} must be a non-empty string`);
  return v;
}

function region(value: string | undefined): Region {
  if (value === undefined || value === 'CN') return 'CN';
  if (value === 'INTL') return 'INTL';
  throw new ControlError(400, 'bad_request', "region must be 'CN' or 'INTL'");
}

function countParam(q: URLSearchParams, name: string, fallback: number): number {
  const raw = q.get(name);
  const n = raw === null ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 0 || (raw !== null && !/^\d+$/.test(raw.trim()))) throw new ControlError(400, 'bad_request', `${name} must be a non-negative integer`);
  return n;
}

function limitOf(q: URLSearchParams): number {
  return countParam(q, 'limit', 1000);
}

function timeParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!isEpochMs(t)) throw new ControlError(400, 'bad_request', `${name} must be epoch ms or an ISO time`);
  return t;
}

/**
 * A page of a list kept oldest first: the newest `limit` matches, skipping the newest `offset`
 * (offset 0 is the latest page; offset += limit walks back in time).
 */
function page<T>(all: T[], q: URLSearchParams): T[] {
  const limit = limitOf(q);
  const offset = countParam(q, 'offset', 0);
  const end = Math.max(0, all.length - offset);
  return all.slice(Math.max(0, end - limit), end);
}

function clockView(platform: OppoPlatform): ClockView {
  const clock = platform.clock;
  const now = clock.now();
  return {
    now,
    iso: new Date(now).toISOString(),
    virtual: clock instanceof VirtualClock,
    ...(clock instanceof VirtualClock ? { flowing: clock.flowing, pendingTimers: clock.pendingTimers(), nextDueAt: clock.nextDueAt() ?? null } : {}),
  };
}

type Route = (platform: OppoPlatform, core: HttpCore, req: WireRequest, params: string[], query: URLSearchParams) => unknown;

const ROUTES: Array<{ method: string; pattern: RegExp; run: Route }> = [
  { method: 'GET', pattern: /^\/apps$/, run: (p) => p.listApps().map(publicView) },
  {
    method: 'POST', pattern: /^\/apps$/,
    run: (p, _c, req) => {
      try {
        return publicView(p.addApp(readBody(req) as unknown as AppConfig));
      } catch (err) {
        if (err instanceof ControlError) throw err;
        throw new ControlError(400, 'bad_request', (err as Error).message);
      }
    },
  },
  {
    method: 'GET', pattern: /^\/apps\/([^/]+)$/,
    run: (p, _c, _r, [appId]) => {
      const app = p.appById(appId!);
      if (!app) throw new ControlError(404, 'not_found', `no app ${appId}`);
      return { ...publicView(app), quota: p.quotaStatus(app) };
    },
  },
  { method: 'GET', pattern: /^\/apps\/([^/]+)\/registrations$/, run: (p, _c, _r, [appId]) => p.listRegistrations({ appId: appId! }).map(registrationView) },
  {
    method: 'GET', pattern: /^\/registrations$/,
    run: (p, _c, _r, _m, q) => p.listRegistrations({
      ...(q.get('appId') !== null ? { appId: q.get('appId')! } : {}),
      ...(q.get('deviceId') !== null ? { deviceId: q.get('deviceId')! } : {}),
      ...(q.get('state') !== null ? { state: q.get('state')! } : {}),
    }).map(registrationView),
  },
  {
    method: 'POST', pattern: /^\/registrations$/,
    run: (p, _c, req) => {
      const body = readBody(req);
      const appId = optionalString(body, 'appId');
      const appKey = optionalString(body, 'appKey');
      const app = appId !== undefined ? p.appById(appId) : appKey !== undefined ? p.appByKey(appKey) : p.listApps()[0];
      if (!app) throw new ControlError(404, 'not_found', 'no such app');
      const deviceId = optionalString(body, 'deviceId') ?? `device-${p.listRegistrations().length + 1}`;
      return registrationView(p.registerFor(app, deviceId, region(optionalString(body, 'region')), optionalString(body, 'packageName')));
    },
  },
  {
    method: 'GET', pattern: /^\/registrations\/([^/]+)$/,
    run: (p, _c, _r, [regId]) => {
      const reg = p.registration(regId!);
      if (!reg) throw new ControlError(404, 'not_found', `no registration ${regId}`);
      return registrationView(reg);
    },
  },
  {
    method: 'DELETE', pattern: /^\/registrations\/([^/]+)$/,
    run: (p, _c, _r, [regId], q) => {
      const how = q.get('how') ?? 'unregistered';
      if (how !== 'unregistered' && how !== 'uninstalled') throw new ControlError(400, 'bad_request', "how must be 'unregistered' or 'uninstalled'");
      const reg = p.invalidateRegId(regId!, how);
      if (!reg) throw new ControlError(404, 'not_found', `no active registration ${regId}`);
      return registrationView(reg);
    },
  },
  { method: 'GET', pattern: /^\/devices$/, run: (p) => p.listDevices() },
  {
    method: 'GET', pattern: /^\/messages$/,
    run: (p, _c, _r, _m, q) => {
      const filter: MessageFilter = {};
      for (const [param, key] of [['appId', 'appId'], ['regId', 'regId'], ['app_message_id', 'appMessageId'], ['appMessageId', 'appMessageId'], ['messageId', 'messageId'], ['state', 'state'], ['reason', 'reason'], ['kind', 'kind']] as const) {
        const v = q.get(param);
        if (v !== null) filter[key] = v;
      }
      // A misspelt state or reason would match nothing and look like "none of those": say so instead.
      if (filter.state !== undefined && !(TARGET_STATES as readonly string[]).includes(filter.state)) throw new ControlError(400, 'bad_request', `state must be one of ${TARGET_STATES.join(', ')}`);
      if (filter.reason !== undefined && !isReason(filter.reason)) throw new ControlError(400, 'bad_request', 'reason must be a name of the reason vocabulary (the reason table of the root README)');
      const since = timeParam(q, 'since');
      const until = timeParam(q, 'until');
      if (since !== undefined) filter.since = since;
      if (until !== undefined) filter.until = until;
      return page(p.listMessages(filter), q).map(messageView);
    },
  },
  {
    method: 'GET', pattern: /^\/messages\/([^/]+)$/,
    run: (p, _c, _r, [id]) => {
      const m = p.findMessage(id!);
      if (!m) throw new ControlError(404, 'not_found', `no message ${id}`);
      return messageView(m);
    },
  },
  {
    method: 'GET', pattern: /^\/journal$/,
    run: (_p, c, _r, _m, q) => {
      const endpoint = q.get('endpoint');
      const code = q.has('code') ? Number(q.get('code')) : undefined;
      const status = q.has('status') ? Number(q.get('status')) : undefined;
      const appId = q.get('appId');
      const since = timeParam(q, 'since');
      const matches = c.journalEntries().filter((e) => (endpoint === null || e.endpoint === endpoint) && (code === undefined || e.code === code)
        && (status === undefined || e.status === status) && (appId === null || e.appId === appId) && (since === undefined || e.at >= since));
      return page(matches, q);
    },
  },
  { method: 'GET', pattern: /^\/receipts$/, run: (p, _c, _r, _m, q) => page(p.receipts.list(), q) },
  { method: 'GET', pattern: /^\/totals$/, run: (p) => p.totals() },
  { method: 'GET', pattern: /^\/clock$/, run: (p) => clockView(p) },
  {
    method: 'POST', pattern: /^\/clock$/,
    run: (p, _c, req) => {
      const clock = p.clock;
      if (!(clock instanceof VirtualClock)) throw new ControlError(409, 'clock_not_virtual', 'this mock runs on the system clock');
      const body = readBody(req);
      const set = Object.hasOwn(body, 'set') ? body.set : undefined;
      const advance = Object.hasOwn(body, 'advance') ? body.advance : undefined;
      if (set === undefined && advance === undefined) throw new ControlError(400, 'bad_request', 'give "set" (epoch ms or ISO time) or "advance" (duration)');
      // Validate both before moving anything: a refused request leaves the clock where it was.
      let to: number | undefined;
      let by: number | undefined;
      try {
        if (set !== undefined) {
          to = typeof set === 'string' && !/^\d+$/.test(set) ? Date.parse(set) : typeof set === 'string' || typeof set === 'number' ? Number(set) : NaN;
          if (!isEpochMs(to)) throw new RangeError(`set must be epoch ms or an ISO time within ±${MAX_EPOCH_MS} ms of 1970, got ${JSON.stringify(set)}`);
        }
        if (advance !== undefined) {
          if (typeof advance !== 'string' && typeof advance !== 'number') throw new RangeError('advance must be a duration (e.g. "10m" or a number of ms)');
          by = parseDuration(advance);
          if ((to ?? clock.now()) + by > MAX_EPOCH_MS) throw new RangeError(`advancing by ${JSON.stringify(advance)} goes past the last instant a clock can hold`);
        }
      } catch (err) {
        throw new ControlError(400, 'bad_request', (err as Error).message);
      }
      let fired = 0;
      if (to !== undefined) fired += clock.set(to);
      if (by !== undefined) fired += clock.advance(by);
      return { ...clockView(p), fired };
    },
  },
  {
    method: 'POST', pattern: /^\/reset$/,
    run: (_p, c, req) => {
      const { scope } = readBody(req);
      if (scope !== undefined && scope !== 'all' && scope !== 'traffic') throw new ControlError(400, 'bad_request', '"scope" is "all" (default) or "traffic"');
      c.reset(scope);
      return { reset: true, scope: scope ?? 'all' };
    },
  },
  { method: 'GET', pattern: /^\/faults$/, run: (p) => p.faults.list() },
  {
    method: 'POST', pattern: /^\/faults$/,
    run: (p, _c, req) => {
      try {
        return p.faults.add(checkFaultSpec(readBody(req)));
      } catch (err) {
        if (err instanceof ControlError) throw err;
        throw new ControlError(400, 'bad_request', (err as Error).message);
      }
    },
  },
  {
    method: 'DELETE', pattern: /^\/faults$/,
    run: (p) => {
      p.faults.clear();
      return { deleted: 'all' };
    },
  },
  {
    method: 'DELETE', pattern: /^\/faults\/([^/]+)$/,
    run: (p, _c, _r, [id]) => {
      if (!p.faults.remove(id!)) throw new ControlError(404, 'not_found', `no fault ${id}`);
      return { deleted: id };
    },
  },
  { method: 'GET', pattern: /^\/settings$/, run: (p) => p.settings },
  {
    method: 'PATCH', pattern: /^\/settings$/,
    run: (p, _c, req) => {
      let changes: Partial<MockSettings>;
      try {
        changes = checkSettings(readBody(req));
      } catch (err) {
        throw new ControlError(400, 'bad_request', (err as Error).message);
      }
      const fixed = Object.keys(changes).filter((k) => START_ONLY_SETTINGS.has(k as keyof MockSettings));
      if (fixed.length > 0) throw new ControlError(409, 'start_only', `${fixed.join(', ')} can only be set when the mock starts (--settings / --set)`);
      return p.updateSettings(changes);
    },
  },
  {
    method: 'POST', pattern: /^\/apps\/([^/]+)\/expire-tokens$/,
    run: (p, _c, _r, [appId]) => {
      if (!p.appById(appId!)) throw new ControlError(404, 'not_found', `no app ${appId}`);
      return { appId, expired: p.expireTokens(appId!) };
    },
  },
];

export function handleControl(platform: OppoPlatform, core: HttpCore, req: WireRequest, subPath: string): WireResponse {
  const path = subPath.length > 1 && subPath.endsWith('/') ? subPath.slice(0, -1) : subPath;
  let pathMatched = false;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== req.method) continue;
    try {
      const params = m.slice(1).map((s) => decodeURIComponent(s));
      const status = req.method === 'POST' && /^\/(apps|registrations|faults)$/.test(path) ? 201 : 200;
      return reply(status, route.run(platform, core, req, params, new URLSearchParams(req.query)));
    } catch (err) {
      if (err instanceof ControlError) return reply(err.status, { error: err.error, message: err.message });
      if (err instanceof URIError) return reply(400, { error: 'bad_request', message: 'malformed path' });
      throw err;
    }
  }
  if (pathMatched) return reply(405, { error: 'method_not_allowed', message: `${req.method} not allowed on /_mock/v1${path}` });
  return reply(404, { error: 'not_found', message: `no control route /_mock/v1${path}` });
}
