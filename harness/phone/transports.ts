/**
 * The two sockets a phone keeps open, as small interfaces: the lab passes factories over the real
 * clients (`mock-oppo/device-link/client.ts`, `harness/im/client-link/client.ts`), unit tests pass
 * in-memory fakes of the same shape, so the phone model never sees a WebSocket.
 */
import type { MockToPhone } from '../../mock-oppo/device-link/protocol.ts';
import type { LinkMessage } from '../im/client-link/protocol.ts';

/** The `notification` frame as the device link client emits it. */
export type PushFrame = Pick<
  Extract<MockToPhone, { op: 'notification' }>,
  'messageId' | 'registrationId' | 'packageName' | 'verifyRegistrationId' | 'notification'
>;

/** Rejections carry the service's numeric code (DeviceLinkError / ImLinkError). */
export function errorCode(error: unknown, fallback = -1): number {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : fallback;
}

export interface PushLink {
  register(o: { appKey: string; appSecret: string; packageName: string }): Promise<string>;
  unregister(packageName: string): Promise<void>;
  uninstall(packageName: string): Promise<void>;
  ack(messageId: string, registrationId: string, outcome: { displayed: boolean; reason?: string }): void;
  sync(): Promise<void>;
  readonly connected: boolean;
  close(): Promise<void>;
  /** Vanishes without a close handshake (network gone). */
  drop(): void;
  on(event: 'notification', listener: (frame: PushFrame) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export type PushTransport = (opts: { deviceId: string; region?: 'CN' | 'INTL' }) => Promise<PushLink>;

export interface ImLink {
  login(o: { userId: string; userSig: string; platform?: 'Android'; deviceId: string; sdkVersion?: string }): Promise<void>;
  /** Without arguments the link's own login; with them an earlier login of this device (a logout made offline). */
  logout(earlier?: { userId: string; userSig: string; deviceId: string }): Promise<void>;
  setOfflinePushConfig(businessId: number, token: string): Promise<void>;
  doBackground(unreadCount?: number): Promise<void>;
  doForeground(): Promise<void>;
  heartbeat(): void;
  /** A keep-alive lease where the wire allows it (in-process); false (or absent): beat with heartbeat(). */
  keepAlive?(everyMs: number): boolean;
  sync(): Promise<void>;
  readonly connected: boolean;
  close(): Promise<void>;
  drop(): void;
  on(event: 'message', listener: (message: LinkMessage) => void): unknown;
  on(event: 'kicked', listener: (reason: string) => void): unknown;
  on(event: 'userSigExpired', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export type ImTransport = () => Promise<ImLink>;

/** Signs a UserSig locally, like the demo's debug GenerateTestUserSig (the lab holds the secret key). */
export type UserSigSigner = (userId: string, sdkAppId: number) => string;
