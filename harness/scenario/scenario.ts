/**
 * What a spec file opens first: the clients (IM REST, IM console, mock-oppo control, the lab's
 * clock), the phones of its session as `Phone` page objects, and fresh users — all chosen by the
 * run profile, so the spec does not care whether it talks to the lab or to the real services.
 */
import './wdio-capabilities.ts';
import { remote } from 'webdriverio';
import imAppFixture from '../../fixtures/im-app.json' with { type: 'json' };
import type { Duration } from '../../mock-oppo/core/clock.ts';
import { MockOppoControl } from '../../mock-oppo/control-client.ts';
import { genUserSig } from '../im/usersig.ts';
import { RemotePhone } from '../phone/http/index.ts';
import { appPageFor } from './apps/index.ts';
import { ImConsoleClient } from './im-console.ts';
import { ImRestClient, type SendMsgRequest, type SendMsgResult } from './im-rest.ts';
import { LabClient } from './lab-client.ts';
import { readLabEnv } from './lab-env.ts';
import type { Observers } from './matchers.ts';
import { Phone } from './phone.ts';
import { isVirtualLab, resolveProfile, type E2eProfile, type PhoneName } from './profiles.ts';
import type { PhoneRef } from './test-funnel.ts';
import { currentRecord, step } from './test-record.ts';

/** The IM REST client that notes what the running test sent, so its report shows each message's funnel. */
class RecordingImRestClient extends ImRestClient {
  override sendMsg(request: SendMsgRequest): Promise<SendMsgResult> {
    return step(`send ${request.From_Account ?? 'admin'} → ${request.To_Account}`, async () => {
      const result = await super.sendMsg(request);
      currentRecord()?.sent.push({ msgKey: result.MsgKey, msgTime: result.MsgTime, from: request.From_Account ?? '', to: request.To_Account });
      return result;
    });
  }
}

type AnyBrowser = WebdriverIO.Browser | WebdriverIO.MultiRemoteBrowser;

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
  readonly lab: LabClient | undefined;
  readonly observers: Observers;
  private readonly phones = new Map<string, Phone>();
  private readonly extraSessions: WebdriverIO.Browser[] = [];
  /** Phones from bootPhone(): not in the session's multiremote set, but part of this spec's story. */
  private readonly extraPhones: Phone[] = [];

  private constructor(
    readonly tag: string,
    readonly profile: E2eProfile,
    private readonly browser: AnyBrowser,
    clients: { im: RecordingImRestClient; console?: ImConsoleClient; oppo?: MockOppoControl; lab?: LabClient },
  ) {
    this.im = clients.im;
    this.console = clients.console;
    this.oppo = clients.oppo;
    this.lab = clients.lab;
    this.observers = {
      ...(clients.lab ? { lab: clients.lab } : {}),
      ...(clients.console ? { console: clients.console } : {}),
      ...(clients.oppo ? { oppo: clients.oppo } : {}),
    };
    Scenario.current = this;
    for (const [name, driver] of instances(browser)) {
      const serial = serialOf(driver);
      this.phones.set(name, new Phone(name, driver, appPageFor(requestedOf(driver)), serial, this.lab?.phone(serial), this.observers));
    }
  }

  /**
   * Opens the scenario of one spec file. `tag` keeps its users apart from other spec files'
   * (every account it creates is `<name>_<tag>`), so specs never share IM state.
   */
  static async open(tag: string, browser: AnyBrowser, profile: E2eProfile = resolveProfile()): Promise<Scenario> {
    if (profile.backend.kind === 'live') {
      const { im } = profile.backend;
      const signer = () => genUserSig({ sdkAppId: im.sdkAppId, secretKey: im.secretKey, userId: im.admin });
      const scenario = new Scenario(tag, profile, browser, { im: new RecordingImRestClient({ baseUrl: im.url, sdkAppId: im.sdkAppId, admin: im.admin, userSig: signer }) });
      await scenario.resetPhones();
      return scenario;
    }
    const urls = readLabEnv();
    const console = new ImConsoleClient(urls.im);
    // Sign on the lab's clock: a ticket dated by the wall clock would lie in the future of a frozen virtual clock.
    const issuedAt = await console.now();
    const userSig = genUserSig({ sdkAppId: imAppFixture.sdkAppId, secretKey: imAppFixture.secretKey, userId: imAppFixture.admin, now: issuedAt });
    const im = new RecordingImRestClient({ baseUrl: urls.im, sdkAppId: imAppFixture.sdkAppId, admin: imAppFixture.admin, userSig: () => userSig });
    const scenario = new Scenario(tag, profile, browser, { im, console, oppo: new MockOppoControl(urls.oppo), lab: new LabClient(urls.lab) });
    await scenario.resetPhones();
    return scenario;
  }

  /** Spec files share the session's phones: each starts from a clean slate. */
  async resetPhones(): Promise<void> {
    for (const phone of this.phones.values()) await phone.reset();
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

  /**
   * Boots one more virtual phone (e.g. with an app profile that makes an integration mistake) and
   * opens its own session on the same Appium server; `close()` ends it.
   */
  bootPhone(options: { appProfile: string; deviceProfile?: string; name?: string }): Promise<Phone> {
    return step(`boot a phone with ${options.appProfile}`, () => this.boot(options), options.name ?? options.appProfile);
  }

  private async boot(options: { appProfile: string; deviceProfile?: string; name?: string }): Promise<Phone> {
    const lab = this.requireLab('booting a phone');
    const { lab: labUrl } = readLabEnv();
    const template = this.phone('phoneA').driver;
    const booted = await RemotePhone.boot(labUrl, { appProfiles: [options.appProfile], ...(options.deviceProfile ? { deviceProfile: options.deviceProfile } : {}) });
    const requested = requestedOf(template);
    const capabilities: WebdriverIO.Capabilities = {
      ...requested,
      'appium:udid': booted.serial,
      'appium:appProfile': options.appProfile,
      'appium:labUrl': labUrl,
      ...(options.deviceProfile ? { 'appium:deviceProfile': options.deviceProfile } : {}),
    };
    const { hostname, port, path, protocol } = template.options;
    const driver = await remote({ hostname, port, path, protocol, logLevel: 'warn', capabilities });
    this.extraSessions.push(driver);
    const phone = new Phone(options.name ?? options.appProfile, driver, appPageFor(capabilities), booted.serial, lab.phone(booted.serial), this.observers);
    this.extraPhones.push(phone);
    return phone;
  }

  /** Every phone of this scenario (the session's and bootPhone()'s), for reports. */
  allPhones(): Phone[] {
    return [...this.phones.values(), ...this.extraPhones];
  }

  /** Names and serials of every phone, for the per-test funnel. */
  phoneRefs(): PhoneRef[] {
    return this.allPhones().map((p) => ({ name: p.name, serial: p.serial }));
  }

  /** Ends the sessions bootPhone() opened and shuts those phones down, so a long run does not pile them up. */
  async close(): Promise<void> {
    await Promise.allSettled(this.extraSessions.splice(0).map((d) => d.deleteSession()));
    const booted = this.extraPhones.splice(0);
    if (booted.length === 0) return;
    const { lab: labUrl } = readLabEnv();
    await Promise.allSettled(booted.map((phone) => RemotePhone.shutdown(labUrl, phone.serial)));
  }
}

export const openScenario = Scenario.open;
