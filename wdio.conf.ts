/**
 * The end-to-end suite. `E2E_PROFILE` picks the target (default `virtual`: virtual OPPO phones in a
 * lab on loopback, one virtual clock); see harness/scenario/README.md for the other profiles and
 * their settings. Launcher order: the lab service starts the fakes and adds the lab URL to the
 * capabilities, Appium starts beside it, workers run `specs/<group>/` for the groups the profile
 * can honour, and both stop whatever happens.
 */
import type { Capabilities, Options } from '@wdio/types';
import { isVirtualLab, resolveProfile, ProfileError, specFiles, type E2eProfile } from './harness/scenario/profiles.ts';
import { specGroups } from './harness/scenario/workers.ts';
import { LabLauncherService, type LabLauncherOptions } from './harness/scenario/lab-service.ts';
import { androidHomeFor, startLabForRun } from './harness/scenario/lab-starter.ts';
import { appPage } from './harness/scenario/apps/index.ts';
import { writeDocSpecs } from './harness/docs/readme-blocks.ts';
import { missingDriverProblems } from './harness/scenario/appium-drivers.ts';
import { onHookEnd, onHookStart, onTestEnd, onTestStart } from './harness/scenario/reporting.ts';
import { ALLURE_DIR, JUNIT_DIR, LOGS_DIR, cleanReports } from './harness/reports/model.ts';
import { writeHtmlReport } from './harness/reports/html.ts';
import { prepareSession } from './harness/scenario/session.ts';
import { adoptWorkerLab, ensureLabToken } from './harness/scenario/lab-env.ts';
import { freeLoopbackPort } from './harness/scenario/free-port.ts';
import { Scenario } from './harness/scenario/scenario.ts';

function profileOrExit(): E2eProfile {
  try {
    const resolved = resolveProfile();
    // The Appium we start must have the profile's drivers, or every session fails with "Unable to connect".
    const missing = resolved.appium.kind === 'local' ? missingDriverProblems(resolved.appium.drivers) : [];
    if (missing.length > 0) throw new ProfileError(resolved.name, missing);
    return resolved;
  } catch (error) {
    if (!(error instanceof ProfileError)) throw error;
    // A configuration mistake, not a crash: say what to set and stop before anything starts.
    console.error(error.message);
    process.exit(2);
  }
}

const profile = profileOrExit();
ensureLabToken(profile.backend);
// The READMEs' spec examples run in the suite, so a README example that stops working fails the run.
writeDocSpecs();

// Each run starts with an empty reports/: cleaned by the launcher (workers load this file too) while
// it reads its configuration, before it opens its own log file there.
if (process.env.WDIO_WORKER_ID === undefined) cleanReports();
// A worker's lab is its own (see harness/scenario/workers.ts): the single-lab variables name it too.
else adoptWorkerLab();

const capabilities: Capabilities.RequestedMultiremoteCapabilities = Object.fromEntries(
  Object.entries(profile.phones).map(([name, caps]) => [name, { ...profile.appium.connection, capabilities: caps }]),
);

// UiAutomator2's adb layer finds adb and aapt through ANDROID_HOME; Debian's adb/aapt packages lay the SDK out there.
if (profile.appium.drivers.includes('uiautomator2')) process.env.ANDROID_HOME = androidHomeFor();

const run = { appProfile: appPage().profile, localAppium: profile.appium.kind === 'local', androidHome: process.env.ANDROID_HOME, shell: profile.shell };
const services: NonNullable<Options.Testrunner['services']> = [[LabLauncherService, { profile, start: startLabForRun, run } satisfies LabLauncherOptions]];
if (profile.appium.kind === 'local') {
  services.push([
    'appium',
    {
      args: {
        address: '127.0.0.1',
        // An ephemeral port of our own: the service's default search from 4723 races other runs on the machine.
        port: await freeLoopbackPort(),
        // Lists as comma strings: the service JSON-stringifies arrays, which Appium misparses.
        useDrivers: profile.appium.drivers.join(','),
        // E2E_SHELL=off: started as a farm runs it, without adb_shell (no mobile: shell).
        ...(profile.shell ? { allowInsecure: profile.appium.drivers.map((d) => `${d}:adb_shell`).join(',') } : {}),
        // No quieter than info: the service waits for Appium's "listener started" info line.
      },
      logPath: LOGS_DIR,
      appiumStartTimeout: 60_000,
    },
  ]);
}

export const config: WebdriverIO.MultiremoteConfig = {
  runner: 'local',
  specs: specFiles(profile),
  // Each worker runs one spec group with a lab of its own (harness/scenario/workers.ts).
  maxInstances: profile.workers,
  capabilities,
  logLevel: 'warn',
  outputDir: LOGS_DIR,
  autoXvfb: false,
  framework: 'mocha',
  mochaOpts: { ui: 'bdd', timeout: isVirtualLab(profile) ? 30_000 : 300_000 },
  waitforTimeout: isVirtualLab(profile) ? 10_000 : 60_000,
  connectionRetryCount: 1,
  // No per-line worker preface: the spec reporter prints each worker's report as one block (ending in
  // "N passing"), and for multiremote the preface names no device ("MultiremoteBrowser on  and undefined").
  reporters: [
    ['spec', { showPreface: false }],
    // addWorkerLogs: a failed test's push funnel (printed by its afterTest) lands in its <system-out>.
    ['junit', { outputDir: JUNIT_DIR, outputFileFormat: (o: { cid: string }) => `results-${o.cid}.xml`, addWorkerLogs: true }],
    ['allure', { outputDir: ALLURE_DIR, disableWebdriverStepsReporting: true, disableWebdriverScreenshotsReporting: true }],
  ],
  services,
  // After the CLI's --spec filter, before the lab service (which starts a lab per group) and the workers.
  onPrepare: (config) => {
    config.specs = specGroups(config.specs ?? [], profile.workers);
  },
  onComplete: async () => {
    console.log(`run report: ${await writeHtmlReport()}`);
  },
  beforeSession: (_config, caps) => prepareSession(profile, caps),
  beforeTest: async (test) => {
    onTestStart(test);
    // A scenario opened with `isolation: 'test'` starts each test clean (see Scenario.reset).
    await Scenario.current?.beforeEachTest();
  },
  afterTest: async (test, _context, result) => void (await onTestEnd(test, result)),
  beforeHook: (test, _context, hookName) => onHookStart(hookName, test),
  afterHook: async (test, _context, result) => void (await onHookEnd(test, result)),
};
