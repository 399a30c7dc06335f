/**
 * HTTP transport: reads the body (bounded), hands it to the HTTP core, writes the answer. The
 * same listener serves `listen()` directly (node:http) and sits in the express app as its only
 * middleware: express's own routing costs more per request than the whole mock, and the core
 * routes anyway.
 */
import express from 'express';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { HttpCore, WireRequest, WireResponse } from '../wire/http.ts';

function hostOf(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  const colon = host.startsWith('[') ? host.indexOf(':', host.indexOf(']')) : host.indexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

/** A node request as the HTTP core sees it (a class, not a literal with closures: it is made per request). */
class NodeWireRequest implements WireRequest {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: string;
  readonly via = 'http' as const;

  constructor(
    private readonly req: IncomingMessage,
    readonly body: Uint8Array,
  ) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.method = req.method ?? 'GET';
    this.host = hostOf(req);
    this.path = q === -1 ? url : url.slice(0, q);
    this.query = q === -1 ? '' : url.slice(q + 1);
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }
}

function write(res: ServerResponse, reply: WireResponse): void {
  if (reply.kind === 'drop') {
    res.socket?.destroy();
    return;
  }
  res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

/**
 * Bytes of an oversized upload read (and thrown away) before its 413, so the client gets to read the
 * answer instead of a connection reset; an upload larger still is cut off after the 413.
 */
export const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** Answers 413 once the upload is read to its end (bounded), then closes the connection. */
function refuseTooLarge(core: HttpCore, req: IncomingMessage, res: ServerResponse, alreadyRead: number): void {
  let drained = alreadyRead;
  const answer = () => {
    if (res.headersSent) return;
    res.setHeader('connection', 'close');
    write(res, core.tooLarge());
  };
  if (req.complete) return answer();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) {
      answer();
      res.on('finish', () => req.destroy());
    }
  });
  req.on('end', answer);
  req.resume();
}

export function createRequestListener(core: HttpCore, maxBodyBytes: number): RequestListener {
  return (req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) return refuseTooLarge(core, req, res, 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        req.off('data', onData);
        refuseTooLarge(core, req, res, size);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('error', () => res.socket?.destroy());
    req.on('end', () => {
      if (refused) return;
      const wire = new NodeWireRequest(req, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      let reply: WireResponse | Promise<WireResponse>;
      try {
        reply = core.handle(wire);
      } catch (err) {
        reply = { kind: 'reply', status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'internal', message: (err as Error).message }) };
      }
      if (reply instanceof Promise) void reply.then((r) => write(res, r));
      else write(res, reply);
    });
  };
}

/** The express app for embedding (`parent.use(mock.app)` or `app.listen`); it serves exactly what `listen()` serves. */
export function createExpressApp(listener: RequestListener): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res) => listener(req, res));
  return app;
}
