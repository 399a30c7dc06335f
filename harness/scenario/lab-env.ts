/**
 * How the launcher tells workers where the lab is: environment variables set in `onPrepare`
 * (workers are forked afterwards and inherit them).
 */
export const LAB_ENV = {
  /** The lab's control API (`/_lab/v1/...`: clock, phones). */
  lab: 'E2E_LAB_URL',
  /** The fake IM server (REST `/v4/...`, console and traces `/_im/v1/...`). */
  im: 'E2E_IM_URL',
  /** mock-oppo (server API `/server/v1/...`, control `/_mock/v1/...`). */
  oppo: 'E2E_OPPO_URL',
} as const;

export interface LabUrls {
  lab: string;
  im: string;
  oppo: string;
}

export function writeLabEnv(urls: LabUrls, env: Record<string, string | undefined> = process.env): void {
  env[LAB_ENV.lab] = urls.lab;
  env[LAB_ENV.im] = urls.im;
  env[LAB_ENV.oppo] = urls.oppo;
}

/** The lab's URLs, or a clear error when a worker runs without the launcher service. */
export function readLabEnv(env: Record<string, string | undefined> = process.env): LabUrls {
  const missing = Object.values(LAB_ENV).filter((name) => !env[name]);
  if (missing.length) {
    throw new Error(`${missing.join(', ')} not set: the lab is started by the LabLauncherService of wdio.conf.ts (run the suite with \`npm run e2e\`)`);
  }
  return { lab: env[LAB_ENV.lab]!, im: env[LAB_ENV.im]!, oppo: env[LAB_ENV.oppo]! };
}
