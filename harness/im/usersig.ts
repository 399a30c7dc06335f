/**
 * UserSig v2 (TLSSigAPIv2): zlib-compressed JSON ticket, base64 with `+/=` → `*-_`, HMAC-SHA256
 * over the `TLS.*` lines with the app's secret key string. Byte-compatible with Tencent's
 * `tls-sig-api-v2`; verification parses the JSON (key order and whitespace are not signed).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { IM_ERRORS, type ImErrorName } from './errors.ts';

/** The libraries' default lifetime: 180 days. */
export const DEFAULT_USERSIG_EXPIRE_SECONDS = 180 * 86_400;

export interface UserSigTicket {
  identifier: string;
  sdkAppId: number;
  /** Issue time, Unix seconds. */
  time: number;
  /** Lifetime in seconds (expiry instant = time + expire). */
  expire: number;
}

function signedContent(t: UserSigTicket, userBuf?: string): string {
  return (
    `TLS.identifier:${t.identifier}\nTLS.sdkappid:${t.sdkAppId}\nTLS.time:${t.time}\nTLS.expire:${t.expire}\n` +
    (userBuf === undefined ? '' : `TLS.userbuf:${userBuf}\n`)
  );
}

function hmac(secretKey: string, content: string): Buffer {
  return createHmac('sha256', secretKey).update(content, 'utf8').digest();
}

export function genUserSig(opts: { sdkAppId: number; secretKey: string; userId: string; expireSeconds?: number; now?: number }): string {
  const ticket: UserSigTicket = {
    identifier: opts.userId,
    sdkAppId: opts.sdkAppId,
    time: Math.floor((opts.now ?? Date.now()) / 1000),
    expire: opts.expireSeconds ?? DEFAULT_USERSIG_EXPIRE_SECONDS,
  };
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': ticket.identifier,
    'TLS.sdkappid': ticket.sdkAppId,
    'TLS.time': ticket.time,
    'TLS.expire': ticket.expire,
    'TLS.sig': hmac(opts.secretKey, signedContent(ticket)).toString('base64'),
  };
  return deflateSync(Buffer.from(JSON.stringify(doc))).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

export type VerifyResult = { ok: true; ticket: UserSigTicket } | { ok: false; code: number; message: string };

function fail(name: ImErrorName, detail?: string): VerifyResult {
  const [code, text] = IM_ERRORS[name];
  return { ok: false, code, message: detail ? `${text}: ${detail}` : text };
}

function decode(userSig: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9*_\-+/=]+$/.test(userSig)) return undefined;
  try {
    const b64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
    const json: unknown = JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString('utf8'));
    return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Checks a UserSig for `userId` of app `sdkAppId` at `now` (epoch ms). Order as in the reference
 * (§2.4): decode → app → identifier → signature → expiry → future issue time. A kick is the
 * account store's business (it needs TLS.time, returned here).
 */
export function verifyUserSig(
  userSig: string,
  opts: { sdkAppId: number; secretKey: string; userId: string; now: number; futureSkewMs?: number },
): VerifyResult {
  if (userSig === '') return fail('USERSIG_EMPTY');
  const doc = decode(userSig);
  if (!doc) return fail('USERSIG_INVALID', 'not a base64/zlib/JSON ticket');
  const { 'TLS.ver': ver, 'TLS.identifier': identifier, 'TLS.sdkappid': sdkAppId, 'TLS.time': time, 'TLS.expire': expire, 'TLS.sig': sig, 'TLS.userbuf': userBuf } = doc;
  if (ver !== '2.0' || typeof identifier !== 'string' || !isUint(sdkAppId) || !isUint(time) || !isUint(expire) || typeof sig !== 'string') {
    return fail('USERSIG_INVALID', 'not a v2 ticket');
  }
  if (userBuf !== undefined && typeof userBuf !== 'string') return fail('USERSIG_INVALID', 'bad TLS.userbuf');
  if (sdkAppId !== opts.sdkAppId) return fail('USERSIG_SDKAPPID_MISMATCH');
  if (identifier !== opts.userId) return fail('USERSIG_IDENTIFIER_MISMATCH');
  const ticket: UserSigTicket = { identifier, sdkAppId, time, expire };
  const expected = hmac(opts.secretKey, signedContent(ticket, userBuf));
  const given = Buffer.from(sig, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail('USERSIG_BAD_SIGNATURE');
  const nowSeconds = Math.floor(opts.now / 1000);
  // Strict '>' like Tencent's Go verifier: the last second is still valid.
  if (nowSeconds > time + expire) return fail('USERSIG_EXPIRED');
  if (opts.futureSkewMs !== undefined && time * 1000 > opts.now + opts.futureSkewMs) {
    return fail('USERSIG_VERIFY_FAILED', 'TLS.time is in the future');
  }
  return { ok: true, ticket };
}
