/**
 * Run profiles: one spec, many targets. `E2E_PROFILE` picks one (default `virtual`); each profile
 * reads its settings from the environment and is validated up front, so a missing udid or farm key
 * is one readable message listing every problem, not a stack trace from deep inside a session.
 *
 * The profile is the single source of truth for: the phones' capabilities (multiremote instances
 * `phoneA` and, where available, `phoneB`), where Appium runs, where IM and OPPO live (the lab's
 * fakes or the real services), and which spec groups can run on that target.
 */
import './wdio-capabilities.ts';
import { loadAppProfile, loadDeviceProfile } from '../phone/profiles.ts';
import { APP_PROFILE_ENV, appPage } from './apps/index.ts';
import { DEMO_APP } from './apps/tim-demo.ts';
import { DOC_SPECS_DIR } from '../docs/readme-blocks.ts';
import { specFilesUnder, WORKERS_ENV } from './workers.ts';

/**
 * Two workers on the virtual profile, so every `npm run e2e` shows the suite passes spread over
 * workers with nothing shared (bench:e2e compares the wall time with one worker).
 */
const DEFAULT_WORKERS = 2;
const MAX_WORKERS = 16;

export const PROFILE_ENV = 'E2E_PROFILE';
/** The adb server port of the emulator and device profiles (the run sets it for its stand-in phones). */
export const ADB_PORT_ENV = 'E2E_ADB_PORT';
/**
 * `E2E_SHELL=off`: the phones are reached only through Appium commands, as on a farm that forbids
 * `mobile: shell` (BrowserStack, Sauce Labs and LambdaTest real devices do). A named setting, not
 * detected from the first refused `mobile: shell`: the checks before the run (before any session)
 * must list what they cannot run, and the Appium the run starts must be started without
 * `--allow-insecure adb_shell`; a refusal found mid-run would switch modes half-way through a test.
 * A refused `mobile: shell` with the setting on names it (Phone.shell). Default: `off` on `farm`,
 * `on` elsewhere.
 */
export const SHELL_ENV = 'E2E_SHELL';
export const PROFILE_NAMES = ['virtual', 'emulator', 'device', 'live', 'farm'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The multiremote instance names; `phoneB` exists where a second phone is configured. */
export type PhoneName = 'phoneA' | 'phoneB';

/**
 * What a spec group needs from the target. Spec files declare one of these in their path
 * (`specs/<requirement>/...`), so a profile runs exactly the groups it can honour.
 */
export type SpecRequirement =
  /** Only IM REST + a phone: runs everywhere. */
  | 'any'
  /** The lab's fakes: OPPO control (faults, journal), IM console edits, traces. */
  | 'fakes'
  /** Virtual time (advance days in milliseconds) and lab phone settings (network, permission). */
  | 'virtual'
  /** Two phones. */
  | 'two-phones';

export interface ImBackendSettings {
  /** Base URL of the IM REST API (the `/v4/...` paths hang under it). */
  url?: string;
  sdkAppId: number;
  secretKey: string;
  admin: string;
}

export type Backend =
  | {
      kind: 'lab';
      /** The lab's clock: virtual (frozen, advanced by specs) or the system clock for real phones. */
      clock: 'virtual' | 'system';
      /** Interface the lab binds; real phones reach it through `adb reverse` on fixed ports. */
      host: string;
      /** 0 = ephemeral (virtual phones live in the lab); fixed for `adb reverse`. */
      portBase: number;
      /** More Host names a loopback lab answers: a farm tunnel's name (e.g. `bs-local.com`). */
      allowedHosts?: string[];
      /**
       * Phones outside the lab reached over adb (emulator, device): the adb server they are attached to,
       * where the delivery agent posts pushes; the lab holds their apps' IM sessions.
       */
      devices?: DeviceSide;
      /**
       * Why no push can reach the phones (a farm phone with the lab backend and no adb route for the
       * delivery agent): the checks before the run fail with it, instead of every push test timing out.
       */
      noDeliveryRoute?: string;
    }
  | { kind: 'live'; im: Required<ImBackendSettings>; oppo: { appKey: string; masterSecret: string } };

/** How the lab reaches the phones of the `emulator` and `device` profiles. */
export interface DeviceSide {
  /** The adb server (`E2E_ADB_HOST`, `E2E_ADB_PORT`; default 127.0.0.1:5037, the one `adb` starts). */
  adb: { host: string; port: number };
  /**
   * `E2E_EMULATOR=virtual`: the run starts virtual phones of their own (harness/lab/virtual-devices.ts)
   * with these serials, reachable only over an ADB endpoint on a free port that replaces `adb` —
   * how CI proves this path with no emulator. Absent: the phones are real.
   */
  virtual?: { serials: string[]; deviceProfile?: string };
  /** The adb serials of the phones under test. */
  serials: string[];
}

export interface AppiumTarget {
  /** `local`: `@wdio/appium-service` starts Appium next to the run; `remote`: a farm or a grid. */
  kind: 'local' | 'remote';
  /** Drivers Appium must load (local only). */
  drivers: string[];
  /** Remote connection (farm, or an Appium you started yourself). */
  connection?: { protocol: 'http' | 'https'; hostname: string; port: number; path: string; user?: string; key?: string };
}

export interface E2eProfile {
  name: ProfileName;
  backend: Backend;
  appium: AppiumTarget;
  phones: Partial<Record<PhoneName, WebdriverIO.Capabilities>> & { phoneA: WebdriverIO.Capabilities };
  /** Spec groups this target can run. */
  runs: SpecRequirement[];
  /** WDIO workers the suite is spread over (`E2E_WORKERS`), each with a lab of its own (see workers.ts). */
  workers: number;
  /**
   * Whether the page objects and the lab's device side may use `mobile: shell` and adb to the phone
   * ({@link SHELL_ENV}); without it only Appium commands reach the phone (the delivery agent's posts
   * excepted: they are the push's route, not the test's).
   */
  shell: boolean;
}

/** Whether the run's phones live in the lab on its frozen virtual clock (the `virtual` profile): specs may move time. */
export function isVirtualLab(profile: Pick<E2eProfile, 'backend'>): boolean {
  return profile.backend.kind === 'lab' && profile.backend.clock === 'virtual';
}

export class ProfileError extends Error {
  constructor(
    readonly profile: string,
    readonly problems: string[],
  ) {
    super(
      `E2E profile '${profile}' cannot start:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\nSee harness/scenario/README.md ("Profiles") for every setting.`,
    );
    this.name = 'ProfileError';
  }
}

type Env = Record<string, string | undefined>;

/** Collects every problem before failing, so one run shows the whole list. */
class Settings {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  optional(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v ? v : undefined;
  }

  required(name: string, what: string): string {
    const v = this.optional(name);
    if (v === undefined) this.problems.push(`${name} is not set: ${what}`);
    return v ?? '';
  }

  int(name: string, what: string, fallback?: number, range: [number, number] = [0, 65535]): number {
    const raw = fallback === undefined ? this.required(name, what) : this.optional(name);
    if (raw === undefined || raw === '') return fallback ?? 0;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < range[0] || n > range[1]) {
      this.problems.push(`${name}='${raw}' is not a whole number in ${range[0]}..${range[1]}: ${what}`);
      return fallback ?? 0;
    }
    return n;
  }

  /** Runs a validator that throws with a readable message; the message becomes a problem. */
  check(name: string, value: string, validate: (value: string) => unknown): void {
    try {
      validate(value);
    } catch (error) {
      this.problems.push(`${name}='${value}': ${(error as Error).message}`);
    }
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!(values as readonly string[]).includes(raw)) {
      this.problems.push(`${name}='${raw}' must be one of: ${values.join(', ')}`);
      return fallback;
    }
    return raw as T;
  }
}

/** What every phone needs to know about the app under test, whatever the driver. */
function appCaps(): WebdriverIO.Capabilities {
  return {
    platformName: 'Android',
    'appium:appPackage': DEMO_APP.packageName,
    'appium:appActivity': DEMO_APP.launcherActivity,
    // ColorOS refuses `pm clear` from adb (android-automation.md §3), so never reset app data.
    'appium:noReset': true,
    'appium:newCommandTimeout': 120,
  };
}

function uiautomator2(udid: string): WebdriverIO.Capabilities {
  return {
    ...appCaps(),
    'appium:automationName': 'UiAutomator2',
    'appium:udid': udid,
    // CI emulators and busy machines are slower than a phone on a desk: give the server time to come up.
    'appium:uiautomator2ServerLaunchTimeout': 60_000,
    'appium:adbExecTimeout': 60_000,
  };
}

/** The IM app's secret key: the live profile's, and what `push-lab doctor` signs with when a lab mints no UserSigs. */
export const IM_SECRET_KEY_ENV = 'TIM_SECRET_KEY';

function imFromEnv(s: Settings): Required<ImBackendSettings> {
  return {
    url: s.optional('TIM_URL') ?? 'https://console.tim.qq.com',
    sdkAppId: s.int('TIM_SDKAPPID', 'the IM app id from the Tencent console', undefined, [1, 2 ** 32 - 1]),
    secretKey: s.required(IM_SECRET_KEY_ENV, 'the IM app secret key (console → app → key)'),
    admin: s.optional('TIM_ADMIN') ?? 'administrator',
  };
}

function oppoFromEnv(s: Settings) {
  return {
    appKey: s.required('OPPO_APP_KEY', 'the OPPO PUSH AppKey the IM certificate uses'),
    masterSecret: s.required('OPPO_MASTER_SECRET', 'the OPPO PUSH MasterSecret the IM certificate uses'),
  };
}

function labBackend(s: Settings, clock: 'virtual' | 'system', fixedPorts: boolean): Extract<Backend, { kind: 'lab' }> {
  const allowedHosts = (s.optional('E2E_LAB_ALLOW_HOSTS') ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
  return {
    kind: 'lab',
    clock,
    host: s.optional('E2E_LAB_HOST') ?? '127.0.0.1',
    // A real phone reaches the lab through `adb reverse tcp:P tcp:P`, which needs ports known up front.
    portBase: s.int('E2E_LAB_PORT_BASE', 'first of the lab ports forwarded with adb reverse', fixedPorts ? 18600 : 0),
    ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
  };
}

function devicePhones(s: Settings, defaultUdid?: string): E2eProfile['phones'] {
  const udid = defaultUdid
    ? (s.optional('E2E_UDID') ?? defaultUdid)
    : s.required('E2E_UDID', 'the adb serial of the phone under test (see `adb devices`)');
  const second = s.optional('E2E_UDID_2');
  return second ? { phoneA: uiautomator2(udid), phoneB: uiautomator2(second) } : { phoneA: uiautomator2(udid) };
}

const FARMS = ['browserstack', 'saucelabs', 'lambdatest', 'grid'] as const;
type Farm = (typeof FARMS)[number];

/** Each farm's endpoint and capability conventions (android-automation.md §2.4). */
function farmTarget(s: Settings): { appium: AppiumTarget; phones: E2eProfile['phones'] } {
  const farm = s.oneOf<Farm>('E2E_FARM', FARMS, 'grid');
  const user = farm === 'grid' ? s.optional('E2E_FARM_USER') : s.required('E2E_FARM_USER', `your ${farm} user name`);
  const key = farm === 'grid' ? s.optional('E2E_FARM_KEY') : s.required('E2E_FARM_KEY', `your ${farm} access key`);
  const app = farm === 'grid' ? s.optional('E2E_FARM_APP') : s.required('E2E_FARM_APP', `the uploaded app id (bs://…, storage:filename=…, lt://…)`);
  const deviceName = s.optional('E2E_FARM_DEVICE') ?? (farm === 'lambdatest' ? 'Find X5' : 'Oppo .*');
  // A Grid whose node serves several phones routes a request to one by its udid (the node's stereotypes).
  const udid = s.optional('E2E_UDID');
  const platformVersion = s.optional('E2E_FARM_PLATFORM_VERSION');
  const defaults: Record<Farm, { protocol: 'http' | 'https'; hostname: string; port: number; path: string }> = {
    browserstack: { protocol: 'https', hostname: 'hub-cloud.browserstack.com', port: 443, path: '/wd/hub' },
    saucelabs: { protocol: 'https', hostname: 'ondemand.us-west-1.saucelabs.com', port: 443, path: '/wd/hub' },
    lambdatest: { protocol: 'https', hostname: 'mobile-hub.lambdatest.com', port: 443, path: '/wd/hub' },
    grid: { protocol: 'http', hostname: '', port: 4444, path: '/' },
  };
  const d = defaults[farm];
  const hostname = farm === 'grid' ? s.required('E2E_FARM_HOSTNAME', 'the Selenium Grid 4 / Appium host') : (s.optional('E2E_FARM_HOSTNAME') ?? d.hostname);
  const connection = {
    protocol: s.oneOf('E2E_FARM_PROTOCOL', ['http', 'https'] as const, d.protocol),
    hostname,
    port: s.int('E2E_FARM_PORT', 'the remote Appium port', d.port),
    path: s.optional('E2E_FARM_PATH') ?? d.path,
    ...(user ? { user } : {}),
    ...(key ? { key } : {}),
  };
  const base: WebdriverIO.Capabilities = {
    ...appCaps(),
    'appium:automationName': 'UiAutomator2',
    'appium:deviceName': deviceName,
    ...(platformVersion ? { 'appium:platformVersion': platformVersion } : {}),
    ...(app ? { 'appium:app': app } : {}),
    ...(udid ? { 'appium:udid': udid } : {}),
  };
  const vendor: Record<Farm, WebdriverIO.Capabilities> = {
    browserstack: { 'bstack:options': { userName: user, accessKey: key, projectName: 'oppo-push-harness', buildName: s.optional('E2E_FARM_BUILD') } },
    saucelabs: { 'sauce:options': { build: s.optional('E2E_FARM_BUILD'), name: 'oppo-push-harness' } },
    lambdatest: {
      'lt:options': {
        username: user,
        accessKey: key,
        platformName: 'android',
        deviceName,
        platformVersion,
        isRealMobile: true,
        app,
        build: s.optional('E2E_FARM_BUILD'),
      },
    } as WebdriverIO.Capabilities,
    grid: {},
  };
  return { appium: { kind: 'remote', drivers: [], connection }, phones: { phoneA: { ...base, ...vendor[farm] } } };
}

/**
 * Resolves and validates the profile named by `E2E_PROFILE` (default `virtual`).
 * Throws {@link ProfileError} listing every missing or malformed setting.
 */
export function resolveProfile(env: Env = process.env): E2eProfile {
  const s = new Settings(env);
  const name = s.oneOf<ProfileName>(PROFILE_ENV, PROFILE_NAMES, 'virtual');
  if (s.problems.length) throw new ProfileError(env[PROFILE_ENV] ?? '', s.problems);
  const appProfile = s.optional(APP_PROFILE_ENV);
  if (appProfile) s.check(APP_PROFILE_ENV, appProfile, appPage);
  const built = build(name, s);
  const profile: E2eProfile = { ...built, workers: workersOf(built, s), shell: shellOf(built, s) };
  if (s.problems.length) throw new ProfileError(name, s.problems);
  return withRunScopedSessions(profile);
}

/**
 * Appium ends a session that gets no command for `newCommandTimeout` seconds, taking its client for
 * dead. A run's phoneB gets none while the single-phone spec groups run — minutes, more on a loaded
 * machine — and the two-phone specs then find its session gone ("invalid session id"). An Appium the
 * run starts itself ends with the run (the appium service stops it, also on failure), so its
 * sessions need no such timeout: 0, off. A remote Appium (a farm, a grid) keeps appCaps()'s value,
 * as a dead client's device must be freed there.
 */
function withRunScopedSessions(profile: E2eProfile): E2eProfile {
  if (profile.appium.kind !== 'local') return profile;
  const phones = Object.fromEntries(Object.entries(profile.phones).map(([name, caps]) => [name, { ...caps, 'appium:newCommandTimeout': 0 }]));
  return { ...profile, phones: phones as E2eProfile['phones'] };
}

type Built = Omit<E2eProfile, 'workers' | 'shell'>;

/** {@link SHELL_ENV}: for the UiAutomator2 profiles (the VirtualOppo driver's phones live in the lab). */
function shellOf(profile: Built, s: Settings): boolean {
  const value = s.oneOf(SHELL_ENV, ['on', 'off'] as const, profile.name === 'farm' ? 'off' : 'on');
  if (value === 'off' && profile.name === 'virtual') s.problems.push(`${SHELL_ENV}=off is for the UiAutomator2 profiles (emulator, device, live, farm); the virtual profile's phones live in the lab`);
  return value === 'on';
}

/**
 * Workers need phones of their own: virtual phones are booted per worker in the worker's own lab,
 * but a real phone (emulator, device, farm, live) is one set the workers would fight over.
 */
function workersOf(profile: Built, s: Settings): number {
  const virtual = isVirtualLab(profile);
  const workers = s.int(WORKERS_ENV, 'the WDIO workers the suite is spread over, each with a lab of its own', virtual ? DEFAULT_WORKERS : 1, [1, MAX_WORKERS]);
  if (workers > 1 && !virtual) {
    s.problems.push(`${WORKERS_ENV}=${workers} needs the virtual profile (each worker boots its own virtual phones in a lab of its own); '${profile.name}' runs on the phones you gave, so use 1`);
    return 1;
  }
  return workers;
}

function build(name: ProfileName, s: Settings): Built {
  const withSecond = (phones: E2eProfile['phones'], runs: SpecRequirement[]): SpecRequirement[] =>
    phones.phoneB ? [...runs, 'two-phones'] : runs;
  switch (name) {
    case 'virtual': {
      const deviceProfile = s.optional('E2E_DEVICE_PROFILE');
      // Virtual phones are built from fixtures: a typo fails here, not at the first session.
      if (deviceProfile) s.check('E2E_DEVICE_PROFILE', deviceProfile, loadDeviceProfile);
      const app = s.optional(APP_PROFILE_ENV);
      if (app) s.check(APP_PROFILE_ENV, app, loadAppProfile);
      const caps: WebdriverIO.Capabilities = {
        ...appCaps(),
        'appium:automationName': 'VirtualOppo',
        ...(deviceProfile ? { 'appium:deviceProfile': deviceProfile } : {}),
      };
      return {
        name,
        backend: labBackend(s, 'virtual', false),
        appium: { kind: 'local', drivers: ['virtualoppo'] },
        phones: { phoneA: caps, phoneB: caps },
        runs: ['any', 'fakes', 'virtual', 'two-phones'],
      };
    }
    case 'emulator':
    case 'device': {
      const virtual = name === 'emulator' && s.oneOf('E2E_EMULATOR', ['real', 'virtual'] as const, 'real') === 'virtual';
      const phones = devicePhones(s, name === 'emulator' ? 'emulator-5554' : undefined);
      const serials = Object.values(phones).map((caps) => String(caps['appium:udid']));
      const backend = labBackend(s, 'system', !virtual);
      backend.devices = deviceSide(s, serials, virtual);
      return {
        name,
        backend,
        appium: remoteOrLocal(s, ['uiautomator2']),
        phones,
        runs: withSecond(phones, ['any', 'fakes']),
      };
    }
    case 'live': {
      const im = imFromEnv(s);
      const oppo = oppoFromEnv(s);
      const phones = devicePhones(s);
      return { name, backend: { kind: 'live', im, oppo }, appium: remoteOrLocal(s, ['uiautomator2']), phones, runs: withSecond(phones, ['any']) };
    }
    case 'farm': {
      const backendKind = s.oneOf('E2E_FARM_BACKEND', ['live', 'lab'] as const, 'live');
      const { appium, phones } = farmTarget(s);
      if (backendKind === 'live') return { name, backend: { kind: 'live', im: imFromEnv(s), oppo: oppoFromEnv(s) }, appium, phones, runs: ['any'] };
      const standIn = s.oneOf('E2E_FARM_STANDIN', ['none', 'virtual'] as const, 'none') === 'virtual';
      // A cloud phone reaches a lab only through the farm's tunnel (BrowserStack Local, Sauce Connect...).
      const backend = labBackend(s, 'system', !standIn);
      const udid = phones.phoneA['appium:udid'];
      // A push reaches a farm phone from the lab only through the adb delivery agent, so only where the
      // farm gives an adb route to the phone (STF, Sauce Labs Virtual USB: E2E_ADB_HOST/E2E_ADB_PORT).
      const route = standIn || s.optional('E2E_ADB_HOST') !== undefined || s.optional(ADB_PORT_ENV) !== undefined;
      if (route && udid === undefined) s.problems.push(`E2E_UDID is not set: the farm phone's adb serial, which the delivery agent posts to`);
      if (route) backend.devices = deviceSide(s, [String(udid ?? '')], standIn);
      else
        backend.noDeliveryRoute =
          "a farm phone with the lab backend gets no push: mock-oppo reaches a phone outside the lab only through the adb delivery agent, and this farm gives no adb route to the phone (E2E_ADB_HOST/E2E_ADB_PORT unset; clouds such as BrowserStack give none)";
      return { name, backend, appium, phones, runs: ['any', 'fakes'] };
    }
  }
}

/**
 * The adb side of phones outside the lab: their adb server (`E2E_ADB_HOST`, `E2E_ADB_PORT`) and, for
 * stand-in phones (`E2E_EMULATOR=virtual`, `E2E_FARM_STANDIN=virtual`), the virtual phones the run starts.
 */
function deviceSide(s: Settings, serials: string[], virtual: boolean): DeviceSide {
  const deviceProfile = virtual ? s.optional('E2E_DEVICE_PROFILE') : undefined;
  if (deviceProfile) s.check('E2E_DEVICE_PROFILE', deviceProfile, loadDeviceProfile);
  return {
    adb: { host: s.optional('E2E_ADB_HOST') ?? '127.0.0.1', port: s.int(ADB_PORT_ENV, 'the adb server port the phones are attached to', 5037, [1, 65535]) },
    serials,
    ...(virtual ? { virtual: { serials, ...(deviceProfile ? { deviceProfile } : {}) } } : {}),
  };
}

/** An Appium you run yourself (`E2E_APPIUM_URL`), else the appium service starts one. */
function remoteOrLocal(s: Settings, drivers: string[]): AppiumTarget {
  const url = s.optional('E2E_APPIUM_URL');
  if (!url) return { kind: 'local', drivers };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    s.problems.push(`E2E_APPIUM_URL='${url}' is not a URL (e.g. http://127.0.0.1:4723/)`);
    return { kind: 'local', drivers };
  }
  const protocol = parsed.protocol === 'https:' ? 'https' : 'http';
  return {
    kind: 'remote',
    drivers,
    connection: {
      protocol,
      hostname: parsed.hostname,
      port: Number(parsed.port || (protocol === 'https' ? 443 : 80)),
      path: parsed.pathname || '/',
    },
  };
}

/** The directories of a profile's spec files: each group it can honour, in specs/ and in the README specs. */
function specDirs(profile: E2eProfile, root: string, docSpecs: string): string[] {
  // The README examples that are specs (written there by writeDocSpecs) run with the group they name.
  return [...profile.runs.map((r) => `${root}/${r}`), ...profile.runs.map((r) => `${docSpecs}/${r}`)];
}

/**
 * The spec files a profile runs (`specs/<requirement>/*.e2e.ts` for each group it can honour), as
 * one WDIO spec group: they share one worker and one pair of sessions, so a run pays the worker and
 * session start-up once instead of once per file (each spec file resets the phones it uses).
 */
export function specGlobs(profile: E2eProfile, root = './specs', docSpecs = `./${DOC_SPECS_DIR}`): string[][] {
  return [specDirs(profile, root, docSpecs).map((d) => `${d}/**/*.e2e.ts`)];
}

/** The same files as {@link specGlobs}, listed: what the run splits over its workers (see workers.ts). */
export function specFiles(profile: E2eProfile, root = './specs', docSpecs = `./${DOC_SPECS_DIR}`): string[][] {
  return [specFilesUnder(specDirs(profile, root, docSpecs))];
}
