/**
 * Raw HTTP for the access tests: fetch forbids setting Host and Origin, a browser sets them itself,
 * and these tests must send what a DNS-rebinding or cross-site page would.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { WebSocket } from 'ws';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export function send(base: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<RawReply> {
  const url = new URL(path, base);
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...opts.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: `${url.pathname}${url.search}`, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The error code of a refusal in either error shape (`{error: {code}}`, or mock-oppo's `{error}`). */
export function errorCode(reply: RawReply): string | undefined {
  const error = reply.json<{ error?: string | { code?: string } }>().error;
  return typeof error === 'string' ? error : error?.code;
}

/** The status a WebSocket upgrade gets: 101 when it opens (then closed at once), else the refusal's. */
export function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.on('error', reject);
  });
}

/** One request with its request target written as given (no URL normalisation: `/v4/../x` stays so); the status line and body. */
export function sendRawTarget(base: string, method: string, target: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname.replace(/^\[|\]$/g, ''), () => {
      const lines = Object.entries({ host: url.host, connection: 'close', 'content-length': '0', ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.end(`${method} ${target} HTTP/1.1\r\n${lines.join('')}\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      const at = answer.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), text: at === -1 ? '' : answer.slice(at + 4) });
    });
    socket.on('error', reject);
  });
}
