/**
 * What a spec file opens first: the clients (IM REST, IM console, mock-oppo control, the lab's
 * clock), the phones of its session as `Phone` page objects, and fresh users — all chosen by the
 * run profile, so the spec does not care whether it talks to the lab or to the real services.
 */
import './wdio-capabilities.ts';
import { remote } from 'webdriverio';
import imAppFixture from '../../fixtures/im-app.json' with { type: 'json' };
import oppoAppsFixture from '../../fixtures/oppo-apps.json' with { type: 'json' };
import type { Duration } from '../../mock-oppo/core/clock.ts';
import { MockOppoControl } from '../../mock-oppo/control-client.ts';
import { genUserSig } from '../im/usersig.ts';
import { RemotePhone } from '../phone/http/index.ts';
import { appPage, appPageFor, appPageOrBase } from './apps/index.ts';
import type { AppSource } from '../phone/api.ts';
import { ImConsoleClient } from './im-console.ts';
import { ImRestClient, type BatchSendMsgRequest, type BatchSendMsgResult, type SendGroupMsgRequest, type SendMsgRequest, type SendMsgResult } from './im-rest.ts';
import { LabClient } from './lab-client.ts';
import { OppoServerClient, type OppoSend } from './oppo-server.ts';
import { readLabEnv } from './lab-env.ts';
import type { Observers } from './matchers.ts';
import { Phone, type LabPhoneControls, type ModelledDevice } from './phone.ts';
import type { AppPage } from './apps/app-page.ts';
import { isVirtualLab, resolveProfile, type E2eProfile, type PhoneName } from './profiles.ts';
import { describeOppoSends, funnelText, testFunnel, type PhoneRef } from './test-funnel.ts';
import { currentRecord, step } from './test-record.ts';

/** The IM REST client that notes what the running test sent (sendmsg, batchsendmsg, send_group_msg), so its report shows each message's funnel. */
class RecordingImRestClient extends ImRestClient {
  override sendMsg(request: SendMsgRequest): Promise<SendMsgResult> {
    return step(`send ${request.From_Account ?? 'admin'} → ${request.To_Account}`, async () => {
      const result = await super.sendMsg(request);
      currentRecord()?.sent.push({ msgKey: result.MsgKey, msgTime: result.MsgTime, from: request.From_Account ?? '', to: request.To_Account });
      return result;
    });
  }
  override batchSendMsg(request: BatchSendMsgRequest): Promise<BatchSendMsgResult> {
    return step(`send ${request.From_Account ?? 'admin'} → ${request.To_Account.join(', ')}`, async () => {
      const result = await super.batchSendMsg(request);
      const failed = new Set(result.ErrorList.map((e) => e.To_Account));
      for (const to of new Set(request.To_Account)) {
        if (!failed.has(to)) currentRecord()?.sent.push({ msgKey: result.MsgKey, msgTime: result.MsgTime, from: request.From_Account ?? '', to });
      }
      return result;
    });
  }
  /** Every member but the sender is a recipient (IM's rule), read back from the group after the send. */
  override sendGroupMsg(request: SendGroupMsgRequest): Promise<SendMsgResult> {
    return step(`send ${request.From_Account ?? 'admin'} → group ${request.GroupId}`, async () => {
      const result = await super.sendGroupMsg(request);
      for (const to of await this.groupMembers(request.GroupId)) {
        if (to !== request.From_Account) currentRecord()?.sent.push({ msgKey: result.MsgKey, msgTime: result.MsgTime, from: request.From_Account ?? '', to });
      }
      return result;
    });
  }
}

type AnyBrowser = WebdriverIO.Browser | WebdriverIO.MultiRemoteBrowser;

/** Files a push sent straight to OPPO under the running test, for its report and its matchers' failures. */
const recordOppoSend = (send: OppoSend) => void currentRecord()?.oppoSends.push(send);

/**
 * How much a scenario starts clean. `spec-file` (default): once, when the spec file opens it, so its
 * tests may build on each other; `test`: also before every test (wdio.conf.ts's beforeTest calls
 * `beforeEachTest()`), so each test sets up what it needs in `beforeEach` or in the test itself.
 */
export type Isolation = 'spec-file' | 'test';

export interface ScenarioOptions {
  /** Default: the run's profile (`E2E_PROFILE`). */
  profile?: E2eProfile;
  isolation?: Isolation;
}

function instances(browser: AnyBrowser): Map<string, WebdriverIO.Browser> {
  // The multiremote browser is a proxy: read its instance names, don't probe with `in`.
  const names = (browser as WebdriverIO.MultiRemoteBrowser).instances;
  if (Array.isArray(names)) {
    const multi = browser as WebdriverIO.MultiRemoteBrowser;
    return new Map(names.map((name) => [name, multi.getInstance(name)]));
  }
  return new Map([['phoneA', browser as WebdriverIO.Browser]]);
}

/** The caps the session asked for (multiremote instances keep them in their options). */
function requestedOf(driver: WebdriverIO.Browser): WebdriverIO.Capabilities {
  const requested = (driver.requestedCapabilities ?? (driver.options as { capabilities?: unknown }).capabilities ?? {}) as WebdriverIO.Capabilities & { alwaysMatch?: WebdriverIO.Capabilities };
  return requested.alwaysMatch ?? requested;
}

function serialOf(driver: WebdriverIO.Browser): string {
  const granted = driver.capabilities as Record<string, unknown>;
  return String(requestedOf(driver)['appium:udid'] ?? granted['appium:udid'] ?? granted.udid ?? '');
}

export class Scenario {
  /** The scenario the running spec file opened (spec files run one after another in the worker), for failure reports. */
  static current: Scenario | undefined;

  readonly im: RecordingImRestClient;
  /** The lab's IM console and traces (absent on `live`). */
  readonly console: ImConsoleClient | undefined;
  /** mock-oppo's control API (absent on `live`). */
  readonly oppo: MockOppoControl | undefined;
  /**
   * The OPPO PUSH server API, straight from the spec (a backend's own pushes: notify_id, show_ttl,
   * styles, click types, broadcast), signed on the lab's clock; the real OPPO on `live`.
   */
  readonly oppoApi: OppoServerClient;
  readonly lab: LabClient | undefined;
  readonly observers: Observers;
  private readonly phones = new Map<string, Phone>();
  /** Every account user() made, with its nick, imported again after each reset. */
  private readonly users = new Map<string, string | undefined>();
  private readonly extraSessions: WebdriverIO.Browser[] = [];
  /** Phones from bootPhone(): not in the session's multiremote set, but part of this spec's story. */
  private readonly extraPhones: Phone[] = [];

  private constructor(
    readonly tag: string,
    readonly profile: E2eProfile,
    readonly isolation: Isolation,
    private readonly browser: AnyBrowser,
    clients: { im: RecordingImRestClient; oppoApi: OppoServerClient; console?: ImConsoleClient; oppo?: MockOppoControl; lab?: LabClient },
  ) {
    this.im = clients.im;
    this.oppoApi = clients.oppoApi;
    this.console = clients.console;
    this.oppo = clients.oppo;
    this.lab = clients.lab;
    this.observers = { ...(clients.lab ? { lab: clients.lab } : {}), ...(clients.console ? { console: clients.console } : {}), ...(clients.oppo ? { oppo: clients.oppo } : {}) };
    Scenario.current = this;
    for (const [name, driver] of instances(browser)) {
      const serial = serialOf(driver);
      const page = appPageFor(requestedOf(driver));
      this.phones.set(name, new Phone(name, driver, page, serial, ...this.phoneSides(serial, page), this.profile.shell));
    }
  }

  /**
   * What a phone has besides its session: a virtual phone lives in the lab (its lab-only switches); an
   * emulator or USB phone next to the lab's fakes gets pushes from the adb delivery agent and has its
   * app's IM session held by the lab; a farm or live phone has neither.
   */
  private phoneSides(serial: string, page: AppPage): [LabPhoneControls | undefined, Observers, ModelledDevice | undefined] {
    if (isVirtualLab(this.profile)) return [this.lab?.phone(serial), this.observers, undefined];
    const adbReached = this.profile.backend.kind === 'lab' && this.profile.backend.devices !== undefined;
    return [undefined, this.observers, this.lab && adbReached ? this.lab.device(serial, page.packageName, page.profile) : undefined];
  }

  /**
   * Opens the scenario of one spec file and resets everything it touches (see `reset()`), so it
   * starts clean whatever the spec files before it left behind. `tag` also keeps its users apart
   * from other spec files' (every account it creates is `<name>_<tag>`).
   */
  static async open(tag: string, browser: AnyBrowser, options: ScenarioOptions = {}): Promise<Scenario> {
    const profile = options.profile ?? resolveProfile();
    const isolation = options.isolation ?? 'spec-file';
    if (profile.backend.kind === 'live') {
      const { im } = profile.backend;
      const signer = () => genUserSig({ sdkAppId: im.sdkAppId, secretKey: im.secretKey, userId: im.admin });
      const oppoApi = new OppoServerClient({ ...profile.backend.oppo, now: () => Date.now(), onSend: recordOppoSend });
      const scenario = new Scenario(tag, profile, isolation, browser, { im: new RecordingImRestClient({ baseUrl: im.url, sdkAppId: im.sdkAppId, admin: im.admin, userSig: signer }), oppoApi });
      await scenario.reset();
      return scenario;
    }
    const urls = readLabEnv();
    const access = { token: urls.token };
    const console = new ImConsoleClient(urls.im, access);
    // Sign on the lab's clock: a ticket dated by the wall clock would lie in the future of a frozen virtual clock.
    const issuedAt = await console.now();
    const userSig = genUserSig({ sdkAppId: imAppFixture.sdkAppId, secretKey: imAppFixture.secretKey, userId: imAppFixture.admin, now: issuedAt });
    const im = new RecordingImRestClient({ baseUrl: urls.im, sdkAppId: imAppFixture.sdkAppId, admin: imAppFixture.admin, userSig: () => userSig });
    const lab = new LabClient(urls.lab, access);
    const [oppoApp] = oppoAppsFixture;
    const oppoApi = new OppoServerClient({ baseUrl: urls.oppo, appKey: oppoApp!.appKey, masterSecret: oppoApp!.masterSecret, now: () => lab.now(), onSend: recordOppoSend });
    const scenario = new Scenario(tag, profile, isolation, browser, { im, oppoApi, console, oppo: new MockOppoControl(urls.oppo, access), lab });
    await scenario.reset();
    return scenario;
  }

  /**
   * Everything back to a clean start. With the lab, one `POST /_lab/v1/reset`: every virtual phone as
   * after boot (apps stopped and cleared, uninstalled ones back, shade and its history empty, network
   * and permission as shipped), IM back to its fixtures (no sessions or tokens, console certificates
   * as in fixtures/), mock-oppo's messages, faults, receipts and quotas gone. Real phones (emulator,
   * device, live, farm) are reset through the app's UI from whatever screen they are on. The clock
   * is not reset: it only moves forward (see harness/scenario/README.md, "Isolation").
   */
  async reset(): Promise<void> {
    this.oppoApi.sent.length = 0;
    if (this.lab) await this.lab.reset();
    // The scenario's users are its cast, not state: they survive a reset (IM forgot them).
    for (const [userId, nick] of this.users) await this.im.importAccount(userId, nick);
    const virtual = isVirtualLab(this.profile);
    for (const phone of [...this.phones.values(), ...this.extraPhones]) {
      if (virtual) phone.forgetSession();
      else await phone.reset();
    }
    // The lab's reset needs no Appium command, so a phone a worker's spec files (or the flows spec's
    // flows) leave unused would idle past Appium's newCommandTimeout and lose its session: one
    // cheap command per phone at every clean start keeps each session the worker holds alive.
    if (virtual) await Promise.all([...this.phones.values()].map((phone) => phone.appState()));
  }

  /** What wdio.conf.ts's beforeTest runs: a reset when this scenario isolates each test. */
  async beforeEachTest(): Promise<void> {
    if (this.isolation === 'test') await this.reset();
  }

  /** A phone of this session (`phoneA`, and `phoneB` in two-phone specs). */
  phone(name: PhoneName = 'phoneA'): Phone {
    const phone = this.phones.get(name);
    if (!phone) throw new Error(`no phone '${name}' in this session (have: ${[...this.phones.keys()].join(', ')})`);
    return phone;
  }

  /** Imports a fresh account `<name>_<tag>` with a display name (the notification title of its messages). */
  user(name: string, nick?: string): Promise<string> {
    const userId = `${name}_${this.tag}`;
    return step(`user ${userId}${nick ? ` (${nick})` : ''}`, async () => {
      await this.im.importAccount(userId, nick);
      this.users.set(userId, nick);
      return userId;
    });
  }

  private requireLab(what: string): LabClient {
    if (!this.lab || !isVirtualLab(this.profile)) {
      throw new Error(`${what} needs the virtual lab (E2E_PROFILE=virtual); this run uses '${this.profile.name}'`);
    }
    return this.lab;
  }

  /** Moves the lab's one virtual clock forward (the IM server, mock-oppo and every phone see it). */
  advance(by: Duration): Promise<void> {
    return step(`advance the clock ${by}`, async () => void (await this.requireLab('advancing time').advance(by)));
  }

  /** The lab's clock (epoch ms): virtual on the `virtual` profile, real time on the other lab profiles. */
  async now(): Promise<number> {
    if (!this.lab) throw new Error(`the lab's clock needs a lab; this run uses '${this.profile.name}' (real services run on real time: Date.now())`);
    return this.lab.now();
  }

  /**
   * Moves the virtual clock forward to the instant `at` (epoch ms), e.g. `nextMidnightInBeijing(await
   * s.now())` for OPPO's daily quotas. The clock never goes back: an instant already past is an error.
   */
  async advanceTo(at: number): Promise<void> {
    const now = await this.requireLab('advancing time').now();
    if (at < now) throw new RangeError(`advanceTo(${new Date(at).toISOString()}): the lab's clock is already at ${new Date(now).toISOString()} and never goes back`);
    await this.advance(at - now);
  }

  /**
   * Boots one more virtual phone (e.g. with an app profile that makes an integration mistake) and
   * opens its own session on the same Appium server; `close()` ends it. `appProfile` is a profile id
   * from fixtures/apps/, or a variant defined in the spec: `{ id: 'tim-demo-old-sdk', extends:
   * 'tim-demo', behaviour: { callsDoBackground: false } }` (validated like a fixture).
   */
  bootPhone(options: { appProfile: AppSource; deviceProfile?: string; name?: string }): Promise<Phone> {
    const name = options.name ?? (typeof options.appProfile === 'string' ? options.appProfile : String(options.appProfile.id ?? 'variant'));
    return step(`boot a phone with ${name}`, () => this.boot(options), name);
  }

  private async boot(options: { appProfile: AppSource; deviceProfile?: string; name?: string }): Promise<Phone> {
    const lab = this.requireLab('booting a phone');
    const { lab: labUrl, token } = readLabEnv();
    const template = this.phone('phoneA').driver;
    const profile = options.appProfile;
    const profileName = typeof profile === 'string' ? profile : String(profile.id ?? 'variant');
    // A variant shares its base app's screens (found by name prefix, else by what it extends).
    const page = typeof profile === 'string' ? appPage(profile) : appPageOrBase(profileName, String(profile.extends ?? profileName));
    const booted = await RemotePhone.boot(labUrl, { appProfiles: [profile], ...(options.deviceProfile ? { deviceProfile: options.deviceProfile } : {}) }, { token });
    const capabilities: WebdriverIO.Capabilities = {
      ...requestedOf(template),
      'appium:udid': booted.serial,
      'appium:labUrl': labUrl,
    };
    const { hostname, port, path, protocol } = template.options;
    const driver = await remote({ hostname, port, path, protocol, logLevel: 'warn', capabilities });
    this.extraSessions.push(driver);
    const phone = new Phone(options.name ?? profileName, driver, page, booted.serial, lab.phone(booted.serial), this.observers);
    this.extraPhones.push(phone);
    return phone;
  }

  /** Every phone of this scenario (the session's and bootPhone()'s), for reports. */
  allPhones(): Phone[] {
    return [...this.phones.values(), ...this.extraPhones];
  }

  /**
   * The push funnel of the running test: each message it sent through IM (sendmsg, batchsendmsg)
   * on the phones involved, and each push it sent straight to OPPO (outside a test: since the last
   * reset) with each target's state. The same text its reports carry.
   */
  async funnelReport(): Promise<string> {
    if (!this.lab) return '(no push funnel: the run has no lab)';
    const record = currentRecord();
    const im = record && record.sent.length ? funnelText(await testFunnel(this.lab, record.sent, this.phoneRefs(), record.phones)) : '';
    const oppo = await describeOppoSends(this.observers.oppo, record?.oppoSends ?? this.oppoApi.sent);
    return [im, oppo].filter(Boolean).join('\n\n') || '(no messages sent)';
  }

  /** Names and serials of every phone, for the per-test funnel. */
  phoneRefs(): PhoneRef[] {
    return this.allPhones().map((p) => ({ name: p.name, serial: p.serial }));
  }

  /** Ends the sessions bootPhone() opened and shuts those phones down, so a long run does not pile them up. */
  async close(): Promise<void> {
    if (Scenario.current === this) Scenario.current = undefined;
    await Promise.allSettled(this.extraSessions.splice(0).map((d) => d.deleteSession()));
    const booted = this.extraPhones.splice(0);
    if (booted.length === 0) return;
    const { lab: labUrl, token } = readLabEnv();
    await Promise.allSettled(booted.map((phone) => RemotePhone.shutdown(labUrl, phone.serial, { token })));
  }
}

export const openScenario = Scenario.open;
