/**
 * The funnel of the messages one test sent, only for the phones involved: a phone is in it when IM
 * decided for the recipient on that phone; a message whose recipient had no device on any of the
 * scenario's phones shows once, on the first phone the test acted on (reason no_device).
 */
import { deviceFunnel, describeFunnel, type DeviceFunnel } from './funnel.ts';
import type { MockOppoControl } from '../../mock-oppo/control-client.ts';
import type { LabClient } from './lab-client.ts';
import type { OppoSend } from './oppo-server.ts';
import type { SentRecord } from './test-record.ts';

export interface FunnelEntry extends DeviceFunnel {
  /** The phone's name in the scenario (phoneA, or the bootPhone name). */
  phone: string;
  /** describeFunnel's lines. */
  description: string;
}

export interface PhoneRef {
  name: string;
  serial: string;
}

export async function testFunnel(lab: LabClient, sent: readonly SentRecord[], phones: readonly PhoneRef[], touched: ReadonlySet<string>): Promise<FunnelEntry[]> {
  const entries: FunnelEntry[] = [];
  for (const message of sent) {
    const trace = await lab.trace(message.msgKey);
    const onPhones = phones.filter((p) => trace.devices.some((d) => d.to === message.to && d.deviceId === p.serial));
    const shown = onPhones.length > 0 ? onPhones : phones.filter((p) => touched.has(p.name)).slice(0, 1);
    for (const phone of shown) {
      const funnel = deviceFunnel(trace, message.to, phone.serial);
      entries.push({ ...funnel, phone: phone.name, description: describeFunnel(funnel, phone.name) });
    }
  }
  return entries;
}

/** The entries as the text block of a report or failure message. */
export function funnelText(entries: readonly FunnelEntry[]): string {
  return entries.length ? entries.map((e) => e.description).join('\n\n') : '(this test sent no messages)';
}

/** Pushes a spec sent straight to OPPO (OppoServerClient): each call's code, and each target's state at mock-oppo. */
export async function describeOppoSends(oppo: MockOppoControl | undefined, sends: readonly OppoSend[]): Promise<string> {
  const parts: string[] = [];
  for (const send of sends) {
    const lines = [`[oppo] ${send.endpoint} to ${send.targets.join(', ')}: code ${send.code}`];
    for (const id of send.messageIds) {
      const message = await oppo?.message(id).catch(() => undefined);
      for (const t of message?.targets ?? []) lines.push(`  OPPO  ${id} → ${t.registrationId ?? t.targetValue}: ${t.state}${t.reason ? ` (${t.reason}${t.detail ? `: ${t.detail}` : ''})` : ''}`);
    }
    parts.push(lines.join('\n'));
  }
  return parts.join('\n\n');
}
