/**
 * How the lab's token travels to our own clients: the environment variable every one of them reads
 * (the CLI's `--token` fallback, the WDIO workers, the Appium process the WDIO service spawns, the
 * typed clients of the lab, IM console and phones when not given one).
 * Kept light (one import-free module) so the Appium driver can read it without loading a lab.
 */
import { accessFromEnv, tokenFromEnv, type ClientAccess } from '../../mock-oppo/access/client.ts';

export const LAB_TOKEN_ENV = 'PUSH_LAB_TOKEN';

/** The lab token the environment carries, if any. */
export function labTokenFromEnv(env: Record<string, string | undefined> = process.env): string | undefined {
  return tokenFromEnv(LAB_TOKEN_ENV, env);
}

/** A lab client's access: the token given, else PUSH_LAB_TOKEN's. */
export function labAccess(access: ClientAccess = {}): ClientAccess {
  return accessFromEnv(access, LAB_TOKEN_ENV);
}
