/**
 * The WDIO launcher service that owns the lab: started in `onPrepare` (before any worker; a failure
 * aborts the run as a SevereServiceError instead of letting every spec fail on a missing URL), its
 * URLs handed to the workers through the environment, stopped in `onComplete` — which WDIO also
 * runs after a failed run and after Ctrl-C.
 */
import { SevereServiceError } from 'webdriverio';
import './wdio-capabilities.ts';
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
  private lab: RunningLab | undefined;
  private readonly launch: LabLauncherOptions;

  /** WDIO passes the service's options untyped; wdio.conf.ts gives a {@link LabLauncherOptions}. */
  constructor(options: WebdriverIO.ServiceOption) {
    this.launch = options as LabLauncherOptions;
  }

  async onPrepare(): Promise<void> {
    const { backend } = this.launch.profile;
    if (backend.kind !== 'lab') return;
    try {
      this.lab = await this.launch.start(backend);
    } catch (error) {
      throw new SevereServiceError(`the lab did not start: ${(error as Error).message}`);
    }
    writeLabEnv({ ...this.lab.urls, ...(this.lab.token !== undefined ? { token: this.lab.token } : {}) });
  }

  async onComplete(): Promise<void> {
    const lab = this.lab;
    this.lab = undefined;
    await lab?.stop();
  }
}
