/** JSON views of the records for the control API (no internal references, no cycles). */
import type { Classification, MessageRecord, Registration, RegistrationState, StateChange, TargetState } from './records.ts';
import type { NotificationSpec } from './notification.ts';
import type { Region } from './region.ts';

export interface TargetView {
  targetType: 1 | 2 | 5 | 6;
  targetValue: string;
  registrationId?: string;
  notifyId: number;
  state: TargetState;
  reason?: string;
  code?: number;
  displayed?: boolean;
  history: StateChange[];
}

export interface MessageView {
  messageId: string;
  taskId: string;
  appId: string;
  region: Region;
  kind: 'unicast' | 'broadcast';
  appMessageId?: string;
  classification: Classification;
  createdAt: number;
  callBackUrl?: string;
  offLine: boolean;
  offLineTtl: number;
  notification: NotificationSpec['notification'];
  invalidTargets?: Record<string, string[]>;
  targets: TargetView[];
}

export interface RegistrationView {
  regId: string;
  appId: string;
  deviceId: string;
  packageName: string;
  region: Region;
  state: RegistrationState;
  createdAt: number;
  invalidatedAt?: number;
  alias?: string;
  tags: string[];
  /** Message ids waiting for the device. */
  queued: string[];
}

/** JSON views for the control API (no internal references). */
export function messageView(m: MessageRecord): MessageView {
  return {
    messageId: m.messageId,
    taskId: m.taskId,
    appId: m.appId,
    region: m.region,
    kind: m.kind,
    appMessageId: m.appMessageId,
    classification: m.classification,
    createdAt: m.createdAt,
    callBackUrl: m.spec.callBackUrl,
    offLine: m.spec.offLine,
    offLineTtl: m.spec.offLineTtl,
    notification: m.spec.notification,
    ...(m.invalidTargets ? { invalidTargets: m.invalidTargets } : {}),
    targets: m.targets.map((t) => ({
      targetType: t.targetType,
      targetValue: t.targetValue,
      registrationId: t.registrationId,
      notifyId: t.notifyId,
      state: t.state,
      reason: t.reason,
      code: t.code,
      displayed: t.displayed,
      history: t.history,
    })),
  };
}

export function registrationView(r: Registration): RegistrationView {
  return {
    regId: r.regId,
    appId: r.appId,
    deviceId: r.deviceId,
    packageName: r.packageName,
    region: r.region,
    state: r.state,
    createdAt: r.createdAt,
    invalidatedAt: r.invalidatedAt,
    alias: r.alias,
    tags: [...r.tags],
    queued: r.queue.filter((t) => t.state === 'queued').map((t) => t.message.messageId),
  };
}
