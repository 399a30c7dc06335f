/**
 * The one HTTP core both transports (express, msw) call: route by host and path, apply faults,
 * decode the body, run the endpoint, journal the call. Transports only move bytes.
 */
import { isUtf8 } from 'node:buffer';
import type { SurfaceOf } from '../access/guard.ts';
import { CODES, OppoError } from '../core/codes.ts';
import type { OppoPlatform } from '../core/platform.ts';
import type { Region } from '../core/region.ts';
import { Ring } from '../core/ring.ts';
import { maskSecret } from '../core/apps.ts';
import { DEVICE_LINK_PATH } from '../device-link/protocol.ts';
import { handleControl } from './control-api.ts';
import { EMPTY_FORM, parseForm } from './form.ts';
import { FormFields, jsonFields } from './notification.ts';
import { ENDPOINTS, appIdOf, codeEnvelope, envelopeOf, regIdsOf, type ApiCall, type Envelope } from './server-api.ts';

export interface WireRequest {
  method: string;
  /** Host header without the port. */
  host: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string without `?`. */
  query: string;
  /** Header by lower-case name. */
  header(name: string): string | undefined;
  body: Uint8Array;
  /** Which transport carried it (journal only). */
  via: 'http' | 'msw';
}

export type WireResponse =
  | { kind: 'reply'; status: number; body: string; contentType: string }
  /** The connection is cut without an answer (fault `drop_connection`). */
  | { kind: 'drop' };

export interface JournalEntry {
  seq: number;
  at: number;
  via: 'http' | 'msw';
  method: string;
  host: string;
  path: string;
  region?: Region;
  endpoint?: string;
  appId?: string;
  status: number;
  code?: number;
  fault?: string;
  /** Request fields with tokens and signatures masked. */
  request: Record<string, unknown>;
  /** The answer's JSON body, masked the same way (setting `journalResponses`; absent for faults that cut or 5xx). */
  response?: unknown;
}

/** `all`: as new; `traffic`: apps, tokens and registrations kept (see OppoPlatform.resetTraffic). */
export type ResetScope = 'all' | 'traffic';

/** The journal keeps the call and the answer themselves (by reference) and masks only when read. */
type StoredEntry = Omit<JournalEntry, 'request' | 'response'> & { call: ApiCall; answer?: Envelope };

/** Form and JSON keys whose values the journal shows masked. */
const MASKED_FIELDS: ReadonlySet<string> = new Set(['auth_token', 'sign', 'master_secret', 'masterSecret', 'app_secret', 'appSecret']);

function maskedView(call: ApiCall): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (call.headerToken !== undefined) out['header:auth_token'] = maskSecret(call.headerToken);
  for (const [key, value] of call.field.entries()) out[key] = MASKED_FIELDS.has(key) && typeof value === 'string' ? maskSecret(value) : value;
  return out;
}

/** A copy of a JSON value with every MASKED_FIELDS key masked, at any depth (an auth answer's `data.auth_token`). */
function maskedValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskedValue);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = MASKED_FIELDS.has(key) && typeof v === 'string' ? maskSecret(v) : maskedValue(v);
  return out;
}

/** Hosts of reference §1; the intl push host switches the region. */
export const HOSTS = {
  api: 'api.push.oppomobile.com',
  apiIntl: 'api-intl.push.oppomobile.com',
  feedback: 'feedback.push.oppomobile.com',
  device: 'api-device.push.heytapmobi.com',
} as const;

const SERVER_PREFIX = '/server/v1/';
const INTL_PREFIX = '/intl/server/v1/';
const CONTROL_PREFIX = '/_mock/v1';

/** The access guard's view of the mock: the server API and the device link are open (they keep their own auth), the rest is control. */
export const mockSurfaces: SurfaceOf = (path) =>
  path.startsWith(SERVER_PREFIX) || path.startsWith(INTL_PREFIX) || path === DEVICE_LINK_PATH ? 'open' : 'control';

const JSON_TYPE = 'application/json;charset=UTF-8';

function json(status: number, body: unknown): WireResponse {
  return { kind: 'reply', status, body: JSON.stringify(body), contentType: JSON_TYPE };
}

function notFound(req: WireRequest): WireResponse {
  return json(404, { error: 'not_found', message: `no route for ${req.method} ${req.path}` });
}

export class HttpCore {
  private readonly journal: Ring<StoredEntry>;
  private seq = 0;

  constructor(private readonly platform: OppoPlatform) {
    this.journal = new Ring(platform.settings.journalCapacity);
  }

  /** The journal, oldest first, with secrets masked. */
  journalEntries(): JournalEntry[] {
    return this.journal.toArray().map(({ call, answer, ...entry }) => ({
      ...entry,
      request: maskedView(call),
      ...(answer !== undefined ? { response: maskedValue(answer) } : {}),
    }));
  }

  /**
   * An empty journal and (`all`) the platform back to its initial apps, or (`traffic`) only its
   * messages, faults, receipts and quotas (MockOppo.reset, POST /_mock/v1/reset).
   */
  reset(scope: ResetScope = 'all'): void {
    if (scope === 'traffic') this.platform.resetTraffic();
    else this.platform.reset();
    this.journal.clear();
  }

  /** Answers one request; a Promise only while a latency fault holds the reply. */
  handle(req: WireRequest): WireResponse | Promise<WireResponse> {
    if (req.body.length > this.platform.settings.maxBodyBytes) return this.tooLarge();
    const path = req.path;
    if (path.startsWith(CONTROL_PREFIX) && (path.length === CONTROL_PREFIX.length || path[CONTROL_PREFIX.length] === '/')) {
      return handleControl(this.platform, this, req, path.slice(CONTROL_PREFIX.length) || '/');
    }
    let region: Region;
    let rest: string;
    if (path.startsWith(INTL_PREFIX)) {
      region = 'INTL';
      rest = path.slice(INTL_PREFIX.length);
    } else if (path.startsWith(SERVER_PREFIX)) {
      region = req.host === HOSTS.apiIntl ? 'INTL' : 'CN';
      rest = path.slice(SERVER_PREFIX.length);
    } else {
      return notFound(req);
    }
    const endpoint = Object.hasOwn(ENDPOINTS, rest) ? ENDPOINTS[rest]! : undefined;
    if (!endpoint) return json(404, { code: CODES.INVALID_METHOD, message: `Invalid Method: no API ${path}` });

    const call = this.readCall(req, region, endpoint.body);
    const entry: StoredEntry = {
      seq: ++this.seq, at: this.platform.clock.now(), via: req.via, method: req.method, host: req.host, path,
      region, endpoint: endpoint.name, status: 200, call,
    };
    this.journal.push(entry);

    let delayMs = 0;
    if (!this.platform.faults.empty) {
      const scope = { endpoint: endpoint.name, ...appIdOf(this.platform, endpoint, call), regIds: regIdsOf(endpoint, call) };
      if (scope.appId !== undefined) entry.appId = scope.appId;
      const latency = this.platform.faults.take(['latency'], scope);
      if (latency) delayMs = latency.delayMs;
      const fault = this.platform.faults.take(['code', 'http', 'drop'], scope);
      if (fault) {
        entry.fault = fault.preset;
        const reply: WireResponse =
          fault.kind === 'drop' ? { kind: 'drop' }
          : fault.kind === 'http' ? { kind: 'reply', status: fault.status, body: 'Service Unavailable', contentType: 'text/plain' }
          : this.envelope(entry, codeEnvelope(fault.code!));
        if (reply.kind === 'reply') entry.status = reply.status;
        return this.delay(reply, delayMs);
      }
    }

    let envelope: Envelope;
    if (!endpoint.methods.includes(req.method)) envelope = codeEnvelope(CODES.HTTP_ACTION_NOT_ALLOWED);
    else if (call.badEncoding) envelope = codeEnvelope(CODES.INVALID_ENCODING);
    else {
      try {
        envelope = endpoint.handle(this.platform, call);
      } catch (err) {
        if (!(err instanceof OppoError)) throw err;
        envelope = envelopeOf(err);
      }
      if (call.appId !== undefined) entry.appId = call.appId;
    }
    return this.delay(this.envelope(entry, envelope), delayMs);
  }

  private envelope(entry: StoredEntry, envelope: Envelope): WireResponse {
    entry.code = envelope.code;
    if (this.platform.settings.journalResponses) entry.answer = envelope;
    return json(200, envelope);
  }

  tooLarge(): WireResponse {
    return json(413, { error: 'payload_too_large', message: `request body exceeds ${this.platform.settings.maxBodyBytes} bytes` });
  }

  /** Latency runs on the platform clock: real time on a flowing clock; on a frozen clock the reply waits for an advance. */
  private delay(reply: WireResponse, ms: number): WireResponse | Promise<WireResponse> {
    if (ms <= 0) return reply;
    return new Promise((resolve) => this.platform.clock.setTimer(ms, () => resolve(reply)));
  }

  /**
   * Push endpoints read `application/x-www-form-urlencoded` (other content types count as an empty
   * form, then query parameters, as a servlet would); device-host endpoints read a JSON object.
   */
  private readCall(req: WireRequest, region: Region, kind: 'form' | 'json'): ApiCall {
    const rawType = req.header('content-type') ?? '';
    const contentType = /[A-Z]/.test(rawType) ? rawType.toLowerCase() : rawType;
    const charsetAt = contentType.indexOf('charset=');
    const charset = charsetAt === -1 ? undefined : contentType.slice(charsetAt + 8).split(/[;\s]/)[0]!.replace(/"/g, '');
    const badEncoding = (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') || (req.body.length > 0 && !isUtf8(req.body));
    const empty = badEncoding || req.body.length === 0;
    const headerToken = req.header('auth_token') || undefined;
    let call: ApiCall;
    if (kind === 'json') {
      let obj: Record<string, unknown> = Object.create(null);
      let badJson = false;
      try {
        const parsed: unknown = empty ? undefined : JSON.parse(Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength).toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) obj = parsed as Record<string, unknown>;
        else badJson = true;
      } catch {
        badJson = true;
      }
      call = { region, field: jsonFields(obj), badJson };
    } else {
      const form = !empty && contentType.startsWith('application/x-www-form-urlencoded') ? parseForm(req.body) : EMPTY_FORM;
      call = { region, field: new FormFields(form, req.query ? parseForm(req.query) : EMPTY_FORM) };
    }
    if (headerToken !== undefined) call.headerToken = headerToken;
    if (badEncoding) call.badEncoding = true;
    return call;
  }
}
