/**
 * The end-to-end suite. `E2E_PROFILE` picks the target (default `virtual`: virtual OPPO phones in a
 * lab on loopback, one virtual clock); see harness/scenario/README.md for the other profiles and
 * their settings. Launcher order: the lab service starts the fakes and adds the lab URL to the
 * capabilities, Appium starts beside it, workers run `specs/<group>/` for the groups the profile
 * can honour, and both stop whatever happens.
 */
import type { Capabilities, Options } from '@wdio/types';
import { isVirtualLab, resolveProfile, ProfileError, specGlobs, type E2eProfile } from './harness/scenario/profiles.ts';
import { LabLauncherService, type LabLauncherOptions } from './harness/scenario/lab-service.ts';
import { startLabForRun } from './harness/scenario/lab-starter.ts';
import { writeFailureReport } from './harness/scenario/failure-report.ts';
import { prepareSession } from './harness/scenario/session.ts';
import { Scenario } from './harness/scenario/scenario.ts';

function profileOrExit(): E2eProfile {
  try {
    return resolveProfile();
  } catch (error) {
    if (!(error instanceof ProfileError)) throw error;
    // A configuration mistake, not a crash: say what to set and stop before anything starts.
    console.error(error.message);
    process.exit(2);
  }
}

const profile = profileOrExit();

const capabilities: Capabilities.RequestedMultiremoteCapabilities = Object.fromEntries(
  Object.entries(profile.phones).map(([name, caps]) => [name, { ...profile.appium.connection, capabilities: caps }]),
);

const services: NonNullable<Options.Testrunner['services']> = [[LabLauncherService, { profile, start: startLabForRun } satisfies LabLauncherOptions]];
if (profile.appium.kind === 'local') {
  services.push([
    'appium',
    {
      args: {
        address: '127.0.0.1',
        // Lists as comma strings: the service JSON-stringifies arrays, which Appium misparses.
        useDrivers: profile.appium.drivers.join(','),
        allowInsecure: profile.appium.drivers.map((d) => `${d}:adb_shell`).join(','),
        // No quieter than info: the service waits for Appium's "listener started" info line.
      },
      logPath: './reports/logs',
      appiumStartTimeout: 60_000,
    },
  ]);
}

export const config: WebdriverIO.MultiremoteConfig = {
  runner: 'local',
  specs: specGlobs(profile),
  maxInstances: 1,
  capabilities,
  logLevel: 'warn',
  outputDir: './reports/logs',
  autoXvfb: false,
  framework: 'mocha',
  mochaOpts: { ui: 'bdd', timeout: isVirtualLab(profile) ? 30_000 : 300_000 },
  waitforTimeout: isVirtualLab(profile) ? 10_000 : 60_000,
  connectionRetryCount: 1,
  // One worker runs every spec file, so the per-line worker preface would only repeat itself.
  reporters: [['spec', { showPreface: false }], ['junit', { outputDir: './reports/junit', outputFileFormat: (o: { cid: string }) => `results-${o.cid}.xml` }]],
  services,
  beforeSession: (_config, caps) => prepareSession(profile, caps),
  // A scenario opened with `isolation: 'test'` starts each test clean (see Scenario.reset).
  beforeTest: async () => {
    await Scenario.current?.beforeEachTest();
  },
  afterTest: async (test, _context, result) => {
    if (result.passed) return;
    const file = await writeFailureReport(`${test.parent} ${test.title}`);
    if (file) console.log(`push funnel of this spec's messages: ${file}`);
  },
};
