/**
 * Talks to OPPO PUSH as a real IM backend does: form-encoded auth (SHA-256 of
 * app_key + timestamp + master_secret), a cached auth token per app, unicast with the token in
 * the form. Retries -1/-2/HTTP 5xx/network errors/timeouts with the configured real-time
 * backoff; re-authenticates once on code 11; never retries other codes.
 */
import type { Clock } from '../../../mock-oppo/core/clock.ts';
import { maskSecret } from '../../../mock-oppo/core/apps.ts';
import { authSign } from '../../../mock-oppo/core/sign.ts';
import { CODES, CODE_MESSAGES } from '../../../mock-oppo/core/codes.ts';
import { DEFAULT_SETTINGS as OPPO_DEFAULTS } from '../../../mock-oppo/core/settings.ts';
import { HOSTS } from '../../../mock-oppo/wire/http.ts';
import type { CertificateConfig } from '../rules/certificates.ts';
import type { OppoAttempt, OppoExchange } from '../rules/traces.ts';

export const OPPO_CN_BASE_URL = `https://${HOSTS.api}`;
const AUTH_PATH = '/server/v1/auth';
const UNICAST_PATH = '/server/v1/message/notification/unicast';
const UNICAST_BATCH_PATH = '/server/v1/message/notification/unicast_batch';
/** Renew a cached token this long before OPPO's 24 h expiry, instead of spending a call on code 11. */
const TOKEN_RENEW_MARGIN_MS = 3_600_000;
/** OPPO's "retry later" answers; every other non-zero code is final (11 gets one re-auth). */
const RETRYABLE_CODES: ReadonlySet<number> = new Set([CODES.SERVICE_UNAVAILABLE, CODES.FLOW_CONTROL]);
/** The official SDK's client-side code for a body that is not JSON. */
const RESPONSE_PARSE_ERROR = -3;

/** An auth answer as the trace keeps it: `data.auth_token` masked (the trace is served and reported). */
function withMaskedToken(body: unknown): unknown {
  const data = (body as { data?: { auth_token?: unknown } } | undefined)?.data;
  if (typeof data?.auth_token !== 'string') return body;
  return { ...(body as object), data: { ...data, auth_token: maskSecret(data.auth_token) } };
}

export interface OppoClientOptions {
  baseUrl: string;
  clock: Clock;
  fetch: typeof fetch;
  retryDelaysMs: number[];
  timeoutMs: number;
}

type CallResult =
  | { kind: 'answer'; code: number; message: string; data: unknown }
  | { kind: 'retryable'; why: string }
  | { kind: 'failed'; code: number; message: string };

interface CallEnd {
  outcome: OppoExchange['outcome'];
  code?: number;
  message?: string;
  data?: unknown;
}

function exchange(request: Record<string, unknown>, attempts: OppoAttempt[], outcome: OppoExchange['outcome'], code?: number, text?: string, messageId?: string): OppoExchange {
  const e: OppoExchange = { request, attempts, outcome };
  if (code !== undefined) e.code = code;
  if (text !== undefined) e.message = text;
  if (messageId !== undefined) e.messageId = messageId;
  return e;
}

interface CachedToken {
  token: string;
  createdAt: number;
}

export class OppoClient {
  /**
   * Retries waiting out their backoff; close() ends them (they give up instead of holding shutdown).
   * A set of plain timers, not one AbortSignal shared by every wait: each wait would add an 'abort'
   * listener to it, and past ten Node warns of a leak (MaxListenersExceededWarning).
   */
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: (go: boolean) => void }>();
  private closed = false;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly authInFlight = new Map<string, Promise<CallResult>>();

  constructor(private readonly opts: OppoClientOptions) {}

  /** Ends pending retry waits (those exchanges end as gave_up); later calls send no retries. */
  close(): void {
    this.closed = true;
    for (const w of this.waits) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waits.clear();
  }

  /** Waits `ms` of real time; false if the client closed meanwhile. */
  private backoff(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wait = {
        timer: setTimeout(() => {
          this.waits.delete(wait);
          resolve(true);
        }, ms),
        resolve,
      };
      this.waits.add(wait);
    });
  }

  /** Sends one unicast; the returned exchange records every attempt (secrets masked). */
  async unicast(cert: CertificateConfig, message: Record<string, unknown>): Promise<OppoExchange> {
    const attempts: OppoAttempt[] = [];
    const end = await this.call(cert, UNICAST_PATH, 'unicast', { message: JSON.stringify(message) }, attempts);
    const messageId = end.outcome === 'accepted' ? (end.data as { messageId?: unknown } | undefined)?.messageId : undefined;
    return exchange(message, attempts, end.outcome, end.code, end.message, typeof messageId === 'string' ? messageId : undefined);
  }

  /**
   * Up to 1,000 unicasts in one `unicast_batch` call, as a backend sends a message to many recipients;
   * one exchange per message, in order, sharing the call's attempts. OPPO answers per message (a
   * messageId, or an error code for that target); a refusal of the whole call ends them all alike.
   */
  async unicastBatch(cert: CertificateConfig, messages: Array<Record<string, unknown>>): Promise<OppoExchange[]> {
    if (messages.length === 1) return [await this.unicast(cert, messages[0]!)];
    const attempts: OppoAttempt[] = [];
    const results: Array<OppoExchange | undefined> = messages.map(() => undefined);
    // Messages OPPO refused one by one with a "retry later" code (flow control) go again, alone,
    // after the backoff, as the whole call would have; the rest keep their answer.
    let open = messages.map((_, i) => i);
    let retries = 0;
    for (;;) {
      const batch = open.map((i) => messages[i]!);
      const end = await this.call(cert, UNICAST_BATCH_PATH, 'unicast_batch', { messages: JSON.stringify(batch) }, attempts);
      const items = end.outcome === 'accepted' && Array.isArray(end.data) ? (end.data as Array<{ messageId?: unknown; errorCode?: unknown; errorMessage?: unknown }>) : undefined;
      const again: number[] = [];
      open.forEach((index, k) => {
        const message = messages[index]!;
        if (!items) {
          // Accepted, but not the documented per-message list: as the SDK would, treat it as unreadable.
          results[index] = end.outcome === 'accepted'
            ? exchange(message, attempts, 'rejected', RESPONSE_PARSE_ERROR, 'unicast_batch answer without a data list')
            : exchange(message, attempts, end.outcome, end.code, end.message);
          return;
        }
        const item = items[k];
        if (typeof item?.messageId === 'string') {
          results[index] = exchange(message, attempts, 'accepted', 0, end.message, item.messageId);
          return;
        }
        const code = typeof item?.errorCode === 'number' ? item.errorCode : RESPONSE_PARSE_ERROR;
        const text = typeof item?.errorMessage === 'string' ? item.errorMessage : 'no result for this message';
        results[index] = exchange(message, attempts, RETRYABLE_CODES.has(code) ? 'gave_up' : 'rejected', code, text);
        if (RETRYABLE_CODES.has(code)) again.push(index);
      });
      const delay = this.opts.retryDelaysMs[retries];
      if (again.length === 0 || delay === undefined) break;
      retries++;
      attempts.at(-1)!.retryAfterMs = delay;
      if (!(await this.backoff(delay))) break;
      open = again;
    }
    return results as OppoExchange[];
  }

  /** One push call with auth, the backoff retries and one re-auth on code 11. */
  private async call(cert: CertificateConfig, path: string, call: 'unicast' | 'unicast_batch', form: Record<string, string>, attempts: OppoAttempt[]): Promise<CallEnd> {
    let retries = 0;
    let reauthenticated = false;
    const retry = async (): Promise<boolean> => {
      const delay = this.opts.retryDelaysMs[retries];
      if (delay === undefined) return false;
      retries++;
      // A push that shared another push's auth call has no attempt of its own to note the wait on.
      const last = attempts.at(-1);
      if (last) last.retryAfterMs = delay;
      return this.backoff(delay);
    };
    for (;;) {
      const auth = await this.token(cert, attempts);
      if (auth.kind === 'retryable') {
        if (await retry()) continue;
        return { outcome: 'gave_up', message: `auth: ${auth.why}` };
      }
      if (auth.kind === 'failed') return { outcome: 'rejected', code: auth.code, message: `auth: ${auth.message}` };
      const token = auth.data as string;
      const result = await this.post(path, { auth_token: token, ...form }, { auth_token: maskSecret(token) }, call, attempts);
      if (result.kind === 'retryable') {
        if (await retry()) continue;
        return { outcome: 'gave_up', message: result.why };
      }
      if (result.kind === 'failed') return { outcome: 'rejected', code: result.code, message: result.message };
      if (result.code === CODES.SUCCESS) return { outcome: 'accepted', code: 0, message: result.message, data: result.data };
      if (result.code === CODES.INVALID_AUTH_TOKEN && !reauthenticated) {
        reauthenticated = true;
        this.forget(cert, token);
        continue;
      }
      if (!RETRYABLE_CODES.has(result.code)) return { outcome: 'rejected', code: result.code, message: result.message };
      if (await retry()) continue;
      return { outcome: 'gave_up', code: result.code, message: result.message };
    }
  }

  /**
   * One fresh auth call with the certificate's AppKey and MasterSecret (what the console's
   * certificate test does): OPPO's code and message; the token it gets is not cached.
   */
  async verify(cert: CertificateConfig): Promise<{ code: number; message: string }> {
    const timestamp = String(this.opts.clock.now());
    const sign = authSign(cert.appKey, timestamp, cert.masterSecret);
    const result = await this.post(AUTH_PATH, { app_key: cert.appKey, timestamp, sign }, { sign: maskSecret(sign) }, 'auth', []);
    if (result.kind === 'answer' || result.kind === 'failed') return { code: result.code, message: result.message };
    return { code: CODES.SERVICE_UNAVAILABLE, message: result.why };
  }

  /** The cached token, or a fresh one; concurrent pushes of one app share a single auth call. */
  private async token(cert: CertificateConfig, attempts: OppoAttempt[]): Promise<CallResult> {
    const key = this.cacheKey(cert);
    const cached = this.tokens.get(key);
    if (cached && this.opts.clock.now() < cached.createdAt + OPPO_DEFAULTS.tokenTtlMs - TOKEN_RENEW_MARGIN_MS) {
      return { kind: 'answer', code: 0, message: 'cached', data: cached.token };
    }
    let pending = this.authInFlight.get(key);
    if (!pending) {
      pending = this.authenticate(cert, attempts).finally(() => this.authInFlight.delete(key));
      this.authInFlight.set(key, pending);
    }
    return pending;
  }

  private async authenticate(cert: CertificateConfig, attempts: OppoAttempt[]): Promise<CallResult> {
    const timestamp = String(this.opts.clock.now());
    const sign = authSign(cert.appKey, timestamp, cert.masterSecret);
    const result = await this.post(AUTH_PATH, { app_key: cert.appKey, timestamp, sign }, { sign: maskSecret(sign) }, 'auth', attempts);
    if (result.kind !== 'answer') return result;
    const data = result.data as { auth_token?: unknown; create_time?: unknown } | undefined;
    if (result.code !== CODES.SUCCESS) {
      return RETRYABLE_CODES.has(result.code)
        ? { kind: 'retryable', why: `auth code ${result.code}` }
        : { kind: 'failed', code: result.code, message: result.message };
    }
    if (typeof data?.auth_token !== 'string') return { kind: 'failed', code: RESPONSE_PARSE_ERROR, message: 'auth answer without data.auth_token' };
    const createTime = Number(data.create_time);
    this.tokens.set(this.cacheKey(cert), { token: data.auth_token, createdAt: Number.isFinite(createTime) && createTime > 0 ? createTime : this.opts.clock.now() });
    return { kind: 'answer', code: 0, message: result.message, data: data.auth_token };
  }

  private forget(cert: CertificateConfig, token: string): void {
    const key = this.cacheKey(cert);
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }

  private cacheKey(cert: CertificateConfig): string {
    return `${cert.appKey}\n${cert.masterSecret}`;
  }

  private async post(path: string, form: Record<string, string>, masked: Record<string, string>, call: OppoAttempt['call'], attempts: OppoAttempt[]): Promise<CallResult> {
    const url = this.opts.baseUrl.replace(/\/+$/, '') + path;
    const shown = { ...form, ...masked };
    // The messages themselves are in each exchange's `request`.
    delete shown.message;
    delete shown.messages;
    const attempt: OppoAttempt = { at: this.opts.clock.now(), call, url, form: shown };
    attempts.push(attempt);
    let response: Response;
    let text: string;
    try {
      response = await this.opts.fetch(url, { method: 'POST', body: new URLSearchParams(form), signal: AbortSignal.timeout(this.opts.timeoutMs) });
      text = await response.text();
    } catch (err) {
      attempt.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return { kind: 'retryable', why: attempt.error };
    }
    attempt.httpStatus = response.status;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    attempt.response = call === 'auth' ? withMaskedToken(body) ?? text.slice(0, 500) : body ?? text.slice(0, 500);
    if (response.status >= 500) return { kind: 'retryable', why: `HTTP ${response.status}` };
    if (response.status !== 200) return { kind: 'failed', code: RESPONSE_PARSE_ERROR, message: `HTTP ${response.status}` };
    const b = body as { code?: unknown; message?: unknown; data?: unknown } | undefined;
    if (typeof b?.code !== 'number') return { kind: 'failed', code: RESPONSE_PARSE_ERROR, message: 'Response Parse Error' };
    const message = typeof b.message === 'string' ? b.message : (CODE_MESSAGES as Record<number, string>)[b.code] ?? '';
    return { kind: 'answer', code: b.code, message, data: b.data };
  }
}
