/** Serves an express app behind the lab's access guard; close() also ends kept-alive connections. */
import { createServer } from 'node:http';
import type express from 'express';
import type { AccessGuard, SurfaceOf } from '../../mock-oppo/access/guard.ts';
import { guardListener } from '../../mock-oppo/access/node.ts';
import { bindHttpServer, closeHttpServer } from '../../mock-oppo/transport/listen.ts';

/** The lab API's server: every path is a control surface (a web view mounted here declares its own paths 'web'). */
export const labSurfaces: SurfaceOf = () => 'control';

export async function listenGuarded(
  app: express.Express,
  opts: { guard: AccessGuard; surfaces?: SurfaceOf; port?: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(guardListener(opts.guard, opts.surfaces ?? labSurfaces, app));
  const url = await bindHttpServer(server, opts.port ?? 0, opts.guard.host);
  return { url, close: () => closeHttpServer(server) };
}
