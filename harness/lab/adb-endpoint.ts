/**
 * The lab's ADB endpoint, switched on at start (`startLab({ adb: true })`, `npm run lab -- --adb`)
 * or later through the lab API (`POST /_lab/v1/adb`). It always binds loopback, whatever address the
 * rest of the lab binds: like the real adb server it has no authentication (see harness/adb/README.md).
 */
import { AdbServer } from '../adb/server.ts';
import type { PhoneFarm } from '../phone/farm.ts';

export interface AdbEndpointInfo {
  host: string;
  port: number;
  /** What the phones are listed as (`adb devices`). */
  serials: string[];
  /** How each client reaches it. */
  clients: { adb: string; env: string; adbkit: string; appium: string };
}

export class LabAdb {
  private server: AdbServer | undefined;
  private starting: Promise<AdbServer> | undefined;

  constructor(
    private readonly farm: PhoneFarm,
    private readonly onChange: (info: AdbEndpointInfo | undefined) => void = () => {},
  ) {}

  /** Starts the endpoint (port 0: an ephemeral one); when it already runs, answers where it is. */
  async start(port = 0): Promise<AdbEndpointInfo> {
    if (this.server) {
      if (port !== 0 && port !== this.server.port) throw new RangeError(`the ADB endpoint already listens on ${this.server.port}`);
      return this.info()!;
    }
    this.starting ??= AdbServer.start({ farm: this.farm, port, host: '127.0.0.1' });
    try {
      this.server = await this.starting;
    } finally {
      this.starting = undefined;
    }
    const info = this.info()!;
    this.onChange(info);
    return info;
  }

  async stop(): Promise<boolean> {
    const server = this.server;
    if (!server) return false;
    this.server = undefined;
    await server.close();
    this.onChange(undefined);
    return true;
  }

  info(): AdbEndpointInfo | undefined {
    const s = this.server;
    if (!s) return undefined;
    return {
      host: s.host,
      port: s.port,
      serials: this.farm.list().map((p) => p.serial),
      clients: {
        adb: `adb -P ${s.port} devices -l`,
        env: `ANDROID_ADB_SERVER_PORT=${s.port}`,
        adbkit: `Adb.createClient({ host: '${s.host}', port: ${s.port} })`,
        appium: `"appium:adbPort": ${s.port}`,
      },
    };
  }
}
