/**
 * Where the session's phone lives: a lab reached over HTTP (`appium:labUrl`), or a lab the driver
 * runs in the Appium process. The in-process lab is shared by this process's sessions and stopped
 * when the last one ends, so phones outlive a session but not the sessions that use them.
 */
import { errors } from 'appium/driver.js';
import type { ClientAccess } from '../../../mock-oppo/access/client.ts';
import type { BootOptions, PhoneApi } from '../../phone/api.ts';
import { PhoneHttpError, RemotePhone } from '../../phone/http/remote-phone.ts';
import type { InProcessLab } from '../../lab/in-process.ts';

export interface LabHandle {
  readonly description: string;
  boot(options: BootOptions): Promise<string>;
  attach(serial: string): Promise<PhoneApi>;
  release(): Promise<void>;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function remoteLab(labUrl: string, access: ClientAccess = {}): LabHandle {
  const description = `the lab at ${labUrl}`;
  return {
    description,
    async boot(options) {
      try {
        return (await RemotePhone.boot(labUrl, options, access)).serial;
      } catch (err) {
        throw new errors.SessionNotCreatedError(`${description} could not boot a phone: ${messageOf(err)}`);
      }
    },
    async attach(serial) {
      const phone = new RemotePhone(labUrl, serial, access);
      try {
        await phone.deviceInfo();
      } catch (err) {
        if (err instanceof PhoneHttpError && err.status === 404) {
          throw new errors.SessionNotCreatedError(`there is no phone with udid '${serial}' in ${description}`);
        }
        throw new errors.SessionNotCreatedError(`cannot reach ${description}: ${messageOf(err)}`);
      }
      return phone;
    },
    async release() {},
  };
}

let shared: { lab: Promise<InProcessLab>; users: number } | undefined;

export async function inProcessLab(): Promise<LabHandle> {
  if (!shared) {
    // Loaded on demand: a session with a labUrl never pays for (or breaks on) the in-process lab.
    shared = { lab: import('../../lab/in-process.ts').then((m) => m.startInProcessLab()), users: 0 };
  }
  const entry = shared;
  entry.users++;
  let lab: InProcessLab;
  try {
    lab = await entry.lab;
  } catch (err) {
    entry.users--;
    if (shared === entry) shared = undefined;
    throw new errors.SessionNotCreatedError(messageOf(err));
  }
  let released = false;
  const description = 'the in-process lab';
  return {
    description,
    async boot(options) {
      try {
        return await lab.boot(options);
      } catch (err) {
        throw new errors.SessionNotCreatedError(`${description} could not boot a phone: ${messageOf(err)}`);
      }
    },
    async attach(serial) {
      const phone = lab.resolve(serial);
      if (!phone) throw new errors.SessionNotCreatedError(`there is no phone with udid '${serial}' in ${description}`);
      return phone;
    },
    async release() {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0) {
        if (shared === entry) shared = undefined;
        await lab.stop();
      }
    },
  };
}
