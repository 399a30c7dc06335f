/** In-memory stand-ins for the device link and the IM client link, with the shapes the phone uses. */
import { EventEmitter } from 'node:events';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import type { DeliveredNotification } from '../../mock-oppo/device-link/protocol.ts';
import type { LinkMessage } from '../../harness/im/client-link/protocol.ts';
import { VirtualPhone } from '../../harness/phone/phone.ts';
import { loadAppProfile, loadDeviceProfile, type AppProfile } from '../../harness/phone/profiles.ts';
import { resolveSettings, type PhoneSettings } from '../../harness/phone/settings.ts';
import type { ImLink, PushFrame, PushLink } from '../../harness/phone/transports.ts';
import type { UiNode } from '../../harness/phone/api.ts';

export const PKG = 'com.tencent.qcloud.tim.demo';

class CodedError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class FakePushLink extends EventEmitter implements PushLink {
  connected = true;
  readonly acks: Array<{ messageId: string; registrationId: string; displayed: boolean; reason?: string }> = [];
  readonly uninstalled: string[] = [];
  registerCode = 0;
  private seq = 0;

  async register(o: { appKey: string; appSecret: string; packageName: string }): Promise<string> {
    if (this.registerCode !== 0) throw new CodedError(this.registerCode, 'register refused');
    return `CN_regid_${o.packageName.split('.').pop()}_${this.seq++}`;
  }
  async unregister(): Promise<void> {}
  async uninstall(packageName: string): Promise<void> {
    this.uninstalled.push(packageName);
  }
  ack(messageId: string, registrationId: string, outcome: { displayed: boolean; reason?: string }): void {
    this.acks.push({ messageId, registrationId, ...outcome });
  }
  async sync(): Promise<void> {}
  async close(): Promise<void> {
    this.connected = false;
    this.emit('close');
  }
  drop(): void {
    this.connected = false;
    this.emit('close');
  }
  /** The mock pushes a notification down the link. */
  deliver(frame: Partial<Omit<PushFrame, 'notification'>> & { notification?: Partial<DeliveredNotification> }): void {
    const notification: DeliveredNotification = {
      title: 'alice',
      content: 'hello',
      style: 1,
      clickActionType: 0,
      actionParameters: {},
      channelId: 'tuikit',
      notifyId: 1,
      networkType: 0,
      ...frame.notification,
    };
    this.emit('notification', {
      messageId: frame.messageId ?? `msg-${++this.seq}`,
      registrationId: frame.registrationId ?? 'CN_regid_demo_0',
      packageName: frame.packageName ?? PKG,
      verifyRegistrationId: frame.verifyRegistrationId ?? false,
      notification,
    } satisfies PushFrame);
  }
}

export class FakeImLink extends EventEmitter implements ImLink {
  connected = true;
  /** Every call in order, e.g. `login alice`, `token 7005 CN_regid_demo_0`, `background 0`. */
  readonly calls: string[] = [];
  loginCode = 0;
  tokenCode = 0;
  private loggedIn = false;

  async login(o: { userId: string; userSig: string }): Promise<void> {
    this.calls.push(`login ${o.userId}`);
    if (this.loginCode !== 0) throw new CodedError(this.loginCode, 'login refused');
    this.loggedIn = true;
  }
  async logout(): Promise<void> {
    this.calls.push('logout');
    this.loggedIn = false;
  }
  async setOfflinePushConfig(businessId: number, token: string): Promise<void> {
    this.calls.push(`token ${businessId} ${token}`);
    // The real server answers 21005 to a report before login.
    if (!this.loggedIn) throw new CodedError(21005, 'not logged in');
    if (this.tokenCode !== 0) throw new CodedError(this.tokenCode, 'token refused');
  }
  async doBackground(unreadCount = 0): Promise<void> {
    this.calls.push(`background ${unreadCount}`);
  }
  async doForeground(): Promise<void> {
    this.calls.push('foreground');
  }
  heartbeat(): void {
    this.calls.push('heartbeat');
  }
  async sync(): Promise<void> {}
  async close(): Promise<void> {
    this.calls.push('close');
    this.connected = false;
    this.emit('close');
  }
  drop(): void {
    this.calls.push('drop');
    this.connected = false;
    this.emit('close');
  }
  message(from: string, text: string): void {
    const m: LinkMessage = { msgKey: `${from}-${this.calls.length}`, msgTime: 0, msgSeq: 1, msgRandom: 1, from, to: 'me', body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] };
    this.emit('message', m);
  }
}

export interface Rig {
  phone: VirtualPhone;
  clock: VirtualClock;
  pushLinks: FakePushLink[];
  imLinks: FakeImLink[];
  /** The newest links. */
  push: FakePushLink;
  im: () => FakeImLink;
}

export async function bootPhone(o: { device?: string; apps?: Array<string | AppProfile>; settings?: Partial<PhoneSettings> } = {}): Promise<Rig> {
  const clock = new VirtualClock({ start: Date.UTC(2026, 10, 21, 16, 0, 0) });
  const pushLinks: FakePushLink[] = [];
  const imLinks: FakeImLink[] = [];
  const phone = await VirtualPhone.boot({
    serial: 'virtual-oppo-5554',
    clock,
    device: loadDeviceProfile(o.device ?? 'find-x5'),
    apps: (o.apps ?? ['tim-demo']).map((a) => loadAppProfile(a)),
    settings: resolveSettings(o.settings),
    pushTransport: async () => {
      const link = new FakePushLink();
      pushLinks.push(link);
      return link;
    },
    imTransport: async () => {
      const link = new FakeImLink();
      imLinks.push(link);
      return link;
    },
    signUserSig: (userId, sdkAppId) => `sig:${sdkAppId}:${userId}`,
  });
  return {
    phone,
    clock,
    pushLinks,
    imLinks,
    push: pushLinks[0]!,
    im: () => imLinks.at(-1)!,
  };
}

/** Depth-first search of the screen for a node (like an xpath `//*[...]`). */
export async function findNode(phone: VirtualPhone, match: (n: UiNode) => boolean) {
  const walk = (n: UiNode): UiNode | undefined =>
    match(n) ? n : n.children.map(walk).find((x) => x !== undefined);
  return walk(await phone.uiTree());
}

/** Logs in through the app's UI: launch, type the user id, tap Login. */
export async function loginThroughUi(phone: VirtualPhone, userId: string): Promise<void> {
  await phone.activateApp(PKG);
  const field = await findNode(phone, (n) => n.resourceId === `${PKG}:id/login_user`);
  if (!field) throw new Error('no login field on screen');
  await phone.setText(field.id, userId);
  const button = await findNode(phone, (n) => n.contentDesc === 'login');
  await phone.tap(button!.id);
}
