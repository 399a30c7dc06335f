/** Serves an express app on an ephemeral loopback port; close() also ends kept-alive connections. */
import { createServer } from 'node:http';
import type express from 'express';
import { bindHttpServer, closeHttpServer } from '../../mock-oppo/transport/listen.ts';

export async function listenOnLoopback(app: express.Express, host = '127.0.0.1', port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(app);
  const url = await bindHttpServer(server, port, host);
  return { url, close: () => closeHttpServer(server) };
}
