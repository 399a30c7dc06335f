/**
 * The joined trace in the shape of Tencent's `v4/timpush/normal_push_trace`, so tooling built on
 * the real API reads the lab: one entry per device instance with the stages IMStat → OfflineStat →
 * ChannelStat → DeviceStat → ClickStat, each with a status, an error code and a time.
 *
 * [uncertain] Tencent documents the stages and what each carries (status, error code, time, device
 * model, push platform, token, certificate ID, SDK version, notification switch) but our sources
 * give no field spelling. We spell them in Tencent's REST style (PascalCase, `To_Account`), take the
 * message's MsgKey as its PushID, use the callback's PushPlatform number (6 = OPPO), and the
 * normal_push_loss codes where they exist (-1 certificate ID not set, -2 token not uploaded); other
 * losses carry code 0 and our reason. `Reason` is ours: the shared vocabulary's name.
 */
import type { Reason } from '../../mock-oppo/core/reasons.ts';
import type { LabTrace, TraceDevice, TraceHop } from './trace.ts';

/** PushPlatform of Tencent's push callbacks. */
export const PUSH_PLATFORM_OPPO = 6;

/** normal_push_loss's ReadyToSendLoss codes for the reasons that have one. */
const LOSS_CODES: Partial<Record<Reason, number>> = { no_certificate: -1, no_token: -2, token_before_login: -2 };

export type StageStatus = 'Success' | 'Fail' | 'Pending' | 'NotReached';

export interface TencentStage {
  Status: StageStatus;
  ErrCode: number;
  ErrInfo: string;
  Reason?: Reason;
  /** Unix seconds; 0 when not reached. */
  Time: number;
}

export interface TencentTraceItem {
  To_Account: string;
  InstanceId: string;
  PushPlatform: number;
  Token: string;
  CertId: number;
  NotificationEnabled?: boolean;
  IMStat: TencentStage;
  OfflineStat: TencentStage;
  ChannelStat: TencentStage;
  DeviceStat: TencentStage;
  ClickStat: TencentStage;
}

const seconds = (ms: number | undefined) => (ms === undefined ? 0 : Math.floor(ms / 1000));
const notReached: TencentStage = { Status: 'NotReached', ErrCode: 0, ErrInfo: '', Time: 0 };

function stage(status: StageStatus, at: number | undefined, reason?: Reason, code?: number, detail?: string): TencentStage {
  const s: TencentStage = { Status: status, ErrCode: code ?? (reason ? (LOSS_CODES[reason] ?? 0) : 0), ErrInfo: reason ? `${reason}${detail ? `: ${detail}` : ''}` : '', Time: seconds(at) };
  if (reason) s.Reason = reason;
  return s;
}

function item(d: TraceDevice, hops: TraceHop[]): TencentTraceItem {
  const mine = hops.filter((h) => h.to === d.to && h.deviceId === d.deviceId);
  const at = (...names: TraceHop['hop'][]) => mine.find((h) => names.includes(h.hop))?.at;
  const decided = at('im_decision');
  const o = d.outcome;
  const lostAt = (layer: string) => !o.shown && !o.pending && o.layer === layer;
  const im = d.deviceId === null ? stage('Fail', decided, 'no_device') : stage('Success', decided);
  let offline = notReached;
  let channel = notReached;
  let device = notReached;
  let click = notReached;
  if (d.deviceId !== null) {
    offline = lostAt('im') ? stage('Fail', decided, o.reason as Reason, undefined, o.shown ? undefined : o.detail) : stage('Success', decided);
    if (d.stages.sentToOppo) {
      const answered = at('oppo_unicast');
      if (d.stages.accepted) channel = stage('Success', answered);
      else if (!o.shown && o.layer === 'oppo') channel = stage(o.pending ? 'Pending' : 'Fail', answered, o.reason, o.code, o.detail);
    }
    if (d.stages.accepted) {
      if (o.shown) device = stage('Success', at('phone_shown', 'oppo_acked'));
      else if (o.layer !== 'im') device = stage(o.pending ? 'Pending' : 'Fail', at('phone_dropped', 'oppo_expired', 'oppo_dropped', 'oppo_acked', 'oppo_queued'), o.reason, o.layer === 'oppo' ? o.code : undefined, o.detail);
      if (d.stages.clicked) click = stage('Success', at('phone_tapped'));
      else if (o.shown) click = stage('Pending', undefined);
    }
  }
  const enabled = mine.some((h) => h.hop === 'phone_shown') ? true : mine.some((h) => h.reason === 'notification_permission_off') ? false : undefined;
  return {
    To_Account: d.to,
    InstanceId: d.deviceId ?? '',
    PushPlatform: PUSH_PLATFORM_OPPO,
    Token: d.regId ?? '',
    CertId: d.certificateId ?? 0,
    ...(enabled === undefined ? {} : { NotificationEnabled: enabled }),
    IMStat: im,
    OfflineStat: offline,
    ChannelStat: channel,
    DeviceStat: device,
    ClickStat: click,
  };
}

/** The response body fields of normal_push_trace (without the ActionStatus envelope). */
export function tencentPushTrace(trace: LabTrace): { PushID: string; TraceList: TencentTraceItem[] } {
  return { PushID: trace.msgKey, TraceList: trace.devices.map((d) => item(d, trace.hops)) };
}
