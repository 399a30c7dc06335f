/**
 * The WDIO launcher service that owns the lab: started in `onPrepare` (before any worker; a failure
 * aborts the run as a SevereServiceError instead of letting every spec fail on a missing URL), its
 * URLs handed to the workers through the environment, stopped in `onComplete` — which WDIO also
 * runs after a failed run and after Ctrl-C.
 */
import { SevereServiceError } from 'webdriverio';
import './wdio-capabilities.ts';
import { writeLabEnv, type LabUrls } from './lab-env.ts';
import type { AdbServerAddress } from '../device/adb-client.ts';
import { EXIT_ENV_NOT_READY, failed, type CheckResult } from '../device/checks.ts';
import { formatResults } from '../doctor/cli.ts';
import { ADB_PORT_ENV } from './profiles.ts';
import type { Backend, E2eProfile } from './profiles.ts';

export type LabBackend = Extract<Backend, { kind: 'lab' }>;

export interface RunningLab {
  urls: LabUrls;
  /** The token its control APIs need (off loopback, or when PUSH_LAB_TOKEN gave one). */
  token?: string | undefined;
  /** The adb server the run's phones are on (emulator, device profiles). */
  adb?: AdbServerAddress;
  /** The checks before the run (emulator, device profiles): a failed one stops it as "environment not ready". */
  checks?: CheckResult[];
  stop(): Promise<void>;
}

/** What a run needs from its lab besides the backend (the phones' side). */
export interface RunContext {
  /** The app profile under test (its package, OPPO AppKey, IM certificate). */
  appProfile: string;
  /** Whether Appium runs here, so its drivers and host tools can be checked. */
  localAppium: boolean;
  /** The SDK directory Appium's adb layer uses. */
  androidHome?: string | undefined;
}

export type LabStarter = (backend: LabBackend, run?: RunContext) => Promise<RunningLab>;

export interface LabLauncherOptions {
  profile: E2eProfile;
  /** How to start the lab (wdio.conf.ts passes `startLabForRun`, the lab of harness/lab). */
  start: LabStarter;
  run?: RunContext;
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
      this.lab = await this.launch.start(backend, this.launch.run);
    } catch (error) {
      throw new SevereServiceError(`the lab did not start: ${(error as Error).message}`);
    }
    const checks = this.lab.checks;
    if (checks) {
      const report = formatResults(checks, 'Checks before the run:');
      if (failed(checks).length > 0) {
        // Not a failed test: nothing of the app was tried. Its own exit code, set as the launcher exits.
        process.once('exit', () => (process.exitCode = EXIT_ENV_NOT_READY));
        console.error(`${report}\n\nenvironment not ready: fix the failed checks above (exit code ${EXIT_ENV_NOT_READY})`);
        throw new SevereServiceError(`environment not ready: ${failed(checks).map((c) => c.title).join('; ')}`);
      }
      console.log(report);
    }
    writeLabEnv({ ...this.lab.urls, ...(this.lab.token !== undefined ? { token: this.lab.token } : {}) });
    // Workers read the profile again: the stand-in phones' adb port (ephemeral) must be the one they see.
    if (this.lab.adb) process.env[ADB_PORT_ENV] = String(this.lab.adb.port);
  }

  async onComplete(): Promise<void> {
    const lab = this.lab;
    this.lab = undefined;
    await lab?.stop();
  }
}
