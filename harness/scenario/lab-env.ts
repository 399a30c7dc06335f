/**
 * How the launcher tells workers where the lab is: environment variables set in `onPrepare`
 * (workers are forked afterwards and inherit them). The lab's token, when it has one, travels in
 * PUSH_LAB_TOKEN (harness/lab/access.ts), which wdio.conf.ts sets before anything is spawned. A run
 * on several workers has a lab per worker: E2E_LABS lists them all, and each worker takes its own.
 */
import { generateToken, isLoopback } from '../../mock-oppo/access/guard.ts';
import { LAB_TOKEN_ENV, labTokenFromEnv } from '../lab/access.ts';
import type { Backend } from './profiles.ts';
import { workerIndex } from './workers.ts';

/** Every lab of the run, as a JSON list of {@link LabUrls}, worker i's at index i (set when there is more than one). */
export const LABS_ENV = 'E2E_LABS';

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

/** Where the lab is and, when its control APIs need one, its token. */
export interface LabEnv extends LabUrls {
  token?: string;
}

/** The run's labs (the first also in E2E_LAB_URL..., for tools that know one lab) and their token. */
export function writeLabEnv(labs: readonly LabUrls[], token: string | undefined, env: Record<string, string | undefined> = process.env): void {
  const [first] = labs;
  if (!first) throw new Error('writeLabEnv needs at least one lab');
  env[LAB_ENV.lab] = first.lab;
  env[LAB_ENV.im] = first.im;
  env[LAB_ENV.oppo] = first.oppo;
  if (labs.length > 1) env[LABS_ENV] = JSON.stringify(labs.map(({ lab, im, oppo }) => ({ lab, im, oppo })));
  else delete env[LABS_ENV];
  if (token !== undefined) env[LAB_TOKEN_ENV] = token;
}

/**
 * This worker's lab: its URLs (and token), or a clear error when a worker runs without the launcher
 * service. With a lab per worker, the one at the worker's spec-group index (WDIO_WORKER_ID).
 */
export function readLabEnv(env: Record<string, string | undefined> = process.env): LabEnv {
  const missing = Object.values(LAB_ENV).filter((name) => !env[name]);
  if (missing.length) {
    throw new Error(`${missing.join(', ')} not set: the lab is started by the LabLauncherService of wdio.conf.ts (run the suite with \`npm run e2e\`)`);
  }
  const token = labTokenFromEnv(env);
  const labs = env[LABS_ENV] ? (JSON.parse(env[LABS_ENV]) as LabUrls[]) : [{ lab: env[LAB_ENV.lab]!, im: env[LAB_ENV.im]!, oppo: env[LAB_ENV.oppo]! }];
  const own = labs[workerIndex(env) % labs.length]!;
  return { ...own, ...(token !== undefined ? { token } : {}) };
}

/**
 * A lab off loopback needs a token, and whatever calls it must have it before it starts: the Appium
 * process (its service spawns it while the lab starts) and the workers. So the launcher makes one
 * when the config loads; the workers load the config again and find it in their environment.
 */
export function ensureLabToken(backend: Backend, env: Record<string, string | undefined> = process.env): void {
  if (backend.kind !== 'lab' || isLoopback(backend.host) || labTokenFromEnv(env) !== undefined) return;
  env[LAB_TOKEN_ENV] = generateToken();
}

/**
 * In a worker, E2E_LAB_URL / E2E_IM_URL / E2E_OPPO_URL are made to name the worker's own lab (the
 * launcher set them to the first), so a spec or tool that reads them directly agrees with readLabEnv.
 */
export function adoptWorkerLab(env: Record<string, string | undefined> = process.env): void {
  if (!env[LABS_ENV]) return;
  const own = readLabEnv(env);
  env[LAB_ENV.lab] = own.lab;
  env[LAB_ENV.im] = own.im;
  env[LAB_ENV.oppo] = own.oppo;
}
