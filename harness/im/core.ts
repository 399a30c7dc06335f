/** The IM server's rules objects wired together, without any transport. */
import type { Clock } from '../../mock-oppo/core/clock.ts';
import { ImError } from './errors.ts';
import { Delivery, type RecipientNote, type VendorPusher } from './push/delivery.ts';
import { StateCallbacks } from './push/state-callbacks.ts';
import { AccountStore, type ImApp } from './rules/accounts.ts';
import { Blacklists } from './rules/blacklists.ts';
import { CertificateStore, type CertificateConfig } from './rules/certificates.ts';
import { GroupStore } from './rules/groups.ts';
import { PushAudience, type PushCondition } from './rules/push-audience.ts';
import { MessageLog, type ImMessage, type MessageDraft } from './rules/messages.ts';
import { SessionStore } from './rules/sessions.ts';
import { TraceStore, type PushTrace } from './rules/traces.ts';
import type { ResolvedImSettings } from './settings.ts';
import { joinTrace, type LabTrace } from '../trace/trace.ts';

export interface ImCore {
  clock: Clock;
  imApp: ImApp;
  settings: ResolvedImSettings;
  accounts: AccountStore;
  sessions: SessionStore;
  certificates: CertificateStore;
  messages: MessageLog;
  traces: TraceStore;
  groups: GroupStore;
  blacklists: Blacklists;
  /** `State.StateChange` calls to `settings.callbackUrl`, with their answers. */
  callbacks: StateCallbacks;
  /**
   * Stores the message, delivers it, decides and sends the pushes; resolves with the traces.
   * Recipients who blocked the sender get nothing (trace reason `blacklisted`; setting restBlocklist).
   */
  send(draft: MessageDraft): Promise<{ message: ImMessage; traces: PushTrace[] }>;
  /** The joined trace of one message (IM's hops only, unless setTraceSource gave a fuller join); undefined for an unknown MsgKey. */
  trace(msgKey: string): LabTrace | undefined;
  /** Authenticates at OPPO with the active version of a console certificate; undefined when none is active. */
  verifyCertificate(id: number): Promise<{ code: number; message: string } | undefined>;
  /** The lab hands IM the join over OPPO and the phones, for normal_push_trace. */
  setTraceSource(source: (msgKey: string) => LabTrace | undefined): void;
  /**
   * A group message from `from` (a member, or the admin) to every other member's devices:
   * muted members (AcceptNotNotify) get it online only, Discard members not at all; removed
   * members and deleted accounts are traced with their reason.
   */
  sendGroup(groupId: string, draft: Omit<MessageDraft, 'to' | 'group'>): Promise<{ message: ImMessage; traces: PushTrace[] }>;
  audience: PushAudience;
  /**
   * all_member_push/im_push: every imported account but the admin and the sender that matches
   * the condition gets the message through the same decision. Rate-limited (90024, 90047).
   */
  pushToAll(draft: Omit<MessageDraft, 'to' | 'group' | 'taskId'>, condition?: PushCondition): Promise<{ message: ImMessage; traces: PushTrace[] }>;
  /** account_delete of one account: its logins end (tokens unbound), later sends to it fail. False if not imported. */
  deleteAccount(userId: string): boolean;
  /**
   * Back to the start: the initial accounts and certificates (console edits gone), no sessions or
   * tokens, no messages or traces, no groups, blocklists, push attributes/tags or callback log.
   * The clock and the settings stay.
   */
  reset(): void;
  /** Cancels the clock timers the rules armed. */
  dispose(): void;
}

export function createImCore(p: {
  clock: Clock;
  imApp: ImApp;
  settings: ResolvedImSettings;
  certificates: CertificateConfig[];
  accounts: Array<{ userId: string; nick?: string }>;
  pusher: VendorPusher;
}): ImCore {
  const { clock, imApp, settings } = p;
  const accounts = new AccountStore(clock, imApp, settings);
  for (const a of p.accounts) accounts.import(a.userId, a.nick === undefined ? {} : { nick: a.nick });
  const sessions = new SessionStore(clock, settings);
  const certificates = new CertificateStore(clock, settings.certificateActivationDelayMs, p.certificates);
  const messages = new MessageLog();
  const traces = new TraceStore();
  const groups = new GroupStore(clock);
  const blacklists = new Blacklists();
  const audience = new PushAudience();
  const callbacks = new StateCallbacks({ clock, sessions, imApp, url: settings.callbackUrl, timeoutMs: settings.oppoRequestTimeoutMs });
  const delivery = new Delivery({ clock, accounts, sessions, certificates, traces, settings, pusher: p.pusher });
  let source = (msgKey: string): LabTrace | undefined => (messages.get(msgKey) ? joinTrace(msgKey, { im: traces.byMsgKey(msgKey), oppo: [], phone: () => [] }) : undefined);
  return {
    clock,
    imApp,
    settings,
    accounts,
    sessions,
    certificates,
    messages,
    traces,
    groups,
    blacklists,
    callbacks,
    async send(draft) {
      const message = messages.store(draft, clock.now());
      const notes = new Map<string, RecipientNote>();
      if (settings.restBlocklist === 'refuse') {
        for (const to of message.to) if (blacklists.blocks(to, message.from)) notes.set(to, { kind: 'skip', reason: 'blacklisted' });
      }
      return { message, traces: await delivery.deliver(message, notes) };
    },
    async sendGroup(groupId, draft) {
      const group = groups.get(groupId);
      const sender = group.members.get(draft.from);
      if (!sender && !accounts.isAdmin(draft.from)) throw new ImError('GROUP_NO_PERMISSION', `${draft.from} is not a member of ${groupId}`);
      if (sender?.mutedUntil !== undefined && sender.mutedUntil > clock.now()) throw new ImError('GROUP_SENDER_MUTED');
      const notes = new Map<string, RecipientNote>();
      const to: string[] = [];
      for (const member of group.members.values()) {
        if (member.userId === draft.from) continue;
        to.push(member.userId);
        if (accounts.isDeleted(member.userId)) notes.set(member.userId, { kind: 'skip', reason: 'account_deleted' });
        else if (member.msgFlag === 'Discard') notes.set(member.userId, { kind: 'skip', reason: 'group_discarded', detail: groupId });
        else if (member.msgFlag === 'AcceptNotNotify') notes.set(member.userId, { kind: 'muted' });
      }
      for (const [userId, at] of group.removed) {
        if (userId === draft.from) continue;
        to.push(userId);
        notes.set(userId, { kind: 'skip', reason: 'not_a_member', detail: `removed from ${groupId} at ${new Date(at).toISOString()}` });
      }
      const msgSeq = groups.takeMsgSeq(group);
      const message = messages.store({ ...draft, msgSeq, to, group: { groupId, name: group.name, msgSeq } }, clock.now());
      return { message, traces: await delivery.deliver(message, notes) };
    },
    audience,
    async pushToAll(draft, condition) {
      if (condition) audience.checkCondition(condition);
      const taskId = audience.takePush(clock.now());
      const to = accounts.list().map((a) => a.userId).filter((u) => !accounts.isAdmin(u) && u !== draft.from && audience.matches(u, condition));
      const message = messages.store({ ...draft, to, taskId }, clock.now());
      return { message, traces: await delivery.deliver(message) };
    },
    trace: (msgKey) => source(msgKey),
    async verifyCertificate(id) {
      const found = certificates.lookup(id);
      return found.status === 'active' ? p.pusher.verify(found.config) : undefined;
    },
    setTraceSource(next) {
      source = next;
    },
    deleteAccount(userId) {
      if (!accounts.delete(userId)) return false;
      sessions.endUser(userId);
      return true;
    },
    reset() {
      sessions.reset();
      accounts.reset(p.accounts);
      certificates.reset();
      messages.clear();
      traces.clear();
      groups.clear();
      blacklists.clear();
      audience.clear();
      callbacks.clear();
    },
    dispose: () => {
      sessions.dispose();
      callbacks.dispose();
    },
  };
}
