/**
 * The access guard (guard.ts) on node:http servers: around a request listener (before any body is
 * read, so a refused call changes nothing), on WebSocket upgrades, and the web view's login.
 * Open paths (the server APIs) go straight to the listener: one prefix test per request.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WEB_COOKIE_PREFIX, WEB_TOKEN_HEADER, type AccessGuard, type AccessRequest, type Denial, type SurfaceOf } from './guard.ts';

/** How a server spells a refusal in its own error shape. */
export type DenialBody = (denial: Denial) => unknown;
/** `{ error: { code, message } }`: the IM, lab and phone APIs. */
export const nestedDenial: DenialBody = (d) => ({ error: { code: d.code, message: d.message } });
/** `{ error, message }`: mock-oppo's control API. */
export const flatDenial: DenialBody = (d) => ({ error: d.code, message: d.message });

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function accessRequest(req: IncomingMessage, upgrade: boolean): AccessRequest {
  return {
    method: req.method ?? 'GET',
    host: header(req, 'host'),
    origin: header(req, 'origin'),
    authorization: header(req, 'authorization'),
    webToken: header(req, WEB_TOKEN_HEADER),
    cookie: header(req, 'cookie'),
    upgrade,
  };
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function deny(req: IncomingMessage, res: ServerResponse, denial: Denial, body: DenialBody): void {
  const text = JSON.stringify(body(denial));
  const headers: Record<string, string | number> = { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) };
  if (denial.status === 401) headers['www-authenticate'] = 'Bearer realm="push-lab"';
  // The body is never read: close instead of letting a keep-alive connection parse it as the next request.
  if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) headers.connection = 'close';
  res.writeHead(denial.status, headers);
  res.end(text);
}

/**
 * `GET <web path>?token=<lab token>` (the URL the CLI prints for a lab off loopback): sets the web
 * cookie and redirects to the same URL without the token, so it stays out of the history.
 */
function webLogin(guard: AccessGuard, req: IncomingMessage, res: ServerResponse, url: string): boolean {
  const q = url.indexOf('?');
  if (q === -1 || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const params = new URLSearchParams(url.slice(q + 1));
  const given = params.get('token');
  if (given === null || !guard.isToken(given)) return false;
  params.delete('token');
  const rest = params.toString();
  const port = req.socket.localPort ?? 0;
  res.writeHead(303, {
    location: `${url.slice(0, q)}${rest ? `?${rest}` : ''}`,
    'set-cookie': `${WEB_COOKIE_PREFIX}_${port}=${guard.webToken}; Path=/; HttpOnly; SameSite=Strict`,
    'content-length': 0,
  });
  res.end();
  return true;
}

/** Wraps a request listener (an express app, mock-oppo's listener) with the guard. */
export function guardListener(guard: AccessGuard, surfaceOf: SurfaceOf, listener: RequestListener, body: DenialBody = nestedDenial): RequestListener {
  return (req, res) => {
    const url = req.url ?? '/';
    const surface = surfaceOf(pathOf(url));
    if (surface === 'open') return listener(req, res);
    if (surface === 'web' && guard.token !== undefined && webLogin(guard, req, res, url)) return;
    const denial = guard.check(surface, accessRequest(req, false));
    if (denial) return deny(req, res, denial, body);
    listener(req, res);
  };
}

/**
 * For a server's 'upgrade' handler: true when the upgrade may go on; otherwise the socket got the
 * refusal as a plain HTTP answer and is closed.
 */
export function admitUpgrade(guard: AccessGuard, surfaceOf: SurfaceOf, req: IncomingMessage, socket: Duplex, body: DenialBody = nestedDenial): boolean {
  const denial = guard.check(surfaceOf(pathOf(req.url ?? '/')), accessRequest(req, true));
  if (!denial) return true;
  const text = JSON.stringify(body(denial));
  const reason = denial.status === 401 ? 'Unauthorized' : 'Forbidden';
  socket.end(`HTTP/1.1 ${denial.status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  return false;
}
