/**
 * The HeyTap push service (`com.heytap.mcs`): one device link per phone. It registers apps, hands
 * the regId to the app's onRegister, and for each arriving push decides — as the system service it
 * is, whether or not the app runs — to show it or to drop it with a reason, then acks.
 */
import { errorCode, type PushFrame, type PushLink, type PushTransport } from './transports.ts';
import { clickTarget } from './intent.ts';
import { HEYTAP_DEFAULT_CHANNEL, notificationKey, type DropReason, type NotificationManager } from './notifications.ts';
import { launcherActivity, type AppProfile } from './profiles.ts';
import type { PhoneSettings } from './settings.ts';
import type { Level } from './logcat.ts';

const TAG = 'HeytapPush';
/** onRegister code while the phone has no network [uncertain: the SDK's own code is unpublished]; retried on reconnect. */
export const REGISTER_NO_NETWORK = -1;

export interface PushServiceHost {
  readonly serial: string;
  readonly sdk: number;
  readonly settings: PhoneSettings;
  readonly notifications: NotificationManager;
  log(level: Level, tag: string, message: string): void;
  installedApp(pkg: string): { profile: AppProfile; uid: number } | undefined;
}

export type RegisterCallback = (code: number, regId: string | undefined) => void;

export class HeytapPushService {
  private link: PushLink | undefined;
  private readonly regIds = new Map<string, string>();
  /** Registrations asked for while offline, retried when the network comes back. */
  private readonly retry = new Map<string, RegisterCallback>();
  /** Packages uninstalled while offline: the platform is told when the link is back. */
  private readonly uninstalledOffline = new Set<string>();

  constructor(
    private readonly host: PushServiceHost,
    private readonly transport: PushTransport,
  ) {}

  get connected(): boolean {
    return this.link?.connected ?? false;
  }

  regId(pkg: string): string | undefined {
    return this.regIds.get(pkg);
  }

  async connect(): Promise<void> {
    const link = await this.transport({ deviceId: this.host.serial, region: this.host.settings.region });
    this.link = link;
    link.on('notification', (frame) => this.receive(link, frame));
    link.on('close', () => {
      if (this.link === link) this.link = undefined;
    });
    this.host.log('I', TAG, `connected deviceId=${this.host.serial}`);
    for (const pkg of [...this.uninstalledOffline]) {
      this.uninstalledOffline.delete(pkg);
      await this.tellUninstalled(link, pkg);
    }
    const pending = [...this.retry];
    this.retry.clear();
    for (const [pkg, cb] of pending) {
      const app = this.host.installedApp(pkg);
      if (app) await this.register(app.profile, cb);
    }
  }

  /** HeytapPushManager.register(context, appKey, appSecret, callback). */
  async register(app: AppProfile, onRegister: RegisterCallback): Promise<void> {
    const link = this.link;
    if (!link?.connected) {
      this.retry.set(app.packageName, onRegister);
      this.host.log('W', TAG, `register ${app.packageName}: no network, will retry`);
      onRegister(REGISTER_NO_NETWORK, undefined);
      return;
    }
    try {
      const regId = await link.register({ appKey: app.push.appKey, appSecret: app.push.appSecret, packageName: app.packageName });
      this.regIds.set(app.packageName, regId);
      this.host.log('I', TAG, `onRegister pkg=${app.packageName} code=0 regId=${regId}`);
      onRegister(0, regId);
    } catch (e) {
      const code = errorCode(e);
      this.host.log('E', TAG, `onRegister pkg=${app.packageName} code=${code} message=${(e as Error).message}`);
      onRegister(code, undefined);
    }
  }

  async unregister(pkg: string): Promise<void> {
    this.regIds.delete(pkg);
    if (this.link?.connected) await this.link.unregister(pkg);
  }

  /**
   * The package is gone: forget its regId and tell the platform, now or once the link is back
   * (OPPO invalidates the regId: 10001 on later sends, listed by the feedback call).
   */
  async uninstall(pkg: string): Promise<void> {
    if (!this.regIds.delete(pkg) && !this.retry.has(pkg)) return;
    this.retry.delete(pkg);
    // Reinstalled and registering again before the link came back: the new registration replaces it anyway.
    if (this.link?.connected) await this.tellUninstalled(this.link, pkg);
    else this.uninstalledOffline.add(pkg);
  }

  private async tellUninstalled(link: PushLink, pkg: string): Promise<void> {
    try {
      await link.uninstall(pkg);
      this.host.log('I', TAG, `uninstall pkg=${pkg}: registration invalidated`);
    } catch (e) {
      this.host.log('W', TAG, `uninstall pkg=${pkg} code=${errorCode(e)} message=${(e as Error).message}`);
    }
  }

  /** Network off: the link vanishes without a goodbye; the platform queues pushes meanwhile. */
  dropNetwork(): void {
    const link = this.link;
    this.link = undefined;
    link?.drop();
    this.host.log('W', TAG, 'connection lost');
  }

  async sync(): Promise<void> {
    if (this.link?.connected) await this.link.sync();
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  private drop(link: PushLink, frame: PushFrame, reason: DropReason, channelId?: string): void {
    const { messageId, registrationId, packageName } = frame;
    this.host.notifications.drop({ packageName, messageId, registrationId, title: frame.notification.title, reason, ...(channelId ? { channelId } : {}) });
    this.host.log('W', TAG, `drop messageId=${messageId} pkg=${packageName} reason=${reason}`);
    link.ack(messageId, registrationId, { displayed: false, reason });
  }

  private receive(link: PushLink, frame: PushFrame): void {
    const { messageId, registrationId, packageName, notification: n } = frame;
    this.host.log('I', TAG, `receive messageId=${messageId} pkg=${packageName} notifyId=${n.notifyId}`);
    this.host.notifications.note({ messageId, packageName, event: 'received', title: n.title, text: n.content });
    const app = this.host.installedApp(packageName);
    if (!app) return this.drop(link, frame, 'app_not_installed');
    if (frame.verifyRegistrationId && this.regIds.get(packageName) !== registrationId) return this.drop(link, frame, 'registration_id_mismatch');
    const nm = this.host.notifications;
    if (!nm.areNotificationsEnabled(packageName)) return this.drop(link, frame, 'notification_permission_off', n.channelId);
    let channelId = n.channelId ?? HEYTAP_DEFAULT_CHANNEL.id;
    if (this.host.sdk >= 26) {
      if (n.channelId && !nm.channel(packageName, n.channelId)) {
        if (this.host.settings.missingChannel === 'drop') return this.drop(link, frame, 'channel_missing', n.channelId);
        channelId = HEYTAP_DEFAULT_CHANNEL.id;
      }
      // No channel_id goes to OPPO's default channel [uncertain: oppo-push.md §7.4]; the push service
      // owns it, so it exists whether or not the app ever ran.
      if (channelId === HEYTAP_DEFAULT_CHANNEL.id) nm.createChannel(packageName, HEYTAP_DEFAULT_CHANNEL);
    }
    nm.post(
      {
        key: notificationKey(packageName, n.notifyId, null, app.uid),
        packageName,
        id: n.notifyId,
        tag: null,
        uid: app.uid,
        channelId,
        title: n.title,
        text: n.content,
        ...(n.subTitle ? { subText: n.subTitle } : {}),
        ...(n.style === 2 ? { bigText: n.content } : {}),
        extras: { ...n.actionParameters },
        click: clickTarget(packageName, n, launcherActivity(app.profile)?.name, this.host.settings.launcherClickExtras),
        messageId,
      },
      n.showTtl,
    );
    this.host.log('I', TAG, `show messageId=${messageId} pkg=${packageName} channel=${channelId}`);
    link.ack(messageId, registrationId, { displayed: true });
  }
}
