/** Binding and closing a node:http server, shared by mock-oppo's listen() and the harness's servers. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Binds `server` and resolves with its base URL (an IPv6 address in brackets). A bind error
 * (EADDRINUSE, EACCES) rejects. Attach WebSocket servers that take `{ server }` only after this
 * resolves: ws re-emits the server's errors on itself and, with no listener there, throws them.
 */
export async function bindHttpServer(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, family, port: bound } = server.address() as AddressInfo;
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${bound}`;
}

/** Stops accepting, ends every connection (kept-alive ones too) and resolves once the server is closed. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
