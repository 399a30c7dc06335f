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
  /** `E2E_SHELL` (profiles.ts): off, the lab uses no adb to the phones but the delivery agent's posts (no `adb reverse`, no adb-side checks). */
  shell?: boolean;
}

export type LabStarter = (backend: LabBackend, run?: RunContext) => Promise<RunningLab>;

export interface LabLauncherOptions {
  profile: E2eProfile;
  /** How to start the lab (wdio.conf.ts passes `startLabForRun`, the lab of harness/lab). */
  start: LabStarter;
  run?: RunContext;
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
      for (let i = 0; i < count; i++) this.labs.push(await this.launch.start(backend, this.launch.run));
    } catch (error) {
      await this.onComplete();
      throw new SevereServiceError(`the lab did not start: ${(error as Error).message}`);
    }
    // Real-phone profiles run one worker (workers.ts), so one lab holds the checks and the adb server.
    const first = this.labs[0]!;
    const checks = this.labs.flatMap((l) => l.checks ?? []);
    if (checks.length > 0) {
      const report = formatResults(checks, 'Checks before the run:');
      if (failed(checks).length > 0) {
        // Not a failed test: nothing of the app was tried. Its own exit code, set as the launcher exits.
        process.once('exit', () => (process.exitCode = EXIT_ENV_NOT_READY));
        console.error(`${report}\n\nenvironment not ready: fix the failed checks above (exit code ${EXIT_ENV_NOT_READY})`);
        await this.onComplete();
        throw new SevereServiceError(`environment not ready: ${failed(checks).map((c) => c.title).join('; ')}`);
      }
      console.log(report);
    }
    writeLabEnv(this.labs.map((l) => l.urls), first.token);
    // Workers read the profile again: the stand-in phones' adb port (ephemeral) must be the one they see.
    if (first.adb) process.env[ADB_PORT_ENV] = String(first.adb.port);
  }

  async onComplete(): Promise<void> {
    const labs = this.labs;
    this.labs = [];
    await Promise.all(labs.map((l) => l.stop()));
  }
}
