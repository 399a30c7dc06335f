/**
 * VirtualOppoDriver: a thin protocol adapter from Appium to one phone in a lab, as UiAutomator2 is
 * to a device. It keeps no phone state of its own beyond the session's element ids: every command
 * reads the phone (in-process or over the lab's HTTP API) through PhoneApi.
 */
import { BaseDriver, errors } from 'appium/driver.js';
import type { DefaultCreateSessionResult, DriverCaps, Element, InitialOpts, StringRecord, W3CDriverCaps } from '@appium/types';
import type { PhoneApi, UiNode } from '../../phone/api.ts';
import { desiredCapConstraints } from './desired-caps.ts';
import type { VirtualOppoConstraints } from './desired-caps.ts';
import { executeMethodMap } from './command-maps/execute-method-map.ts';
import { inProcessLab, messageOf, remoteLab } from './lab.ts';
import { labTokenFromEnv } from '../../lab/access.ts';
import type { LabHandle } from './lab.ts';
import { ElementRefs } from '../../phone/ui/elements.ts';
import { asProtocolError } from './phone-errors.ts';
import * as app from './commands/app.ts';
import * as device from './commands/device.ts';
import * as element from './commands/element.ts';
import * as find from './commands/find.ts';
import * as input from './commands/input.ts';
import * as log from './commands/log.ts';

type Caps = DriverCaps<VirtualOppoConstraints>;

export class VirtualOppoDriver extends BaseDriver<VirtualOppoConstraints> {
  static executeMethodMap = executeMethodMap;
  readonly desiredCapConstraints = desiredCapConstraints;
  override supportedLogTypes = log.supportedLogTypes;

  /** The app under test (`appPackage`, or the package of `appProfile`). */
  appPackage: string | undefined;
  /** Next logcat index `getLog('logcat')` has not returned yet. */
  logcatCursor = 0;
  private lab: LabHandle | undefined;
  private attached: PhoneApi | undefined;
  private appStarted = false;
  private readonly elements = new ElementRefs();

  constructor(opts: InitialOpts = {} as InitialOpts, shouldValidateCaps = true) {
    super(opts, shouldValidateCaps);
    this.locatorStrategies = [...find.LOCATOR_STRATEGIES];
  }

  get phone(): PhoneApi {
    if (!this.attached) throw new errors.NoSuchDriverError('this session has no phone attached');
    return this.attached;
  }

  override async createSession(w3cCaps: W3CDriverCaps<VirtualOppoConstraints>): Promise<DefaultCreateSessionResult<VirtualOppoConstraints>> {
    const [sessionId, caps] = (await super.createSession(w3cCaps)) as [string, Caps];
    try {
      const extra = await this.setUp(caps);
      // The lab token is a secret: the session's answer does not repeat it.
      const { labToken: _secret, ...shown } = caps;
      return [sessionId, { ...shown, ...extra } as Caps];
    } catch (err) {
      await this.deleteSession(sessionId);
      throw err instanceof errors.SessionNotCreatedError ? err : new errors.SessionNotCreatedError(messageOf(err));
    }
  }

  private async setUp(caps: Caps): Promise<StringRecord> {
    this.lab = caps.labUrl ? remoteLab(caps.labUrl, { token: caps.labToken ?? labTokenFromEnv() }) : await inProcessLab();
    let serial = caps.udid;
    if (serial) {
      if (caps.deviceProfile || caps.appProfile) this.log.warn(`attaching to '${serial}' as it is: deviceProfile/appProfile only apply to a freshly booted phone`);
    } else {
      serial = await this.lab.boot({
        ...(caps.deviceProfile && { deviceProfile: caps.deviceProfile }),
        ...(caps.appProfile && { appProfiles: [caps.appProfile] }),
      });
      this.log.info(`booted phone '${serial}' in ${this.lab.description}`);
    }
    this.attached = await this.lab.attach(serial);
    const size = await this.attached.windowSize();
    this.logcatCursor = 0;
    this.appPackage = caps.appPackage ?? (caps.appProfile ? await packageOfProfile(caps.appProfile) : undefined);
    if (this.appPackage && caps.autoLaunch !== false) await this.launchApp(this.appPackage, caps);
    const info = await this.attached.deviceInfo();
    return {
      udid: serial,
      deviceUDID: serial,
      deviceName: info.model,
      deviceManufacturer: info.manufacturer,
      deviceModel: info.model,
      deviceApiLevel: Number(info.apiVersion),
      platformVersion: info.platformVersion,
      deviceScreenSize: `${size.width}x${size.height}`,
      ...(this.appPackage && { appPackage: this.appPackage }),
    };
  }

  private async launchApp(pkg: string, caps: Caps): Promise<void> {
    const phone = this.phone;
    if (!(await phone.isAppInstalled(pkg))) throw new errors.SessionNotCreatedError(`the app '${pkg}' is not installed on '${phone.serial}'`);
    if (!caps.noReset && !caps.dontStopAppOnReset) await phone.terminateApp(pkg);
    if (caps.appActivity) {
      const component = `${pkg}/${caps.appActivity}`;
      const output = await phone.startActivity({ component, wait: true });
      if (/^Error:/m.test(output)) throw new errors.SessionNotCreatedError(`cannot start ${component}: ${output.trim()}`);
    } else {
      await phone.activateApp(pkg);
    }
    this.appStarted = true;
  }

  override async deleteSession(sessionId?: string | null): Promise<void> {
    const caps = this.caps as Caps | undefined;
    try {
      if (this.appStarted && this.appPackage && caps && !caps.noReset && !caps.dontStopAppOnReset) await this.phone.terminateApp(this.appPackage);
    } catch (err) {
      this.log.warn(`could not stop '${this.appPackage}' at session end: ${messageOf(err)}`);
    }
    try {
      await this.lab?.release();
    } catch (err) {
      this.log.warn(`could not release ${this.lab?.description}: ${messageOf(err)}`);
    }
    this.lab = undefined;
    this.attached = undefined;
    this.appStarted = false;
    this.elements.clear();
    await super.deleteSession(sessionId);
  }

  /** BaseDriver re-arms the idle timer even after a failed createSession, which would hold a 60 s timer for no session. */
  override async startNewCommandTimeout(): Promise<void> {
    if (this.sessionId) await super.startNewCommandTimeout();
  }

  /** The screen size in the phone's current orientation (rotation swaps it, so it is read each time). */
  async screenSize(): Promise<{ width: number; height: number }> {
    return await this.phone.windowSize();
  }

  /** The session's element reference for a screen node (the same node keeps the same id). */
  elementFor(node: UiNode): Element {
    return find.elementReference(this.elements.idFor(node));
  }

  /** The node behind an element id on `screen`, or the WebDriver error saying why there is none. */
  liveNode(screen: UiNode, elementId: string): { node: UiNode; index: number } {
    try {
      return this.elements.resolve(screen, elementId);
    } catch (err) {
      throw asProtocolError(err);
    }
  }

  async execute(script: string, args: unknown[]): Promise<unknown> {
    return await this.executeMethod(script, args as [StringRecord]);
  }

  override async findElOrEls(strategy: string, selector: string, mult: boolean, context?: string): Promise<any> {
    return await find.findElOrEls.call(this, strategy, selector, mult, context);
  }

  override async getPageSource(): Promise<string> {
    return await find.getPageSource.call(this);
  }

  readLogcat = log.readLogcat;

  click = element.click;
  getText = element.getText;
  getName = element.getName;
  getAttribute = element.getAttribute;
  elementDisplayed = element.elementDisplayed;
  elementEnabled = element.elementEnabled;
  elementSelected = element.elementSelected;
  getElementRect = element.getElementRect;
  setValue = element.setValue;
  clear = element.clear;

  queryAppState = app.queryAppState;
  activateApp = app.activateApp;
  terminateApp = app.terminateApp;
  mobileTerminateApp = app.mobileTerminateApp;
  isAppInstalled = app.isAppInstalled;
  installApp = app.installApp;
  mobileInstallApp = app.mobileInstallApp;
  removeApp = app.removeApp;
  mobileRemoveApp = app.mobileRemoveApp;
  mobileIsAppInstalled = app.mobileIsAppInstalled;
  mobileBackgroundApp = app.mobileBackgroundApp;
  mobileStartActivity = app.mobileStartActivity;
  getCurrentActivity = app.getCurrentActivity;
  getCurrentPackage = app.getCurrentPackage;

  openNotifications = device.openNotifications;
  mobileGetNotifications = device.mobileGetNotifications;
  mobilePerformStatusBarCommand = device.mobilePerformStatusBarCommand;
  mobilePressKey = device.mobilePressKey;
  mobileShell = device.mobileShell;
  mobileGetDeviceInfo = device.mobileGetDeviceInfo;
  getScreenshot = device.getScreenshot;
  getWindowRect = device.getWindowRect;

  performActions = input.performActions;
  releaseActions = input.releaseActions;
  back = input.back;
  getOrientation = input.getOrientation;
  setOrientation = input.setOrientation;
  getContexts = input.getContexts;
  getCurrentContext = input.getCurrentContext;
  setContext = input.setContext;
}

/** The package an app profile installs; loaded on demand so the driver needs the fixtures only then. */
async function packageOfProfile(profile: string): Promise<string> {
  const { loadAppProfile } = await import('../../phone/profiles.ts');
  return loadAppProfile(profile).packageName;
}
