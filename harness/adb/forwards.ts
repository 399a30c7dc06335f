/**
 * `adb forward` and `adb reverse`, as the real adb server and adbd keep them.
 *
 * forward: a listener on the host (loopback) for each `tcp:LOCAL`, opened when asked — clients such
 * as the UiAutomator2 driver check that the port is free first and then connect right away. Each
 * connection goes to the phone's own port (`VirtualPhone.ports`) and is piped there only while a
 * program on the phone listens; otherwise it is closed at once, as a real phone refuses it.
 *
 * reverse: the phone listens on its device port and pipes each connection to the host port.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { VirtualPhone } from '../phone/phone.ts';
import { PortInUseError } from '../phone/ports.ts';

export class ForwardError extends Error {
  override name = 'ForwardError';
}

/** `tcp:N` → N; anything else (localabstract:, jdwp:, ...) is not something this endpoint forwards. */
export function tcpPort(spec: string, allowZero: boolean): number {
  const m = /^tcp:(\d{1,5})$/.exec(spec);
  const port = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(port) || port > 65535 || (port === 0 && !allowZero)) throw new ForwardError(`cannot bind to socket '${spec}' (only tcp:PORT is supported)`);
  return port;
}

interface Forward {
  serial: string;
  local: string;
  remote: string;
  server: net.Server;
}

export class ForwardTable {
  private readonly forwards = new Map<string, Forward>();

  constructor(
    private readonly host: string,
    private readonly phoneOf: (serial: string) => VirtualPhone | undefined,
  ) {}

  /** Opens the host listener; resolves with the bound port (what `tcp:0` resolved to). */
  async add(serial: string, local: string, remote: string, norebind: boolean): Promise<number> {
    const requested = tcpPort(local, true);
    const remotePort = tcpPort(remote, false);
    const existing = this.forwards.get(local);
    if (existing) {
      if (norebind) throw new ForwardError('cannot rebind existing socket');
      existing.serial = serial;
      existing.remote = remote;
      return requested;
    }
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      const entry = this.forwards.get(key);
      const phone = entry ? this.phoneOf(entry.serial) : undefined;
      const port = entry ? tcpPort(entry.remote, false) : remotePort;
      socket.on('error', () => socket.destroy());
      if (!phone || !phone.ports.connect(port, socket)) socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new ForwardError(`cannot bind listener: ${e.code === 'EADDRINUSE' ? 'Address already in use' : e.message}`)));
      server.listen(requested, this.host, () => resolve());
    });
    const bound = (server.address() as net.AddressInfo).port;
    const key = requested === 0 ? `tcp:${bound}` : local;
    this.forwards.set(key, { serial, local: key, remote, server });
    return bound;
  }

  async remove(local: string, serial?: string): Promise<void> {
    const entry = this.forwards.get(local);
    if (!entry || (serial !== undefined && entry.serial !== serial)) throw new ForwardError(`listener '${local}' not found`);
    this.forwards.delete(local);
    await closeServer(entry.server);
  }

  async removeAll(serial?: string): Promise<void> {
    const gone = [...this.forwards.values()].filter((f) => serial === undefined || f.serial === serial);
    for (const f of gone) this.forwards.delete(f.local);
    await Promise.all(gone.map((f) => closeServer(f.server)));
  }

  /** `adb forward --list`: `SERIAL LOCAL REMOTE` lines. */
  list(serial?: string): string {
    return [...this.forwards.values()]
      .filter((f) => serial === undefined || f.serial === serial)
      .map((f) => `${f.serial} ${f.local} ${f.remote}\n`)
      .join('');
  }
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Pipes two sockets both ways; an error or close on either side ends both. */
export function splice(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end);
  b.on('error', end);
  a.on('close', end);
  b.on('close', end);
}

interface Reverse {
  remote: string;
  local: string;
  stop: () => void;
}

/** The reverse forwards of one phone (adbd keeps them per device). */
export class ReverseTable {
  private readonly reverses = new Map<string, Reverse>();
  /** Device ports `reverse tcp:0` hands out (adbd asks the kernel; a fixed range keeps it deterministic). */
  private nextPort = 30000;

  constructor(
    private readonly phone: VirtualPhone,
    private readonly hostAddress: string,
  ) {}

  /** Resolves with the device port (what `tcp:0` resolved to). */
  add(remote: string, local: string, norebind: boolean): number {
    let port = tcpPort(remote, true);
    const hostPort = tcpPort(local, false);
    if (port === 0) {
      while (this.phone.ports.isListening(this.nextPort)) this.nextPort++;
      port = this.nextPort++;
    }
    const key = `tcp:${port}`;
    const existing = this.reverses.get(key);
    if (existing) {
      if (norebind) throw new ForwardError('cannot rebind existing socket');
      existing.stop();
      this.reverses.delete(key);
    }
    let stop: () => void;
    try {
      stop = this.phone.ports.listen(port, (deviceSide) => {
        const hostSide = net.connect(hostPort, this.hostAddress);
        splice(deviceSide, hostSide);
      });
    } catch (e) {
      if (e instanceof PortInUseError) throw new ForwardError('cannot bind listener: Address already in use');
      throw e;
    }
    this.reverses.set(key, { remote: key, local, stop });
    return port;
  }

  remove(remote: string): void {
    const entry = this.reverses.get(remote);
    if (!entry) throw new ForwardError(`listener '${remote}' not found`);
    entry.stop();
    this.reverses.delete(remote);
  }

  removeAll(): void {
    for (const r of this.reverses.values()) r.stop();
    this.reverses.clear();
  }

  /**
   * `adb reverse --list`: adbd prints its own end of the USB transport as the serial (`UsbFfs` on
   * USB devices), then the device and host sides [uncertain: the serial word varies by transport].
   */
  list(): string {
    return [...this.reverses.values()].map((r) => `UsbFfs ${r.remote} ${r.local}\n`).join('');
  }
}
