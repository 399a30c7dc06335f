/**
 * The ADB endpoint from another machine, only with the lab token. The endpoint itself never leaves
 * loopback (it has no authentication, like the real adb server); the lab's HTTP server carries ADB
 * connections instead: `GET /_lab/v1/adb/tunnel` with `Upgrade: push-lab-adb` passes the access
 * guard (the token off loopback; the Origin and Host rules on loopback) and then becomes a raw byte
 * pipe to the endpoint. `openAdbTunnel()` (`npx push-lab adb-tunnel <lab url>`) listens on the
 * caller's own loopback and opens one such upgrade per ADB connection, so `adb -P <local port>`,
 * adbkit and Appium's `adbPort` work unchanged against a lab elsewhere.
 */
import { request } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { tokenHeaders, type ClientAccess } from '../../mock-oppo/access/client.ts';
import { fail } from '../adb/wire/smart-socket.ts';
import type { LabAdb } from './adb-endpoint.ts';
import { LAB_API_PATH } from './control-api.ts';
import type { UpgradeRoute } from './listen.ts';

export const ADB_TUNNEL_PATH = `${LAB_API_PATH}/adb/tunnel`;
/** The Upgrade protocol name of a tunnelled ADB connection. */
export const ADB_TUNNEL_PROTOCOL = 'push-lab-adb';

function refuseOff(socket: Duplex): void {
  const body = JSON.stringify({ error: { code: 'adb_off', message: 'the ADB endpoint is off: start the lab with --adb, or POST /_lab/v1/adb' } });
  socket.end(`HTTP/1.1 409 Conflict\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** The lab server's upgrade route of the tunnel: once the guard admitted it, a pipe to the ADB endpoint. */
export function adbTunnelRoute(adb: LabAdb): UpgradeRoute {
  return {
    path: ADB_TUNNEL_PATH,
    protocol: ADB_TUNNEL_PROTOCOL,
    serve(_req, socket, head) {
      const endpoint = adb.info();
      if (!endpoint) return refuseOff(socket);
      const upstream = net.connect(endpoint.port, endpoint.host);
      upstream.once('connect', () => {
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${ADB_TUNNEL_PROTOCOL}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        socket.pipe(upstream);
        upstream.pipe(socket);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    },
  };
}

export interface AdbTunnel {
  /** The local port ADB clients use (`adb -P <port>`). */
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on this machine's loopback and carries each ADB connection to the lab at `labUrl` over an
 * authenticated upgrade. A refusal (no token, ADB off) reaches the ADB client as its own FAIL answer,
 * with the lab's message.
 */
export async function openAdbTunnel(labUrl: string, access: ClientAccess = {}, port = 0): Promise<AdbTunnel> {
  const target = new URL(ADB_TUNNEL_PATH, labUrl);
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (local) => {
    sockets.add(local);
    local.once('close', () => sockets.delete(local));
    local.on('error', () => local.destroy());
    local.pause();
    const req = request({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port,
      path: target.pathname,
      headers: { connection: 'Upgrade', upgrade: ADB_TUNNEL_PROTOCOL, ...tokenHeaders(access.token) },
    });
    req.on('upgrade', (_res, remote, head) => {
      if (head.length > 0) local.write(head);
      local.pipe(remote);
      remote.pipe(local);
      local.resume();
      remote.on('error', () => local.destroy());
      local.on('close', () => remote.destroy());
      remote.on('close', () => local.destroy());
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
        } catch {
          // not the lab's JSON: pass the text on
        }
        local.end(fail(`the lab refused the ADB tunnel (${res.statusCode}): ${message}`));
      });
    });
    req.on('error', (err) => local.end(fail(`cannot reach the lab at ${labUrl}: ${err.message}`)));
    req.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
