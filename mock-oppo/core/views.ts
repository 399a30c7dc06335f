/** JSON views of the records for the control API (no internal references, no cycles). */
import type { MessageRecord, Registration, TargetRecord } from './records.ts';
import type { NotificationSpec } from './notification.ts';
import type { Region } from './region.ts';

export type TargetView = Pick<TargetRecord, 'targetType' | 'targetValue' | 'registrationId' | 'notifyId' | 'state' | 'reason' | 'detail' | 'code' | 'displayed' | 'history'>;

export interface MessageView
  extends Pick<MessageRecord, 'messageId' | 'taskId' | 'appId' | 'region' | 'kind' | 'appMessageId' | 'classification' | 'createdAt' | 'invalidTargets'> {
  callBackUrl?: string;
  offLine: boolean;
  offLineTtl: number;
  notification: NotificationSpec['notification'];
  targets: TargetView[];
}

export interface RegistrationView
  extends Pick<Registration, 'regId' | 'appId' | 'deviceId' | 'packageName' | 'region' | 'state' | 'createdAt' | 'invalidatedAt' | 'alias'> {
  tags: string[];
  /** Message ids waiting for the device. */
  queued: string[];
}

export interface DeviceView {
  deviceId: string;
  region: Region;
  connected: boolean;
  connectedAt?: number;
  lastSeen: number;
}

/** The clock as `/_mock/v1/clock` shows it; the VirtualClock fields only on a virtual clock. */
export interface ClockView {
  now: number;
  iso: string;
  virtual: boolean;
  flowing?: boolean;
  pendingTimers?: number;
  nextDueAt?: number | null;
  /** POST only: timers fired by the jump. */
  fired?: number;
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
      ...(t.detail === undefined ? {} : { detail: t.detail }),
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
