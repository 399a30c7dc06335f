/**
 * How the lab's token travels to our own clients: the environment variable every one of them reads
 * (the CLI's `--token` fallback, the WDIO workers, the Appium process the WDIO service spawns).
 * Kept free of imports so the Appium driver can read it without loading a lab.
 */
export const LAB_TOKEN_ENV = 'PUSH_LAB_TOKEN';

/** The lab token the environment carries, if any. */
export function labTokenFromEnv(env: Record<string, string | undefined> = process.env): string | undefined {
  return env[LAB_TOKEN_ENV]?.trim() || undefined;
}
