/** Serves an express app behind the lab's access guard; close() also ends kept-alive and upgraded connections. */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type express from 'express';
import type { AccessGuard, SurfaceOf } from '../../mock-oppo/access/guard.ts';
import { admitUpgrade, guardListener } from '../../mock-oppo/access/node.ts';
import { bindHttpServer, closeHttpServer } from '../../mock-oppo/transport/listen.ts';

/** The lab API's server: every path is a control surface (a web view mounted here declares its own paths 'web'). */
export const labSurfaces: SurfaceOf = () => 'control';

/** Serves an upgrade the guard admitted; false when it is not the handler's (the server answers 404). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export async function listenGuarded(
  app: express.Express,
  opts: { guard: AccessGuard; surfaces?: SurfaceOf; port?: number; upgrades?: UpgradeHandler[] },
): Promise<{ url: string; close(): Promise<void> }> {
  const surfaces = opts.surfaces ?? labSurfaces;
  const server = createServer(guardListener(opts.guard, surfaces, app));
  // Upgraded sockets are no longer the HTTP server's: close() ends them itself.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req, socket, head) => {
    if (!admitUpgrade(opts.guard, surfaces, req, socket)) return;
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    if ((opts.upgrades ?? []).some((handle) => handle(req, socket, head))) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  const url = await bindHttpServer(server, opts.port ?? 0, opts.guard.host);
  return {
    url,
    close: () => {
      for (const socket of upgraded) socket.destroy();
      return closeHttpServer(server);
    },
  };
}
