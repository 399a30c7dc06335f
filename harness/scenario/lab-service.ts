/**
 * The WDIO launcher service that owns the labs: one per spec group (one per worker, see workers.ts),
 * started in `onPrepare` (before any worker; a failure aborts the run as a SevereServiceError instead
 * of letting every spec fail on a missing URL), their URLs handed to the workers through the
 * environment, stopped in `onComplete` — which WDIO also runs after a failed run and after Ctrl-C.
 */
import { SevereServiceError } from 'webdriverio';
import './wdio-capabilities.ts';
import type { Options } from '@wdio/types';
import { writeLabEnv, type LabUrls } from './lab-env.ts';
import type { Backend, E2eProfile } from './profiles.ts';

export type LabBackend = Extract<Backend, { kind: 'lab' }>;

export interface RunningLab {
  urls: LabUrls;
  /** The token its control APIs need (off loopback, or when PUSH_LAB_TOKEN gave one). */
  token?: string | undefined;
  stop(): Promise<void>;
}

export type LabStarter = (backend: LabBackend) => Promise<RunningLab>;

export interface LabLauncherOptions {
  profile: E2eProfile;
  /** How to start the lab (wdio.conf.ts passes `startLabForRun`, the lab of harness/lab). */
  start: LabStarter;
}

export class LabLauncherService {
  private labs: RunningLab[] = [];
  private readonly launch: LabLauncherOptions;

  /** WDIO passes the service's options untyped; wdio.conf.ts gives a {@link LabLauncherOptions}. */
  constructor(options: WebdriverIO.ServiceOption) {
    this.launch = options as LabLauncherOptions;
  }

  /** Runs after wdio.conf.ts's onPrepare has made the spec groups, so it knows how many labs to start. */
  async onPrepare(config?: Options.Testrunner): Promise<void> {
    const { backend } = this.launch.profile;
    if (backend.kind !== 'lab') return;
    const groups = Array.isArray(config?.specs) ? config.specs.length : 1;
    const count = Math.max(1, Math.min(groups, this.launch.profile.workers));
    try {
      for (let i = 0; i < count; i++) this.labs.push(await this.launch.start(backend));
    } catch (error) {
      await this.onComplete();
      throw new SevereServiceError(`the lab did not start: ${(error as Error).message}`);
    }
    const token = this.labs[0]!.token;
    writeLabEnv(this.labs.map((l) => l.urls), token);
  }

  async onComplete(): Promise<void> {
    const labs = this.labs;
    this.labs = [];
    await Promise.all(labs.map((l) => l.stop()));
  }
}
