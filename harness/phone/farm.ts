/**
 * Where virtual phones live: in the lab process, like emulators on a host, each with a serial
 * (`virtual-oppo-5554`, `-5556`, ...), outliving any one Appium session. The lab hands the farm its
 * clock, the mock-oppo and IM URLs and the IM app's credentials; the farm wires each phone's push
 * service and IM SDK to the real link clients (or to the transports a test injects).
 */
import type { Clock } from '../../mock-oppo/core/clock.ts';
import { DeviceLinkClient } from '../../mock-oppo/device-link/client.ts';
import { ImClientLink } from '../im/client-link/client.ts';
import { genUserSig } from '../im/usersig.ts';
import { VirtualPhone, type LabObserver } from './phone.ts';
import {
  DEFAULT_APP_PROFILE,
  DEFAULT_DEVICE_PROFILE,
  loadAppProfile,
  loadDeviceProfile,
  type AppProfile,
  type DeviceProfile,
} from './profiles.ts';
import { atResourceLimit, fileUse } from './resource-limits.ts';
import { resolveSettings, type PhoneSettings } from './settings.ts';
import type { ImTransport, PushTransport, UserSigSigner } from './transports.ts';

export interface PhoneFarmOptions {
  clock: Clock;
  /** Base URL of mock-oppo (its device link lives there). */
  oppoUrl: string;
  /** Base URL of the fake IM server (its client link lives there). */
  imUrl: string;
  /** The IM app whose secret key signs UserSigs on the phones (the demo's GenerateTestUserSig). */
  im: { sdkAppId: number; secretKey: string };
  /** Settings every phone starts with, before a boot's own overrides. */
  settings?: Partial<PhoneSettings>;
  /** [lab-only] Told what phones do that no link carries (see LabObserver). */
  observer?: LabObserver;
  /** How phones reach the servers; default: the real device-link and client-link clients over WebSockets. */
  pushTransport?: PushTransport;
  imTransport?: ImTransport;
  /**
   * A barrier covering every link the transports open (an in-process network's settle()): then
   * syncAll() waits on it once instead of a sync round trip per phone and link.
   */
  settleLinks?: () => Promise<void>;
}

export interface FarmBootOptions {
  serial?: string;
  /** A profile id from `fixtures/devices/` or a profile object (default `find-x5`). */
  deviceProfile?: string | DeviceProfile;
  /** Profile ids from `fixtures/apps/` or profile objects, validated — a variant may `extends` a fixture (default `[tim-demo]`). */
  appProfiles?: Array<string | AppProfile | Record<string, unknown>>;
  settings?: Partial<PhoneSettings>;
}

const FIRST_PORT = 5554;

export class PhoneFarm {
  private readonly phones = new Map<string, VirtualPhone>();
  private readonly booting = new Set<string>();
  private readonly watchers = new Set<() => void>();
  private nextPort = FIRST_PORT;
  private readonly pushTransport: PushTransport;
  private readonly imTransport: ImTransport;
  private readonly sign: UserSigSigner;

  constructor(private readonly options: PhoneFarmOptions) {
    const pushTransport: PushTransport = options.pushTransport ?? ((opts) => DeviceLinkClient.connect(options.oppoUrl, opts));
    const imTransport: ImTransport = options.imTransport ?? (() => ImClientLink.connect(options.imUrl));
    // A link refused at the process's open-file limit says so (instead of a bare "socket hang up");
    // the limit is read now, while a descriptor is still free to read it with.
    fileUse();
    this.pushTransport = (opts) => pushTransport(opts).catch((error: unknown) => Promise.reject(atResourceLimit(error, `the push link of ${opts.deviceId}`)));
    this.imTransport = () => imTransport().catch((error: unknown) => Promise.reject(atResourceLimit(error, 'an IM client link')));
    // Signed at the lab's virtual time, so the IM server (on the same clock) sees a fresh ticket.
    this.sign = (userId, sdkAppId) => genUserSig({ sdkAppId, secretKey: options.im.secretKey, userId, now: options.clock.now() });
    resolveSettings(options.settings);
  }

  /** Boots a phone; rejects with a clear message for an unknown profile or a serial in use. */
  async boot(options: FarmBootOptions = {}): Promise<VirtualPhone> {
    const device = loadDeviceProfile(options.deviceProfile ?? DEFAULT_DEVICE_PROFILE);
    const apps = (options.appProfiles ?? [DEFAULT_APP_PROFILE]).map((p) => loadAppProfile(p));
    const settings = resolveSettings({ ...this.options.settings, ...options.settings });
    const serial = options.serial ?? this.nextSerial();
    if (this.phones.has(serial) || this.booting.has(serial)) throw new Error(`a phone with serial '${serial}' is already in the lab`);
    this.booting.add(serial);
    try {
      const phone = await VirtualPhone.boot({
        serial,
        clock: this.options.clock,
        device,
        apps,
        settings,
        pushTransport: this.pushTransport,
        imTransport: this.imTransport,
        signUserSig: this.sign,
        ...(this.options.observer ? { observer: this.options.observer } : {}),
      });
      this.phones.set(serial, phone);
      this.changed();
      return phone;
    } finally {
      this.booting.delete(serial);
    }
  }

  get(serial: string): VirtualPhone | undefined {
    return this.phones.get(serial);
  }

  list(): VirtualPhone[] {
    return [...this.phones.values()];
  }

  /** A barrier for the lab's clock stepping: every phone's links have settled. */
  async syncAll(): Promise<void> {
    const settle = this.options.settleLinks;
    if (!settle) {
      await Promise.all(this.list().map((p) => p.sync()));
      return;
    }
    // Links settle as one network; then only phones with callback work running need waiting for,
    // and their work may send frames again, so round again until both are quiet.
    for (;;) {
      await settle();
      const busy = this.list().filter((p) => p.busy);
      if (busy.length === 0) return;
      await Promise.all(busy.map((p) => p.idle()));
    }
  }

  /** Every phone back to its state after boot (VirtualPhone.reset), all at once. */
  async resetAll(): Promise<void> {
    await Promise.all(this.list().map((p) => p.reset()));
  }

  async shutdown(serial: string): Promise<boolean> {
    const phone = this.phones.get(serial);
    if (!phone) return false;
    this.phones.delete(serial);
    this.changed();
    await phone.shutdown();
    return true;
  }

  async shutdownAll(): Promise<void> {
    const phones = this.list();
    this.phones.clear();
    if (phones.length > 0) this.changed();
    await Promise.allSettled(phones.map((p) => p.shutdown()));
  }

  /** Calls `listener` whenever a phone joins or leaves (what `adb track-devices` reports); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private changed(): void {
    for (const watcher of [...this.watchers]) watcher();
  }

  private nextSerial(): string {
    let serial: string;
    do {
      serial = `virtual-oppo-${this.nextPort}`;
      this.nextPort += 2;
    } while (this.phones.has(serial) || this.booting.has(serial));
    return serial;
  }
}
