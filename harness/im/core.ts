/** The IM server's rules objects wired together, without any transport. */
import type { Clock } from '../../mock-oppo/core/clock.ts';
import { Delivery, type VendorPusher } from './push/delivery.ts';
import { AccountStore, type ImApp } from './rules/accounts.ts';
import { CertificateStore, type CertificateConfig } from './rules/certificates.ts';
import { MessageLog, type ImMessage, type MessageDraft } from './rules/messages.ts';
import { SessionStore } from './rules/sessions.ts';
import { TraceStore, type PushTrace } from './rules/traces.ts';
import type { ResolvedImSettings } from './settings.ts';

export interface ImCore {
  clock: Clock;
  imApp: ImApp;
  settings: ResolvedImSettings;
  accounts: AccountStore;
  sessions: SessionStore;
  certificates: CertificateStore;
  messages: MessageLog;
  traces: TraceStore;
  /** Stores the message, delivers it, decides and sends the pushes; resolves with the traces. */
  send(draft: MessageDraft): Promise<{ message: ImMessage; traces: PushTrace[] }>;
  /**
   * Back to the start: the initial accounts and certificates (console edits gone), no sessions or
   * tokens, no messages or traces. The clock and the settings stay.
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
  const delivery = new Delivery({ clock, accounts, sessions, certificates, traces, settings, pusher: p.pusher });
  return {
    clock,
    imApp,
    settings,
    accounts,
    sessions,
    certificates,
    messages,
    traces,
    async send(draft) {
      const message = messages.store(draft, clock.now());
      return { message, traces: await delivery.deliver(message) };
    },
    reset() {
      sessions.reset();
      accounts.reset(p.accounts);
      certificates.reset();
      messages.clear();
      traces.clear();
    },
    dispose: () => sessions.dispose(),
  };
}
