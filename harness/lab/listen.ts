/** Serves an express app on an ephemeral loopback port; close() also ends kept-alive connections. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';

export async function listenOnLoopback(app: express.Express, host = '127.0.0.1', port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
