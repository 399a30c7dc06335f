/**
 * A pass-through in front of an Appium server that holds back the answers to new-session requests
 * until `parties` sessions have been created, then releases them together. Behind a Grid node it makes
 * "more than one session at once" a fact of the run instead of a matter of timing: every session of
 * the group exists at Appium before any client has its session id, so none can have ended yet. Each
 * created session id is recorded with the number of sessions open at that moment, so the test reads
 * the overlap from what passed through, not from a clock. `release()` lets held answers go (a run
 * that died before asking for its session must not leave the other hanging).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface SessionBarrier {
  url: string;
  /** The most sessions open at Appium at once, as seen through the barrier. */
  mostAtOnce(): number;
  release(): void;
  close(): Promise<void>;
}

interface Held {
  res: ServerResponse;
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export async function startSessionBarrier(target: string, parties: number): Promise<SessionBarrier> {
  const upstream = new URL(target);
  const open = new Set<string>();
  let most = 0;
  let held: Held[] = [];
  let released = false;
  const flush = () => {
    for (const h of held) h.res.writeHead(h.status, h.headers).end(h.body);
    held = [];
  };
  const release = () => {
    released = true;
    flush();
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
        (up) => {
          const answer: Buffer[] = [];
          up.on('data', (c: Buffer) => answer.push(c));
          up.on('end', () => {
            const h: Held = { res, status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(answer) };
            const newSession = req.method === 'POST' && /\/session\/?$/.test(req.url ?? '');
            const deleted = req.method === 'DELETE' && /\/session\/([^/]+)\/?$/.exec(req.url ?? '')?.[1];
            if (deleted) open.delete(deleted);
            if (!newSession) return void res.writeHead(h.status, h.headers).end(h.body);
            const id = (JSON.parse(h.body.toString() || '{}') as { value?: { sessionId?: string } }).value?.sessionId;
            if (id) {
              open.add(id);
              most = Math.max(most, open.size);
            }
            held.push(h);
            if (released || held.length >= parties) flush();
          });
        },
      );
      forward.on('error', (error) => res.writeHead(502).end(String(error)));
      forward.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    mostAtOnce: () => most,
    release,
    close: async () => {
      release();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
