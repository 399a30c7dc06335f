/**
 * The push funnel of one message for one phone, read from the lab's joined trace: what IM decided,
 * what OPPO did with it, what the phone did — and where it stopped, with the vocabulary's reason and
 * what to do about it. A few lines per message, for matchers' failure messages and for reports.
 */
import { REASONS, type ReasonLayer } from '../../mock-oppo/core/reasons.ts';
import { describeOutcome, type FunnelStages, type LabTrace, type Outcome, type TraceDevice, type TraceHop } from '../trace/trace.ts';

export type { Outcome, FunnelStages };
export type Layer = ReasonLayer;

/** One message towards one phone: the trace's device record and the hops that belong to it. */
export interface DeviceFunnel extends TraceDevice {
  msgKey: string;
  /** The phone's serial (the device IM and OPPO know it by). */
  serial: string;
  hops: TraceHop[];
}

/** The funnel of `trace` for user `to` on the phone `serial`. */
export function deviceFunnel(trace: LabTrace, to: string, serial: string): DeviceFunnel {
  const device =
    trace.devices.find((d) => d.to === to && d.deviceId === serial) ??
    trace.devices.find((d) => d.to === to && d.deviceId === null) ??
    noSession(trace, to, serial);
  const hops = trace.hops.filter((h) => h.to === to && h.deviceId === device.deviceId);
  return { ...device, msgKey: trace.msgKey, serial, hops };
}

/** IM decided for other devices of the user, none on this phone: to this phone, it had no device. */
function noSession(trace: LabTrace, to: string, serial: string): TraceDevice {
  const any = trace.devices.find((d) => d.to === to);
  return {
    to,
    deviceId: null,
    title: any?.title ?? '',
    text: any?.text ?? '',
    im: { decision: 'suppressed', reason: 'no_device', onlineDelivered: false },
    stages: { sentToOppo: false, accepted: false, delivered: false, shown: false, clicked: false, extras: false },
    outcome: { shown: false, layer: 'im', pending: false, reason: 'no_device', detail: `${to} is not logged in on ${serial}` },
  };
}

const hopNames = (hops: TraceHop[], layer: ReasonLayer) => hops.filter((h) => h.layer === layer);

function imLine(f: DeviceFunnel): string {
  const decision = f.hops.find((h) => h.hop === 'im_decision');
  if (!decision) return `IM     no session of ${f.to} on ${f.serial}`;
  const d = decision.data ?? {};
  const extras = [decision.detail, d.state ? `state ${d.state}/${d.cause}` : undefined, f.certificateId ? `certificate ${f.certificateId}` : undefined].filter(Boolean);
  return `IM     ${d.decision} (${decision.reason})${extras.length ? ` — ${extras.join(', ')}` : ''}`;
}

function oppoLine(f: DeviceFunnel): string | undefined {
  const oppo = hopNames(f.hops, 'oppo');
  if (oppo.length === 0) return undefined;
  const calls = oppo.filter((h) => h.hop === 'oppo_auth' || h.hop === 'oppo_unicast').map((h) => `${h.hop.slice(5)} ${h.code ?? (h.data?.error ? 'error' : h.data?.httpStatus ?? '?')}`);
  const states = oppo.filter((h) => h.hop.startsWith('oppo_') && h.hop !== 'oppo_auth' && h.hop !== 'oppo_unicast').map((h) => `${h.hop.slice(5)}${h.reason && h.reason !== 'displayed' ? ` (${h.reason}${h.detail ? `: ${h.detail}` : ''})` : ''}`);
  const parts = [calls.length ? `calls [${calls.join(', ')}]` : undefined, f.messageId ? `messageId ${f.messageId}` : undefined, states.length ? states.join(' → ') : undefined].filter(Boolean);
  return `OPPO   ${parts.join('; ')}`;
}

function phoneLine(f: DeviceFunnel): string | undefined {
  const phone = hopNames(f.hops, 'phone').filter((h) => h.hop !== 'phone_received');
  if (phone.length === 0) return undefined;
  const said = phone.map((h) => {
    const name = h.hop.slice(6);
    if (h.reason) return `${name} (${h.reason})`;
    if (h.hop === 'phone_activity') return `activity ${h.data?.component ?? h.detail ?? '?'}`;
    if (h.hop === 'phone_extras') return `extras ${JSON.stringify(h.data?.extras ?? {})}`;
    return name;
  });
  return `PHONE  ${said.join(' → ')}`;
}

/** The funnel as the few lines a person reads in a failure message or a report. */
export function describeFunnel(f: DeviceFunnel, phoneName?: string): string {
  const lines = [`${JSON.stringify(f.title)}: ${JSON.stringify(f.text)} → ${f.to} on ${phoneName ? `${phoneName} (${f.serial})` : f.serial}, MsgKey ${f.msgKey}`];
  for (const line of [imLine(f), oppoLine(f), phoneLine(f)]) if (line) lines.push(`  ${line}`);
  const o = f.outcome;
  lines.push(`  ⇒ ${describeOutcome(o)}${o.shown ? '' : ` — ${REASONS[o.reason].fix}`}`);
  return lines.join('\n');
}
