/** Serves an express app behind the lab's access guard; close() also ends kept-alive and upgraded connections. */
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type express from 'express';
import type { AccessGuard, SurfaceOf } from '../../mock-oppo/access/guard.ts';
import { admitUpgrade, guardListener } from '../../mock-oppo/access/node.ts';
import { bindHttpServer, closeHttpServer } from '../../mock-oppo/transport/listen.ts';
import { replayAsPlain } from '../../mock-oppo/transport/upgrade.ts';

/** The lab API's server: every path is a control surface (a web view mounted here declares its own paths 'web'). */
export const labSurfaces: SurfaceOf = () => 'control';

/** An upgrade the lab server takes (path and Upgrade protocol), served once the guard admitted it. */
export interface UpgradeRoute {
  path: string;
  protocol: string;
  serve(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export async function listenGuarded(
  app: express.Express,
  opts: { guard: AccessGuard; surfaces?: SurfaceOf; port?: number; upgrades?: UpgradeRoute[] },
): Promise<{ url: string; close(): Promise<void> }> {
  const surfaces = opts.surfaces ?? labSurfaces;
  const server = createServer(guardListener(opts.guard, surfaces, app));
  // Upgraded sockets are no longer the HTTP server's: close() ends them itself.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    const route = (opts.upgrades ?? []).find((r) => r.path === path && r.protocol === req.headers.upgrade?.toLowerCase());
    // Any other upgrade offer (Java's `Upgrade: h2c`) is a plain request, and meets the guard there.
    if (!route) return replayAsPlain(server, req, socket, head);
    if (!admitUpgrade(opts.guard, surfaces, req, socket)) return;
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    route.serve(req, socket, head);
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
