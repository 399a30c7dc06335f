/**
 * The lab's ADB endpoint: an ADB **server** (the host "smart socket" protocol a client speaks to
 * `adb start-server`'s process) on loopback, whose devices are the farm's virtual phones. Debian's
 * `adb -P PORT …` (or `ANDROID_ADB_SERVER_PORT=PORT`), adbkit `createClient({ port })` and Appium's
 * `appium:adbPort` talk to it unchanged.
 *
 * Each connection reads one request: a host service is answered here (`host-services.ts`); a
 * transport switch binds the socket to a phone, and the next request is a device service served
 * by that phone (`device-services.ts`). See harness/adb/README.md for why the lab is the server
 * rather than a device daemon behind a real adb server.
 */
import net from 'node:net';
import { isLoopback } from '../../mock-oppo/access/guard.ts';
import type { PhoneFarm } from '../phone/farm.ts';
import type { VirtualPhone } from '../phone/phone.ts';
import { handleDeviceService } from './device-services.ts';
import { DeviceRegistry } from './devices.ts';
import { ForwardTable, ReverseTable } from './forwards.ts';
import { handleHostRequest, parseHostRequest } from './host-services.ts';
import { ByteReader } from './wire/byte-reader.ts';
import { fail, ProtocolError, readRequest } from './wire/smart-socket.ts';

export interface AdbServerOptions {
  farm: PhoneFarm;
  /** 0 (default): an ephemeral port. The real adb server's default, 5037, is never assumed. */
  port?: number;
  /** A loopback address (default 127.0.0.1): the endpoint drives the phones without any credential. */
  host?: string;
}

export class AdbEndpointError extends Error {
  override name = 'AdbEndpointError';
}


export class AdbServer {
  readonly devices: DeviceRegistry;
  private readonly forwards: ForwardTable;
  private readonly reverses = new Map<string, ReverseTable>();
  private readonly sockets = new Set<net.Socket>();
  private readonly unwatch: () => void;

  private constructor(
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
    farm: PhoneFarm,
  ) {
    this.devices = new DeviceRegistry(farm);
    this.forwards = new ForwardTable(host, (serial) => farm.get(serial));
    // A phone that leaves takes its forwards and reverses with it, as an unplugged device does.
    this.unwatch = farm.onChange(() => {
      const present = new Set(farm.list().map((p) => p.serial));
      for (const serial of this.reverses.keys()) if (!present.has(serial)) this.reverses.delete(serial);
      for (const line of this.forwards.list().split('\n').filter(Boolean)) {
        const serial = line.split(' ')[0]!;
        if (!present.has(serial)) void this.forwards.removeAll(serial);
      }
    });
  }

  static async start(options: AdbServerOptions): Promise<AdbServer> {
    const host = options.host ?? '127.0.0.1';
    // The endpoint has no authentication (neither has a real adb server): it binds loopback only.
    // A token check for non-loopback use would go in `connection()` before the first request is read.
    if (!isLoopback(host)) throw new AdbEndpointError(`the ADB endpoint binds loopback only (got '${host}'), as the real adb server does`);
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`ADB port must be 0..65535, got ${port}`);
    const server = net.createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const self = new AdbServer(server, host, (server.address() as net.AddressInfo).port, options.farm);
    server.on('connection', (socket) => self.connection(socket));
    return self;
  }

  /** `adb -P <port>` / `ANDROID_ADB_SERVER_PORT=<port>` / adbkit `{ host, port }`. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  async close(): Promise<void> {
    this.unwatch();
    await this.forwards.removeAll();
    for (const r of this.reverses.values()) r.removeAll();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private reversesOf(phone: VirtualPhone): ReverseTable {
    let table = this.reverses.get(phone.serial);
    if (!table) {
      table = new ReverseTable(phone, this.host);
      this.reverses.set(phone.serial, table);
    }
    return table;
  }

  private connection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    void this.serve(socket).catch((e: unknown) => {
      if (socket.destroyed) return;
      socket.end(fail(e instanceof ProtocolError ? e.message : `internal error: ${(e as Error).message}`));
    });
  }

  private async serve(socket: net.Socket): Promise<void> {
    const reader = new ByteReader(socket);
    let bound: VirtualPhone | undefined;
    for (;;) {
      const request = await readRequest(reader);
      if (request === null) {
        socket.end();
        return;
      }
      const host = parseHostRequest(request);
      if (host) {
        const outcome = await handleHostRequest(host, { devices: this.devices, forwards: this.forwards, socket, ...(bound ? { bound } : {}) });
        if (outcome === 'done') return;
        bound = outcome.bind;
        continue;
      }
      if (!bound) {
        socket.end(fail(`unknown host service '${request.slice(0, 200)}' (switch to a device first: host:transport:SERIAL)`));
        return;
      }
      await handleDeviceService(request, { phone: bound, socket, reader, reverses: this.reversesOf(bound) });
      return;
    }
  }
}
