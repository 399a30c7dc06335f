/**
 * Fans a stored message out to every device of every recipient: online delivery over open links,
 * the offline-push decision, the OPPO unicast for vendor pushes, one trace record per device.
 * Resolves once every push has OPPO's final answer, so a sendmsg reply means the trace is complete.
 * A message's vendor pushes through one certificate go out together: one `unicast_batch` call per
 * 1,000 (OPPO's per-call limit), as a backend sends to many recipients; a single push as `unicast`.
 */
import type { Clock } from '../../../mock-oppo/core/clock.ts';
import { LIMITS } from '../../../mock-oppo/core/notification.ts';
import type { AccountStore } from '../rules/accounts.ts';
import type { CertificateConfig, CertificateStore } from '../rules/certificates.ts';
import { decide, type SuppressReason } from '../rules/decision.ts';
import { pushText, toLinkMessage, type ImMessage } from '../rules/messages.ts';
import { isConnectedState, type Session, type SessionStore } from '../rules/sessions.ts';
import type { OppoExchange, PushTrace, TraceStore } from '../rules/traces.ts';
import type { ResolvedImSettings } from '../settings.ts';
import { buildOppoUnicast, pushTitle } from './oppo-notification.ts';

export interface VendorPusher {
  unicast(cert: CertificateConfig, message: Record<string, unknown>): Promise<OppoExchange>;
  /** One exchange per message, in order; without it, each message goes by unicast. */
  unicastBatch?(cert: CertificateConfig, messages: Array<Record<string, unknown>>): Promise<OppoExchange[]>;
  /** A fresh authentication with the certificate's credentials: OPPO's code (0: they authenticate). */
  verify(cert: CertificateConfig): Promise<{ code: number; message: string }>;
}

/** A vendor push decided for one device, waiting for its OPPO call. */
interface VendorPush {
  trace: PushTrace;
  message: Record<string, unknown>;
  session: Session;
}

export interface DeliveryDeps {
  clock: Clock;
  accounts: AccountStore;
  sessions: SessionStore;
  certificates: CertificateStore;
  traces: TraceStore;
  settings: ResolvedImSettings;
  pusher: VendorPusher;
}

/**
 * What the fan-out knows about a recipient before looking at devices: a group member's message
 * flag, or a reason the user gets nothing at all (one trace without a device).
 */
export type RecipientNote = { kind: 'muted' } | { kind: 'skip'; reason: SuppressReason; detail?: string };

export class Delivery {
  constructor(private readonly deps: DeliveryDeps) {}

  async deliver(m: ImMessage, notes: ReadonlyMap<string, RecipientNote> = new Map()): Promise<PushTrace[]> {
    const { sessions } = this.deps;
    if (m.syncToSender) {
      for (const s of sessions.sessionsOf(m.from)) s.link?.deliver(toLinkMessage(m, m.from));
    }
    const content = pushText(m.body, m.offlinePush);
    const title = pushTitle(m, this.deps.accounts.get(m.from)?.nick, this.deps.settings.defaultTitle);
    const traces: PushTrace[] = [];
    const byCertificate = new Map<CertificateConfig, VendorPush[]>();
    for (const to of m.to) {
      const note = notes.get(to);
      if (note?.kind === 'skip') {
        const detail = note.detail === undefined ? {} : { detail: note.detail };
        traces.push(this.record(m, to, null, { decision: 'suppressed', reason: note.reason, title, text: content, onlineDelivered: false, ignored: [], ...detail }));
        continue;
      }
      const devices = sessions.sessionsOf(to);
      if (devices.length === 0) {
        traces.push(this.record(m, to, null, { decision: 'suppressed', reason: 'no_device', title, text: content, onlineDelivered: false, ignored: [] }));
      }
      for (const s of devices) {
        const decided = this.decideFor(m, to, s, { title, content }, note?.kind === 'muted');
        traces.push(decided.trace);
        if (!decided.push) continue;
        const group = byCertificate.get(decided.certificate!) ?? [];
        byCertificate.set(decided.certificate!, group);
        group.push(decided.push);
      }
    }
    const calls: Array<Promise<void>> = [];
    for (const [certificate, pushes] of byCertificate) {
      for (let i = 0; i < pushes.length; i += LIMITS.targetsPerCall) calls.push(this.send(certificate, pushes.slice(i, i + LIMITS.targetsPerCall)));
    }
    await Promise.all(calls);
    return traces;
  }

  private async send(certificate: CertificateConfig, pushes: VendorPush[]): Promise<void> {
    const { pusher, sessions } = this.deps;
    const exchanges =
      pushes.length > 1 && pusher.unicastBatch
        ? await pusher.unicastBatch(certificate, pushes.map((p) => p.message))
        : await Promise.all(pushes.map((p) => pusher.unicast(certificate, p.message)));
    pushes.forEach((p, i) => {
      p.trace.oppo = exchanges[i]!;
      if (p.trace.oppo.outcome === 'accepted') sessions.noteVendorPush(p.session);
    });
  }

  private decideFor(
    m: ImMessage,
    to: string,
    s: Session,
    shown: { title: string; content: string },
    muted: boolean,
  ): { trace: PushTrace; push?: VendorPush; certificate?: CertificateConfig } {
    const { certificates, settings } = this.deps;
    const { title, content } = shown;
    const text = { title, text: content };
    const device = { deviceId: s.deviceId, platform: s.platform, sessionId: s.id, state: s.state, cause: s.cause };
    const onlineDelivered = s.link !== undefined && isConnectedState(s.state);
    if (onlineDelivered) s.link!.deliver(toLinkMessage(m, to));
    const d = decide(s, m, content, certificates, settings.nonObjectExt, muted);
    if (d.decision === 'online') return { trace: this.record(m, to, device, { decision: 'online', reason: d.reason, ...text, onlineDelivered, ignored: [] }) };
    if (d.decision === 'suppressed') {
      return { trace: this.record(m, to, device, { decision: 'suppressed', reason: d.reason, ...text, onlineDelivered, ignored: [], ...(d.detail === undefined ? {} : { detail: d.detail }) }) };
    }
    const { message, ignored } = buildOppoUnicast({ certificate: d.certificate, token: d.token.token, message: m, title, content });
    const trace = this.record(m, to, device, {
      decision: 'vendor_push',
      reason: d.reason,
      ...text,
      onlineDelivered,
      ignored,
      certificate: { id: d.certificate.id, version: d.certificateVersion, ...(d.pendingEditEffectiveAt === undefined ? {} : { pendingEditEffectiveAt: d.pendingEditEffectiveAt }) },
      token: d.token.token,
      ...(d.detail === undefined ? {} : { detail: d.detail }),
    });
    return { trace, push: { trace, message, session: s }, certificate: d.certificate };
  }

  private record(m: ImMessage, to: string, device: PushTrace['device'], fields: Omit<PushTrace, 'msgKey' | 'msgTime' | 'at' | 'from' | 'to' | 'device'>): PushTrace {
    const trace: PushTrace = { msgKey: m.msgKey, msgTime: m.msgTime, at: this.deps.clock.now(), from: m.from, to, device, ...fields };
    if (m.group) trace.groupId = m.group.groupId;
    this.deps.traces.add(trace);
    return trace;
  }
}
