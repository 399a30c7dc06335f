/**
 * Virtual phones standing in for emulators or USB phones, reachable only over ADB: what the
 * `emulator` profile runs against in CI, where no emulator can start. They live in a lab of their
 * own — their own mock-oppo and IM, as a real phone's app talks to the real OPPO and the real Tencent
 * IM — and nothing of that lab is given out but its ADB endpoint. So the lab under test sees them
 * exactly as it sees an emulator: through adb (the delivery agent) and through Appium's UiAutomator2
 * driver, never through a lab shortcut; and it cannot reset them, which keeps the profile's
 * UI-driven resets honest.
 */
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import type { AdbServerAddress } from '../device/adb-client.ts';
import { startLab } from './lab.ts';

export interface VirtualDevicesOptions {
  /** Serials as `adb devices` lists them (default `emulator-5554`, `emulator-5556`, ... one per phone). */
  serials?: string[];
  /** How many phones (default: one per serial, else 1). */
  count?: number;
  /** A fixtures/devices profile for every phone (default the farm's). */
  deviceProfile?: string;
  /** A fixed adb port (default: any free one). */
  port?: number;
  /**
   * Packages to open once and stop again, as a tester does with a freshly installed app: its first
   * start asks for the notification permission (the virtual user allows) and creates its channels.
   */
  launchOnce?: string[];
}

export interface VirtualDevices {
  adb: AdbServerAddress;
  serials: string[];
  stop(): Promise<void>;
}

export async function startVirtualDevices(options: VirtualDevicesOptions = {}): Promise<VirtualDevices> {
  const count = options.serials?.length ?? options.count ?? 1;
  const serials = options.serials ?? Array.from({ length: count }, (_, i) => `emulator-${5554 + 2 * i}`);
  // Real time, as on a phone: the stand-in's own services run on a flowing clock of their own.
  const clock = new VirtualClock({ flowing: true });
  try {
    const lab = await startLab({
      clock,
      phones: serials.map((serial) => ({ serial, ...(options.deviceProfile ? { deviceProfile: options.deviceProfile } : {}) })),
      adb: options.port ? { port: options.port } : true,
      warn: () => undefined,
    });
    for (const phone of lab.farm.list()) {
      for (const pkg of options.launchOnce ?? []) {
        await phone.activateApp(pkg);
        await phone.kill(pkg, 'force-stop');
      }
    }
    const info = lab.adb.info()!;
    return {
      adb: { host: info.host, port: info.port },
      serials,
      async stop() {
        await lab.stop();
        clock.dispose();
      },
    };
  } catch (error) {
    clock.dispose();
    throw error;
  }
}
