/**
 * The push funnel of one message for one phone: what IM decided, what OPPO did with it, what the
 * phone did — joined on the IM MsgKey (= OPPO `app_message_id`) and the phone's device id. It tells
 * where a message stopped and why, in one line per hop, for matchers and for failure reports.
 */
import type { PushTrace } from '../im/rules/traces.ts';
import type { MessageView, TargetView } from '../../mock-oppo/core/platform.ts';

/** One hop per layer; absent layers were never reached. */
export interface DeviceFunnel {
  msgKey: string;
  deviceId: string;
  im?: PushTrace;
  oppo?: { message: MessageView; target: TargetView };
}

export type Layer = 'im' | 'oppo' | 'phone';

export type Outcome =
  | { shown: true }
  | { shown: false; layer: Layer; reason: string }
  /** Still on its way (queued for an offline phone, or not acked yet). */
  | { shown: false; layer: 'pending'; reason: string };

/** Prefix mock-oppo puts on the reason of a target the phone acked without showing it. */
const DROPPED_ON_DEVICE = 'dropped_on_device';

/** Where the message stopped for this phone, and the reason that layer gave. */
export function outcomeOf(f: DeviceFunnel): Outcome {
  const { im, oppo } = f;
  if (!im) return { shown: false, layer: 'im', reason: 'no_device' };
  if (im.decision === 'suppressed') return { shown: false, layer: 'im', reason: im.reason };
  if (im.decision === 'online') return { shown: false, layer: 'im', reason: im.reason };
  if (im.oppo && im.oppo.outcome !== 'accepted') return { shown: false, layer: 'oppo', reason: `code_${im.oppo.code ?? 'none'}` };
  if (!oppo) return { shown: false, layer: 'pending', reason: 'not_at_oppo' };
  const { target } = oppo;
  switch (target.state) {
    case 'acked':
      if (target.displayed !== false) return { shown: true };
      return { shown: false, layer: 'phone', reason: (target.reason ?? '').replace(new RegExp(`^${DROPPED_ON_DEVICE}:?`), '') || 'not_displayed' };
    case 'dropped':
    case 'expired':
      return { shown: false, layer: 'oppo', reason: target.reason ?? target.state };
    case 'rejected':
      return { shown: false, layer: 'oppo', reason: target.code !== undefined ? `code_${target.code}` : (target.reason ?? 'rejected') };
    default:
      return { shown: false, layer: 'pending', reason: `${target.state}${target.reason ? `:${target.reason}` : ''}` };
  }
}

/** The funnel as lines a person reads in a failure message or a report. */
export function describeFunnel(f: DeviceFunnel): string {
  const lines = [`message ${f.msgKey} → device ${f.deviceId}`];
  const { im, oppo } = f;
  if (!im) {
    lines.push('  IM    no record for this device (never logged in there?)');
  } else {
    const extra = [im.detail, im.device ? `state ${im.device.state}/${im.device.cause}` : undefined, im.ignored.length ? `ignored: ${im.ignored.join('; ')}` : undefined].filter(Boolean);
    lines.push(`  IM    ${im.decision} (${im.reason})${extra.length ? ` — ${extra.join(', ')}` : ''}`);
    if (im.oppo) {
      const codes = im.oppo.attempts.filter((a) => a.call === 'unicast').map((a) => (a.error ? a.error : `${(a.response as { code?: number } | undefined)?.code ?? a.httpStatus}`));
      lines.push(`  OPPO  unicast ${im.oppo.outcome}${im.oppo.messageId ? ` ${im.oppo.messageId}` : ''} after attempts [${codes.join(', ')}]`);
    }
  }
  if (oppo) {
    const t = oppo.target;
    lines.push(`  OPPO  target ${t.registrationId ?? '?'}: ${t.state}${t.reason ? ` (${t.reason})` : ''}${t.displayed === undefined ? '' : t.displayed ? ', displayed' : ', not displayed'}`);
  }
  const outcome = outcomeOf(f);
  lines.push(outcome.shown ? '  PHONE shown' : `  ⇒ stopped at ${outcome.layer}: ${outcome.reason}`);
  return lines.join('\n');
}
