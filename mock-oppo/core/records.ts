/** The platform's records: messages with per-target states, registrations, and what rules take and give. */
import type { MockToPhone } from '../device-link/protocol.ts';
import type { DeadlineHandle } from './deadlines.ts';
import type { NotificationSpec } from './notification.ts';
import type { Reason } from './reasons.ts';
import type { Region } from './region.ts';

export const TARGET_STATES = ['accepted', 'queued', 'delivered', 'acked', 'expired', 'dropped', 'rejected'] as const;
export type TargetState = (typeof TARGET_STATES)[number];
export type Classification = 'public' | 'private';

/** One state of a target, with the vocabulary's reason (mock-oppo/core/reasons.ts) and what only this case knows. */
export interface StateChange {
  at: number;
  state: TargetState;
  reason?: Reason;
  /** e.g. the newer messageId for `replaced`, OPPO's text for `oppo_rejected`. */
  detail?: string;
  code?: number;
}

export interface TargetRecord {
  /** 1 all, 2 regId, 5 alias, 6 tag expression: how this target was addressed. */
  targetType: 1 | 2 | 5 | 6;
  targetValue: string;
  registrationId?: string;
  /** The registration it was resolved to (internal; not in views). */
  registration?: Registration;
  state: TargetState;
  reason?: Reason;
  detail?: string;
  code?: number;
  /** From the phone's ack: whether the notification manager showed it. */
  displayed?: boolean;
  history: StateChange[];
  notifyId: number;
  message: MessageRecord;
  deadline?: DeadlineHandle;
}

export interface MessageRecord {
  messageId: string;
  /** Unicast: the message id again (receipts use it as taskId); broadcast: the task id. */
  taskId: string;
  appId: string;
  region: Region;
  kind: 'unicast' | 'broadcast';
  appMessageId?: string;
  classification: Classification;
  createdAt: number;
  spec: NotificationSpec;
  verifyRegistrationId: boolean;
  targets: TargetRecord[];
  /** Broadcast: refused targets by code, as in the reply. */
  invalidTargets?: Record<string, string[]>;
  evicted?: boolean;
}

export type RegistrationState = 'active' | 'unregistered' | 'uninstalled';

export interface Registration {
  regId: string;
  appId: string;
  deviceId: string;
  packageName: string;
  region: Region;
  state: RegistrationState;
  createdAt: number;
  invalidatedAt?: number;
  alias?: string;
  tags: Set<string>;
  /** Targets waiting for the device (offline, or before their show window); finished ones are compacted away lazily. */
  queue: TargetRecord[];
  /** How many entries of `queue` are still queued. */
  queuedCount: number;
  /** Queued targets by notify_id, for replacement without scanning the queue. */
  queuedByNotifyId: Map<number, TargetRecord>;
}

/** What the rules need from a phone's connection: a way to hand it a frame. */
export interface DeviceSink {
  send(frame: MockToPhone): void;
  close(reason: string): void;
}

/** A notification saved for broadcast (save_message_content). */
export interface SavedContent {
  messageId: string;
  appId: string;
  region: Region;
  spec: NotificationSpec;
  classification: Classification;
  createdAt: number;
}

export interface UnicastInput {
  targetType: number;
  targetValue: string;
  spec: NotificationSpec;
  verifyRegistrationId: boolean;
}

export interface BatchItemResult {
  messageId?: string;
  registrationId: string;
  errorCode?: number;
  errorMessage?: string;
}

export interface BroadcastResult {
  messageId: string;
  taskId: string;
  invalid: Record<string, string[]>;
}
