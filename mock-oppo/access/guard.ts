/**
 * The access guard: one set of rules for every server of the lab (mock-oppo, IM, the lab API and
 * whatever joins them), so a control surface is never reachable by someone it was not meant for.
 *
 * Each request path belongs to a surface:
 * - `open`: a real service's API (OPPO's `/server/v1`, IM's `/v4`) or a device-side link. It keeps
 *   only its own real auth (OPPO sign/token, UserSig): a backend under test calls it unchanged.
 * - `control`: everything a person or our own tools use to drive the fakes (`/_mock/v1`, `/_im/v1`,
 *   `/_lab/v1`, phones). The default for any path a server does not declare open.
 * - `web`: the lab's web view, a page in a browser (control rules, plus its own web token).
 *
 * Rules for control and web (open paths skip them all; a WebSocket upgrade on an open path still
 * gets rule 2, a browser page must not open device links):
 * 1. On loopback, the Host header must be a loopback name, the bound address or an allowed host:
 *    a page that DNS-rebinds its own name to 127.0.0.1 gets 403 (`forbidden_host`).
 * 2. A state-changing request (anything but GET/HEAD/OPTIONS, and every upgrade) whose Origin is not
 *    the request's own origin gets 403 (`forbidden_origin`) unless it carries the web-token header,
 *    which no other page can know nor send (a custom header needs a CORS preflight we never grant).
 * 3. When a token is required (the servers bind a non-loopback address, or a token was given), a
 *    request needs it (`Authorization: Bearer <token>`) or the web token (header or cookie): else 401.
 * 4. Web surfaces: a state-changing request always needs the web-token header, even same-origin.
 *
 * This file holds the rules (no HTTP types); `node.ts` applies them to node:http servers.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';

export type Surface = 'open' | 'control' | 'web';

/** Maps a request path (without query) to its surface. */
export type SurfaceOf = (path: string) => Surface;

/** The header the web view's own requests carry (its page embeds `guard.webToken`). */
export const WEB_TOKEN_HEADER = 'x-push-lab-web-token';
/** Cookie name prefix of the web login (the server's port is appended: cookies ignore ports). */
export const WEB_COOKIE_PREFIX = 'push_lab_web';
/** A token given by the user must be at least this long and of URL-safe characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{16,256}$/;

export interface AccessGuardOptions {
  /** The address the servers bind (what `--host` said). */
  host: string;
  /** A token to enforce (also on loopback). Absent: one is generated when `host` is not loopback. */
  token?: string;
  /** More Host names a loopback lab answers (a tunnel's name, such as a farm's `bs-local.com`). */
  allowedHosts?: readonly string[];
  /** Where a client gets the token, for the 401 message (e.g. "--token / PUSH_LAB_TOKEN"). */
  tokenSource?: string;
}

export interface AccessRequest {
  method: string;
  /** The Host header as sent (with its port). */
  host: string | undefined;
  origin: string | undefined;
  authorization: string | undefined;
  /** The WEB_TOKEN_HEADER value. */
  webToken: string | undefined;
  cookie: string | undefined;
  /** A WebSocket (or other) upgrade request. */
  upgrade: boolean;
}

export interface Denial {
  status: 401 | 403;
  code: 'forbidden_host' | 'forbidden_origin' | 'token_required' | 'bad_token' | 'web_token_required';
  message: string;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host part of a Host header or URL authority, lower-cased, IPv6 without brackets. */
export function hostName(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    return end === -1 ? a : a.slice(1, end);
  }
  const colon = a.indexOf(':');
  // More than one colon and no brackets: a bare IPv6 address (as `--host ::1` is written).
  if (colon !== -1 && a.indexOf(':', colon + 1) !== -1) return a;
  return colon === -1 ? a : a.slice(0, colon);
}

/**
 * Whether a name or address is loopback: `localhost`, `*.localhost` (RFC 6761: browsers never ask
 * DNS for them), 127.0.0.0/8, ::1 and the IPv4-mapped 127/8.
 */
export function isLoopback(host: string): boolean {
  const name = hostName(host);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  const v4 = name.startsWith('::ffff:') ? name.slice(7) : name;
  return isIPv4(v4) && v4.startsWith('127.');
}

/** A fresh random token (144 bits, URL-safe). */
export function generateToken(): string {
  return randomBytes(18).toString('base64url');
}

/** Throws a readable error for a token too short or with characters a header cannot carry. */
export function checkToken(token: string): string {
  if (!TOKEN_PATTERN.test(token)) throw new RangeError('a token needs 16 to 256 characters from A-Z a-z 0-9 . _ ~ + / = -');
  return token;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time equality (on digests, so the lengths do not leak either). */
function same(given: string | undefined, expected: Buffer): boolean {
  return given !== undefined && timingSafeEqual(digest(given), expected);
}

function bearerOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1] : undefined;
}

/** Values of every cookie whose name starts with WEB_COOKIE_PREFIX. */
function webCookies(cookie: string | undefined): string[] {
  if (!cookie) return [];
  const out: string[] = [];
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim().startsWith(WEB_COOKIE_PREFIX)) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

export class AccessGuard {
  /** The token every control call needs, or undefined when none is required (loopback, none given). */
  readonly token: string | undefined;
  /** Whether `token` was generated here (the CLI prints it once). */
  readonly generated: boolean;
  /** The web view's own token: its page embeds it and sends it in WEB_TOKEN_HEADER. */
  readonly webToken: string;
  /** The servers bind a loopback address: the Host rule applies. */
  readonly loopback: boolean;
  private readonly hostNames: ReadonlySet<string>;
  private readonly tokenDigest: Buffer | undefined;
  private readonly webDigest: Buffer;
  private readonly tokenSource: string;

  constructor(private readonly options: AccessGuardOptions) {
    this.loopback = isLoopback(options.host);
    if (options.token !== undefined) checkToken(options.token);
    this.generated = options.token === undefined && !this.loopback;
    this.token = options.token ?? (this.loopback ? undefined : generateToken());
    this.webToken = generateToken();
    this.tokenDigest = this.token === undefined ? undefined : digest(this.token);
    this.webDigest = digest(this.webToken);
    this.hostNames = new Set([hostName(options.host), ...(options.allowedHosts ?? []).map(hostName)]);
    this.tokenSource = options.tokenSource ?? 'the token printed at start';
  }

  /** The address the servers bind. */
  get host(): string {
    return this.options.host;
  }

  /** Whether a valid web token came in the header or a web cookie. */
  private hasWebToken(req: AccessRequest, cookieToo: boolean): boolean {
    if (same(req.webToken, this.webDigest)) return true;
    return cookieToo && webCookies(req.cookie).some((v) => same(v, this.webDigest));
  }

  /** Whether `candidate` is the required token (false when none is required). */
  isToken(candidate: string | undefined): boolean {
    return this.tokenDigest !== undefined && same(candidate, this.tokenDigest);
  }

  private hostAllowed(host: string | undefined): boolean {
    if (host === undefined || host === '') return false;
    return isLoopback(host) || this.hostNames.has(hostName(host));
  }

  /** Undefined when the request may pass; otherwise what to answer. */
  check(surface: Surface, req: AccessRequest): Denial | undefined {
    const changes = req.upgrade || !SAFE_METHODS.has(req.method.toUpperCase());
    if (surface === 'open') return req.upgrade ? this.checkOrigin(req) : undefined;
    if (this.loopback && !this.hostAllowed(req.host)) {
      return {
        status: 403,
        code: 'forbidden_host',
        message:
          `Host '${req.host ?? ''}' is not this server's: on loopback it answers only localhost, 127.0.0.1, [::1] and ` +
          'the hosts allowed at start with --allow-host (a defence against DNS rebinding)',
      };
    }
    if (changes) {
      const denied = this.checkOrigin(req);
      if (denied) return denied;
    }
    if (this.tokenDigest !== undefined && !this.isToken(bearerOf(req.authorization)) && !this.hasWebToken(req, true)) {
      const given = req.authorization !== undefined;
      return {
        status: 401,
        code: given ? 'bad_token' : 'token_required',
        message: given
          ? 'the token does not match (nothing was changed)'
          : `${this.loopback ? 'this server was started with a token' : `this server listens on ${this.options.host}, not loopback`}, so its control API needs the token: ` +
            `send 'Authorization: Bearer <token>' (${this.tokenSource}); nothing was changed`,
      };
    }
    if (surface === 'web' && changes && !this.hasWebToken(req, false)) {
      return { status: 403, code: 'web_token_required', message: `the web view's state-changing requests carry its ${WEB_TOKEN_HEADER} header` };
    }
    return undefined;
  }

  private checkOrigin(req: AccessRequest): Denial | undefined {
    const origin = req.origin;
    if (origin === undefined) return undefined;
    const own = req.host !== undefined && (origin.toLowerCase() === `http://${req.host.toLowerCase()}` || origin.toLowerCase() === `https://${req.host.toLowerCase()}`);
    if (own || this.hasWebToken(req, false)) return undefined;
    return {
      status: 403,
      code: 'forbidden_origin',
      message: `a state-changing request from the page at origin '${origin}' is refused (a defence against cross-site requests): only this server's own pages and our clients change the lab`,
    };
  }
}
