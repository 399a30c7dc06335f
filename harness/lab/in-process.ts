/**
 * A lab inside the calling process, for an Appium session that gives no `appium:labUrl`: the driver
 * boots phones in it and talks to them directly. Stopped when its last session ends.
 */
import type { BootOptions, PhoneApi } from '../phone/api.ts';
import { startLab } from './lab.ts';

export interface InProcessLab {
  resolve(serial: string): PhoneApi | undefined;
  boot(options: BootOptions): Promise<string>;
  stop(): Promise<void>;
}

export async function startInProcessLab(): Promise<InProcessLab> {
  const lab = await startLab();
  return {
    resolve: (serial) => lab.farm.get(serial),
    boot: async (options) => (await lab.farm.boot(options)).serial,
    stop: () => lab.stop(),
  };
}
