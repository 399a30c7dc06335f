/**
 * The joined trace of one IM message: every hop from IM's decision to the extras the app received,
 * joined by MsgKey (IM, and OPPO's `app_message_id`), the OPPO messageId and regId (OPPO and the
 * phone) and the device id (IM's session and OPPO's registration both use the phone's serial).
 * Pure: the sources are plain data, so the lab, the scenario layer and tests build it the same way.
 * The JSON shape is the lab control API's `GET /_lab/v1/traces/:msgKey` (harness/trace/README.md).
 */
import { REASONS, type Because, type Reason, type ReasonLayer } from '../../mock-oppo/core/reasons.ts';
import type { MessageView, TargetView } from '../../mock-oppo/core/views.ts';
import type { PushTrace } from '../im/rules/traces.ts';
import type { PhonePushEvent } from '../phone/notifications.ts';

export type HopName =
  /** IM's offline-push decision for one device. */
  | 'im_decision'
  /** One HTTP call IM made to OPPO (auth or unicast): the form with secrets masked, and the answer. */
  | 'oppo_auth'
  | 'oppo_unicast'
  /** A state of the OPPO target (accepted, queued, delivered, acked, expired, dropped, rejected). */
  | 'oppo_accepted'
  | 'oppo_queued'
  | 'oppo_delivered'
  | 'oppo_acked'
  | 'oppo_expired'
  | 'oppo_dropped'
  | 'oppo_rejected'
  /** What the phone did with it. */
  | 'phone_received'
  | 'phone_shown'
  | 'phone_dropped'
  | 'phone_removed'
  | 'phone_tapped'
  | 'phone_activity'
  | 'phone_extras';

/** The order of hops at one instant: the way a message travels down the chain. */
const HOP_ORDER: Record<HopName, number> = {
  im_decision: 0,
  oppo_auth: 1,
  oppo_unicast: 2,
  oppo_accepted: 3,
  oppo_rejected: 4,
  oppo_queued: 4,
  oppo_delivered: 5,
  phone_received: 6,
  phone_shown: 7,
  phone_dropped: 7,
  oppo_acked: 8,
  oppo_expired: 8,
  oppo_dropped: 8,
  phone_tapped: 9,
  phone_removed: 10,
  phone_activity: 11,
  phone_extras: 12,
};

export interface TraceHop {
  /** Virtual-clock time (epoch ms). */
  at: number;
  layer: ReasonLayer;
  hop: HopName;
  /** The recipient user and device this hop belongs to. */
  to: string;
  deviceId: string | null;
  messageId?: string;
  regId?: string;
  reason?: Reason;
  detail?: string;
  code?: number;
  /** Hop-specific facts: the masked OPPO form and answer, the notification title/text, the activity, the extras. */
  data?: Record<string, unknown>;
}

/** How far the message got for one device: the funnel's stages. */
export interface FunnelStages {
  /** IM decided to push through OPPO and called unicast. */
  sentToOppo: boolean;
  accepted: boolean;
  /** OPPO handed it to the phone's push service. */
  delivered: boolean;
  shown: boolean;
  clicked: boolean;
  /** The activity the tap started received extras. */
  extras: boolean;
}

/** Where the message stopped for one device, with the reason of that layer (or that it was shown). */
export type Outcome =
  | { shown: true; layer: 'phone'; reason: 'displayed'; pending: false; removed?: Because }
  | ({ shown: false; layer: ReasonLayer; pending: boolean } & Because);

export interface TraceDevice {
  to: string;
  /** null: the recipient had no device at all (reason no_device). */
  deviceId: string | null;
  title: string;
  text: string;
  regId?: string;
  messageId?: string;
  certificateId?: number;
  /** IM's decision for this device. */
  im: { decision: PushTrace['decision']; reason: PushTrace['reason']; detail?: string; onlineDelivered: boolean };
  /** The OPPO target's state, once mock-oppo has it. */
  oppoState?: TargetView['state'];
  stages: FunnelStages;
  outcome: Outcome;
}

export interface LabTrace {
  msgKey: string;
  /** One entry per recipient device IM decided for. */
  devices: TraceDevice[];
  /** Every hop of every device, oldest first (ties keep the causal order IM → OPPO → phone). */
  hops: TraceHop[];
}

export interface TraceSources {
  im: PushTrace[];
  /** mock-oppo's messages whose app_message_id is the MsgKey (none on a run without mock-oppo). */
  oppo: MessageView[];
  /** The phone journal of a device, for these OPPO message ids (empty when the phone is not in the lab). */
  phone(deviceId: string, messageIds: ReadonlySet<string>): PhonePushEvent[];
}

/** A target's (or one of its states') reason, detail and code as the vocabulary's Because. */
function because(t: { reason?: Reason; detail?: string; code?: number }): Because | undefined {
  if (t.reason === undefined) return undefined;
  return { reason: t.reason, ...(t.detail === undefined ? {} : { detail: t.detail }), ...(t.code === undefined ? {} : { code: t.code }) };
}

function imOutcome(im: PushTrace): Outcome | undefined {
  const because = (): Because => ({ reason: im.reason, ...(im.detail === undefined ? {} : { detail: im.detail }) });
  if (im.decision !== 'vendor_push') return { shown: false, layer: 'im', pending: false, ...because() };
  const x = im.oppo;
  if (!x) return { shown: false, layer: 'oppo', pending: true, reason: 'not_at_oppo', detail: 'waiting for OPPO to answer' };
  if (x.outcome === 'rejected') return { shown: false, layer: 'oppo', pending: false, reason: 'oppo_rejected', ...(x.code === undefined ? {} : { code: x.code }), ...(x.message ? { detail: x.message } : {}) };
  if (x.outcome === 'gave_up') return { shown: false, layer: 'oppo', pending: false, reason: 'oppo_unreachable', ...(x.code === undefined ? {} : { code: x.code }), ...(x.message ? { detail: x.message } : {}) };
  return undefined;
}

function targetOutcome(target: TargetView, events: PhonePushEvent[]): Outcome {
  const dropped = events.findLast((e) => e.event === 'dropped');
  const shown = events.findLast((e) => e.event === 'shown');
  const removed = events.findLast((e) => e.event === 'removed');
  if (shown) {
    return { shown: true, layer: 'phone', reason: 'displayed', pending: false, ...(removed?.reason ? { removed: { reason: removed.reason } } : {}) };
  }
  const why = because(target);
  switch (target.state) {
    case 'acked':
      if (target.displayed !== false) return { shown: true, layer: 'phone', reason: 'displayed', pending: false };
      if (dropped?.reason) return { shown: false, layer: 'phone', pending: false, reason: dropped.reason };
      return { shown: false, layer: 'phone', pending: false, ...(why ?? { reason: 'not_displayed' }) };
    case 'dropped':
    case 'expired':
    case 'rejected':
      return { shown: false, layer: 'oppo', pending: false, ...(why ?? { reason: 'not_at_oppo', detail: target.state }) };
    case 'queued':
      return { shown: false, layer: 'oppo', pending: true, ...(why ?? { reason: 'device_offline' }) };
    default:
      return { shown: false, layer: 'oppo', pending: true, reason: 'awaiting_ack', detail: `OPPO state ${target.state}` };
  }
}

/** The unicast `message` object IM sent, without its target. */
function notificationOf(request: Record<string, unknown>): Record<string, unknown> {
  const n = request.notification;
  return n && typeof n === 'object' ? (n as Record<string, unknown>) : request;
}

function imHops(im: PushTrace, deviceId: string | null): TraceHop[] {
  const base = { to: im.to, deviceId };
  const hops: TraceHop[] = [
    {
      at: im.at,
      layer: 'im',
      hop: 'im_decision',
      ...base,
      reason: im.reason,
      ...(im.detail === undefined ? {} : { detail: im.detail }),
      ...(im.token ? { regId: im.token } : {}),
      data: {
        decision: im.decision,
        title: im.title,
        text: im.text,
        onlineDelivered: im.onlineDelivered,
        ...(im.device ? { state: im.device.state, cause: im.device.cause } : {}),
        ...(im.certificate ? { certificate: im.certificate } : {}),
        ...(im.ignored.length ? { ignored: im.ignored } : {}),
      },
    },
  ];
  let first = true;
  for (const a of im.oppo?.attempts ?? []) {
    const answer = a.response as { code?: unknown; message?: unknown } | undefined;
    const code = typeof answer?.code === 'number' ? answer.code : undefined;
    hops.push({
      at: a.at,
      layer: 'oppo',
      hop: a.call === 'auth' ? 'oppo_auth' : 'oppo_unicast',
      ...base,
      ...(code === undefined ? {} : { code }),
      data: {
        url: a.url,
        form: a.form,
        ...(a.call === 'unicast' && first ? { message: notificationOf(im.oppo!.request) } : {}),
        ...(a.httpStatus === undefined ? {} : { httpStatus: a.httpStatus }),
        ...(a.response === undefined ? {} : { answer: a.response }),
        ...(a.error ? { error: a.error } : {}),
        ...(a.retryAfterMs === undefined ? {} : { retryAfterMs: a.retryAfterMs }),
      },
    });
    if (a.call === 'unicast') first = false;
  }
  return hops;
}

function targetHops(to: string, deviceId: string, message: MessageView, target: TargetView): TraceHop[] {
  return target.history.map((change) => {
    const why = because(change);
    return {
      at: change.at,
      layer: 'oppo',
      hop: `oppo_${change.state}` as HopName,
      to,
      deviceId,
      messageId: message.messageId,
      ...(target.registrationId ? { regId: target.registrationId } : {}),
      ...(why && why.reason !== 'displayed' ? why : {}),
    };
  });
}

function phoneHop(to: string, deviceId: string, e: PhonePushEvent): TraceHop {
  const data: Record<string, unknown> = {};
  for (const key of ['title', 'text', 'channelId', 'component', 'extras', 'packageName'] as const) if (e[key] !== undefined) data[key] = e[key];
  return {
    at: e.at,
    layer: 'phone',
    hop: `phone_${e.event}` as HopName,
    to,
    deviceId,
    messageId: e.messageId,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.detail ? { detail: e.detail } : {}),
    data,
  };
}

/** Joins the sources into the message's trace. */
export function joinTrace(msgKey: string, sources: TraceSources): LabTrace {
  const devices: TraceDevice[] = [];
  const hops: TraceHop[] = [];
  for (const im of sources.im) {
    const deviceId = im.device?.deviceId ?? null;
    const device: TraceDevice = {
      to: im.to,
      deviceId,
      title: im.title,
      text: im.text,
      im: { decision: im.decision, reason: im.reason, ...(im.detail === undefined ? {} : { detail: im.detail }), onlineDelivered: im.onlineDelivered },
      stages: { sentToOppo: false, accepted: false, delivered: false, shown: false, clicked: false, extras: false },
      outcome: imOutcome(im) ?? { shown: false, layer: 'oppo', pending: true, reason: 'not_at_oppo' },
    };
    if (im.token) device.regId = im.token;
    if (im.certificate) device.certificateId = im.certificate.id;
    hops.push(...imHops(im, deviceId));
    device.stages.sentToOppo = im.oppo !== undefined;
    device.stages.accepted = im.oppo?.outcome === 'accepted';
    const found = device.stages.accepted && im.token ? findTarget(sources.oppo, im.token, im.oppo?.messageId) : undefined;
    if (found && deviceId) {
      const { message, target } = found;
      device.messageId = message.messageId;
      device.oppoState = target.state;
      const events = sources.phone(deviceId, new Set([message.messageId]));
      hops.push(...targetHops(im.to, deviceId, message, target), ...events.map((e) => phoneHop(im.to, deviceId, e)));
      device.outcome = targetOutcome(target, events);
      device.stages.delivered = target.history.some((c) => c.state === 'delivered');
      device.stages.shown = device.outcome.shown;
      device.stages.clicked = events.some((e) => e.event === 'tapped');
      device.stages.extras = events.some((e) => e.event === 'extras' && e.extras !== undefined && Object.keys(e.extras).length > 0);
    } else if (im.oppo?.messageId) {
      device.messageId = im.oppo.messageId;
    }
    devices.push(device);
  }
  // On a frozen clock many hops share an instant: order those as the message travels (stable within a rank).
  hops.sort((a, b) => a.at - b.at || HOP_ORDER[a.hop] - HOP_ORDER[b.hop]);
  return { msgKey, devices, hops };
}

function findTarget(messages: MessageView[], regId: string, messageId: string | undefined): { message: MessageView; target: TargetView } | undefined {
  const ordered = messageId ? [...messages.filter((m) => m.messageId === messageId), ...messages.filter((m) => m.messageId !== messageId)] : messages;
  for (const message of ordered) {
    const target = message.targets.find((t) => t.registrationId === regId);
    if (target) return { message, target };
  }
  return undefined;
}

/** The outcome as one phrase: `shown`, `stopped at im: logged_out`, `still at oppo: device_offline`. */
export function describeOutcome(o: Outcome): string {
  if (o.shown) return o.removed ? `shown, then removed (${o.removed.reason})` : 'shown';
  const extra = [o.code !== undefined ? `code ${o.code}` : undefined, o.detail].filter(Boolean).join(': ');
  return `${o.pending ? 'still at' : 'stopped at'} ${o.layer}: ${o.reason}${extra ? ` (${extra})` : ''}`;
}

/** What to do about an outcome, from the vocabulary. */
export function fixFor(o: Outcome): string {
  return REASONS[o.shown ? (o.removed?.reason ?? 'displayed') : o.reason].fix;
}
