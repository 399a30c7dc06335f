/**
 * The lab's side of real (or emulated) Android devices reached over adb — the `emulator` and
 * `device` profiles: the adb delivery agent bound at mock-oppo for each device and app (so a push to
 * that regId is posted on the device), and the model of each app's IM session (harness/device/
 * modelled-app.ts), which the page objects drive through the lab API and which reports the agent's
 * regId as its push token. Nothing here reaches a phone except through adb.
 */
import type { VirtualClock } from '../../mock-oppo/core/clock.ts';
import type { ChannelBinding } from '../../mock-oppo/core/channel.ts';
import type { MockOppo } from '../../mock-oppo/index.ts';
import { connectAdb, type AdbClient, type AdbServerAddress } from '../device/adb-client.ts';
import { AdbDeliveryAgent, type AgentDelivery, type AgentOptions } from '../device/delivery-agent.ts';
import { ModelledApp, type AppEvent, type ModelledAppState } from '../device/modelled-app.ts';
import { ImClientLink } from '../im/client-link/client.ts';
import { genUserSig } from '../im/usersig.ts';
import { loadAppProfile, type AppProfile } from '../phone/profiles.ts';
import { resolveSettings } from '../phone/settings.ts';

export interface LabDevicesOptions {
  /** The adb server the devices are attached to. */
  adb: AdbServerAddress;
  agent?: Omit<AgentOptions, 'now'>;
}

export interface LabDevicesInfo {
  adb: AdbServerAddress;
  apps: ModelledAppState[];
}

export class UnknownAppError extends Error {
  override name = 'UnknownAppError';
}

const keyOf = (serial: string, packageName: string) => `${serial}\u0000${packageName}`;

export class LabDevices {
  readonly client: AdbClient;
  readonly agent: AdbDeliveryAgent;
  private readonly apps = new Map<string, ModelledApp>();
  private readonly bindings = new Map<string, ChannelBinding>();
  private readonly profiles = new Map<string, AppProfile>();

  constructor(
    readonly options: LabDevicesOptions,
    private readonly deps: { clock: VirtualClock; mock: MockOppo; imUrl: string; imApp: { sdkAppId: number; secretKey: string } },
  ) {
    this.client = connectAdb(options.adb);
    this.agent = new AdbDeliveryAgent(this.client, { ...options.agent, now: () => deps.clock.now() });
  }

  /**
   * The modelled app (`appProfile`: a fixtures/apps profile id naming its package, OPPO AppKey and IM
   * certificate; needed the first time a device's app is named).
   */
  app(serial: string, packageName: string, appProfile?: string): ModelledApp {
    const key = keyOf(serial, packageName);
    const known = this.apps.get(key);
    if (known) return known;
    if (!appProfile) throw new UnknownAppError(`no app ${packageName} on ${serial} yet: name its app profile ("appProfile") the first time`);
    const profile = loadAppProfile(appProfile);
    if (profile.packageName !== packageName) throw new UnknownAppError(`app profile '${appProfile}' is ${profile.packageName}, not ${packageName}`);
    const { clock, imUrl, imApp } = this.deps;
    const app = new ModelledApp({
      serial,
      packageName,
      certificateId: profile.behaviour.reportedCertificateId ?? profile.im.certificateId,
      sdkAppId: profile.im.sdkAppId,
      sdkVersion: profile.im.sdkVersion,
      clock,
      settings: resolveSettings(),
      transport: () => ImClientLink.connect(imUrl),
      // The demo's GenerateTestUserSig: the lab holds the IM app's key, signed on the lab's clock.
      sign: (userId, sdkAppId) => genUserSig({ sdkAppId, secretKey: imApp.secretKey, userId, now: clock.now() }),
      regId: async () => this.bind(serial, profile).regId,
      callsDoBackground: profile.behaviour.callsDoBackground,
    });
    this.apps.set(key, app);
    this.profiles.set(key, profile);
    return app;
  }

  /** What the page objects did to the app; the model's SDK reacts as the real one would. */
  event(serial: string, packageName: string, event: AppEvent, options: { userId?: string; appProfile?: string } = {}): Promise<ModelledAppState> {
    const app = this.app(serial, packageName, options.appProfile);
    if (event === 'uninstalled') this.unbind(serial, packageName, 'uninstalled');
    return app.handle(event, options.userId);
  }

  state(serial: string, packageName: string): ModelledAppState | undefined {
    return this.apps.get(keyOf(serial, packageName))?.state();
  }

  deliveries(serial?: string): AgentDelivery[] {
    return this.agent.deliveries(serial ? { serial } : {});
  }

  info(): LabDevicesInfo {
    return { adb: this.options.adb, apps: [...this.apps.values()].map((a) => a.state()) };
  }

  /**
   * The lab's reset: every modelled app back to a fresh install's state (the IM server forgets its
   * sessions right after) and the agent's record emptied. Bindings stay, as OPPO keeps a device's
   * registration: the regIds do not change.
   */
  async reset(): Promise<void> {
    await Promise.all([...this.apps.values()].map((a) => a.reset()));
    this.agent.forget();
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.apps.values()].map((a) => a.reset()));
    for (const binding of this.bindings.values()) binding.unbind();
    this.bindings.clear();
    this.apps.clear();
  }

  /** The agent's channel for the device and app at mock-oppo; the regId stays across calls. */
  private bind(serial: string, profile: AppProfile): ChannelBinding {
    const key = keyOf(serial, profile.packageName);
    let binding = this.bindings.get(key);
    if (binding) return binding;
    const channel = this.agent.channel(serial);
    binding = this.deps.mock.platform.bindChannel(
      { appKey: profile.push.appKey, deviceId: serial, packageName: profile.packageName },
      // A full reset of mock-oppo forgets registrations and closes links: bind afresh next time.
      { deliver: channel.deliver, closed: () => this.bindings.delete(key) },
    );
    this.bindings.set(key, binding);
    return binding;
  }

  /** Uninstalled: the app's registration dies at OPPO (as the push service reports an uninstall); a reinstall gets a new regId. */
  private unbind(serial: string, packageName: string, how: 'uninstalled'): void {
    const key = keyOf(serial, packageName);
    const binding = this.bindings.get(key);
    if (!binding) return;
    this.bindings.delete(key);
    binding.unbind();
    this.deps.mock.platform.invalidateRegId(binding.regId, how);
  }
}
