/**
 * The IM side of a real app on an emulator or a USB phone, as the lab models it. A real app's
 * Tencent IM SDK talks to Tencent, not to the lab's fake IM, so on the `emulator` and `device`
 * profiles the lab holds the device's IM session itself: the spec's page objects drive the app's UI
 * on the phone and tell the lab what they did (log in, log out, start or bring to front, HOME, kill,
 * uninstall), and the lab's model of the app's SDK does what the real SDK does at that moment — the
 * same `ImSdk` the virtual phones run (harness/phone/im-sdk.ts), over a real client link to the
 * lab's IM server, with the device's adb serial as its device id and, as its push token, the regId
 * the adb delivery agent's binding got from mock-oppo. So the IM decision runs unchanged.
 *
 * What is modelled and not seen: whether the real app really logged in (the model trusts the page
 * object), its online messages (they reach the model, not the app's screen), and its SDK's own
 * quirks beyond those of the demo app's profile (token reported after login, doBackground on HOME,
 * the saved login restored when the process starts again).
 */
import type { Clock } from '../../mock-oppo/core/clock.ts';
import type { LinkMessage } from '../im/client-link/protocol.ts';
import { ImSdk } from '../phone/im-sdk.ts';
import type { PhoneSettings } from '../phone/settings.ts';
import { textOf } from '../phone/ui/screens.ts';
import type { ImTransport, UserSigSigner } from '../phone/transports.ts';

/** What the page objects tell the lab they did to the app. */
export const APP_EVENTS = ['login', 'logout', 'foreground', 'background', 'stopped', 'uninstalled'] as const;
export type AppEvent = (typeof APP_EVENTS)[number];

export interface ModelledAppOptions {
  serial: string;
  packageName: string;
  /** The IM console certificate the app reports its token under (V2TIMOfflinePushConfig businessID). */
  certificateId: number;
  sdkAppId: number;
  sdkVersion: string;
  clock: Clock;
  settings: PhoneSettings;
  transport: ImTransport;
  sign: UserSigSigner;
  /** The regId the app's token report carries: the agent binding's (minted on first use). */
  regId(): Promise<string>;
  /** The demo logs in again by itself with the saved user when its process starts (default true). */
  restoresLogin?: boolean;
  /** TUIKit's lifecycle observer calls doBackground/doForeground (default true). */
  callsDoBackground?: boolean;
}

export interface ModelledAppState {
  serial: string;
  packageName: string;
  running: boolean;
  visible: boolean;
  /** Who the model's SDK is logged in as. */
  user: string | null;
  /** Who the app would log in again when it starts. */
  savedUser: string | null;
  regId: string | null;
  /** Online messages the model's SDK received, oldest first. */
  received: Array<{ msgKey: string; from: string; text: string }>;
  /** The SDK's log, newest last (what the real SDK would log to logcat). */
  log: string[];
}

const LOG_LIMIT = 200;

export class ModelledApp {
  private im: ImSdk | undefined;
  private visible = false;
  private savedUser: string | undefined;
  private regIdSeen: string | undefined;
  private readonly received: ModelledAppState['received'] = [];
  private readonly log: string[] = [];
  /** Events run one after another, as the page objects sent them. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ModelledAppOptions) {}

  /** Runs what the app's SDK does after `event`; resolves with the model's state. */
  handle(event: AppEvent, userId?: string): Promise<ModelledAppState> {
    const run = this.tail.then(() => this.apply(event, userId));
    this.tail = run.catch(() => undefined);
    return run;
  }

  state(): ModelledAppState {
    return {
      serial: this.options.serial,
      packageName: this.options.packageName,
      running: this.im !== undefined,
      visible: this.visible,
      user: this.im?.user ?? null,
      savedUser: this.savedUser ?? null,
      regId: this.regIdSeen ?? null,
      received: [...this.received],
      log: [...this.log],
    };
  }

  /** Back to a fresh install's state (the lab's reset): the process gone, no saved login, nothing received. */
  async reset(): Promise<void> {
    await this.tail;
    await this.stop();
    this.savedUser = undefined;
    this.received.length = 0;
    this.log.length = 0;
  }

  private async apply(event: AppEvent, userId: string | undefined): Promise<ModelledAppState> {
    switch (event) {
      case 'login': {
        if (!userId) throw new RangeError('a login needs the userId');
        await this.start();
        await this.show(true);
        // The page object logs out whoever the app shows first, then logs in.
        if (this.im!.user !== undefined) await this.logout();
        const result = await this.im!.login(userId);
        if (result.code !== 0) throw new Error(`the model's IM login as ${userId} failed: code ${result.code} ${result.message}`);
        this.savedUser = userId;
        await this.reportToken();
        break;
      }
      case 'logout':
        if (this.im) await this.logout();
        else this.savedUser = undefined;
        break;
      case 'foreground':
        await this.start();
        await this.show(true);
        break;
      case 'background':
        if (this.im) await this.show(false);
        break;
      case 'stopped':
        await this.stop();
        break;
      case 'uninstalled':
        await this.stop();
        this.savedUser = undefined;
        break;
    }
    return this.state();
  }

  /** Application.onCreate: the SDK connects and, like the demo, logs the saved user in again. */
  private async start(): Promise<void> {
    if (this.im) return;
    const o = this.options;
    const im = new ImSdk({
      clock: o.clock,
      settings: o.settings,
      deviceId: o.serial,
      sdkVersion: o.sdkVersion,
      sdkAppId: o.sdkAppId,
      transport: o.transport,
      sign: o.sign,
      networkOn: () => true,
      logoutNotDelivered: () => undefined,
      log: (level, message) => this.note(`${level} ${message}`),
      onMessage: (m) => this.receive(m),
      onKicked: () => {
        this.savedUser = undefined;
      },
    });
    this.im = im;
    this.visible = false;
    await im.connect();
    if (this.savedUser !== undefined && (o.restoresLogin ?? true)) {
      const result = await im.login(this.savedUser);
      if (result.code === 0) await this.reportToken();
    }
  }

  private async stop(): Promise<void> {
    const im = this.im;
    this.im = undefined;
    this.visible = false;
    await im?.terminate();
  }

  private async logout(): Promise<void> {
    this.savedUser = undefined;
    await this.im?.logout();
  }

  private async show(visible: boolean): Promise<void> {
    if (this.visible === visible) return;
    this.visible = visible;
    if (!this.im?.user || !(this.options.callsDoBackground ?? true)) return;
    if (visible) await this.im.doForeground();
    else await this.im.doBackground(0);
  }

  private async reportToken(): Promise<void> {
    const regId = await this.options.regId();
    this.regIdSeen = regId;
    await this.im?.setOfflinePushConfig(this.options.certificateId, regId);
  }

  private receive(m: LinkMessage): void {
    this.received.push({ msgKey: m.msgKey, from: m.from, text: textOf(m) });
    this.note(`I onRecvNewMessage msgKey=${m.msgKey} from=${m.from}`);
  }

  private note(line: string): void {
    this.log.push(line);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }
}
