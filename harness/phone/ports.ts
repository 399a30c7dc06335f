/**
 * The phone's own TCP ports (the device side of `adb forward tcp:X tcp:6790` and of adb's `tcp:`
 * service). A program on the phone listens on a port for as long as it runs — the UiAutomator2
 * server on 6790 while its instrumentation runs — and a connection to a port nobody listens on is
 * refused, as on a real phone. Sockets are handed over as they are (the ADB endpoint passes the
 * host's net.Socket), so an HTTP server can take them with `server.emit('connection', socket)`.
 */
import type { Duplex } from 'node:stream';

export type PortHandler = (socket: Duplex) => void;

export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(readonly port: number) {
    super(`device port ${port} is already in use`);
  }
}

export class DevicePorts {
  private readonly listeners = new Map<number, PortHandler>();

  /** Starts listening; the returned function stops (idempotent). */
  listen(port: number, handler: PortHandler): () => void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`device port must be 1..65535, got ${port}`);
    if (this.listeners.has(port)) throw new PortInUseError(port);
    this.listeners.set(port, handler);
    return () => {
      if (this.listeners.get(port) === handler) this.listeners.delete(port);
    };
  }

  isListening(port: number): boolean {
    return this.listeners.has(port);
  }

  /** Hands the socket to the port's listener; false (refused, the socket untouched) when none listens. */
  connect(port: number, socket: Duplex): boolean {
    const handler = this.listeners.get(port);
    if (!handler) return false;
    handler(socket);
    return true;
  }

  /** Ports in use, ascending (for `netstat`-like views). */
  list(): number[] {
    return [...this.listeners.keys()].sort((a, b) => a - b);
  }

  /** Shutdown: every listener goes away. */
  closeAll(): void {
    this.listeners.clear();
  }
}
