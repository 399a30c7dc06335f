/**
 * Placeholder until the lab lands: the contract the Appium driver uses to run a lab inside its own
 * process when a session gives no `appium:labUrl`. The driver turns the rejection into a
 * SessionNotCreatedError with this message.
 */
import type { BootOptions, PhoneApi } from '../phone/api.ts';

export interface InProcessLab {
  resolve(serial: string): PhoneApi | undefined;
  boot(options: BootOptions): Promise<string>;
  stop(): Promise<void>;
}

export async function startInProcessLab(): Promise<InProcessLab> {
  throw new Error('no lab URL given and the in-process lab is not available yet');
}
