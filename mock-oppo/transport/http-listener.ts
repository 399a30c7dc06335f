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

/** Answers 413 and closes the connection, so an oversized upload is not read to its end. */
function refuseTooLarge(core: HttpCore, req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('connection', 'close');
  write(res, core.tooLarge());
  res.on('finish', () => req.destroy());
}

export function createRequestListener(core: HttpCore, maxBodyBytes: number): RequestListener {
  return (req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) return refuseTooLarge(core, req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        refuseTooLarge(core, req, res);
        return;
      }
      chunks.push(chunk);
    });
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
