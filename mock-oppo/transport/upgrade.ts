/**
 * WebSocket upgrades on one path only. Node hands every request with an `Upgrade` header to the
 * 'upgrade' event once anyone listens there, so without this a plain API call that merely offers
 * another protocol (Java's built-in HttpClient sends `Upgrade: h2c` on http://) would be answered
 * by the WebSocket server instead of the API. Such requests are replayed, minus the upgrade
 * offer, into the server's ordinary request handling.
 */
import type { IncomingMessage, Server } from 'node:http';
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';

/** Headers that make llhttp treat a request as an upgrade; dropped when it is served as plain HTTP. */
const UPGRADE_HEADERS = new Set(['upgrade', 'http2-settings']);

function plainRequestHead(req: IncomingMessage): Buffer {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (UPGRADE_HEADERS.has(lower)) continue;
    let value = raw[i + 1]!;
    if (lower === 'connection') {
      value = value.split(',').map((t) => t.trim()).filter((t) => t !== '' && !UPGRADE_HEADERS.has(t.toLowerCase())).join(', ');
      if (value === '') continue;
    }
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** The socket again, with the rewritten request head in front of what is still to come. */
class ReplayedSocket extends Duplex {
  constructor(
    private readonly socket: Socket,
    prefix: Buffer,
  ) {
    super();
    this.push(prefix);
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  // The HTTP server tunes its connections with these.
  setTimeout(ms: number, cb?: () => void): this {
    this.socket.setTimeout(ms, cb);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.socket.write(chunk, encoding, cb);
  }

  override _final(cb: () => void): void {
    this.socket.end(cb);
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.socket.destroy(err ?? undefined);
    cb(err);
  }
}

/** Serves an upgrade request as the plain HTTP request it also is (the upgrade offer dropped). */
export function replayAsPlain(server: Server, req: IncomingMessage, socket: Socket, head: Buffer): void {
  server.emit('connection', new ReplayedSocket(socket, Buffer.concat([plainRequestHead(req), head])));
}

/**
 * Routes `server`'s upgrades: a WebSocket upgrade on `path` goes to `wss` (its 'connection'
 * event) once `admit` (the access guard) lets it; anything else is served by the server's request
 * handler as a normal HTTP request.
 * Returns a function that detaches the listener.
 */
export function upgradeOnlyOn(server: Server, path: string, wss: WebSocketServer, admit?: (req: IncomingMessage, socket: Duplex) => boolean): () => void {
  const onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname === path && req.headers.upgrade?.toLowerCase() === 'websocket') {
      // The access guard sees the WebSocket upgrade; a replayed plain request meets it in the request listener.
      if (admit && !admit(req, socket)) return;
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => wss.emit('connection', ws, req));
      return;
    }
    replayAsPlain(server, req, socket, head);
  };
  server.on('upgrade', onUpgrade);
  return () => server.off('upgrade', onUpgrade);
}
