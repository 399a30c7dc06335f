/**
 * One record per message per recipient device: what was decided, why, and what OPPO said.
 * Later hops (the phone showing it) join on msgKey and the OPPO messageId.
 */
import { Ring } from '../../../mock-oppo/core/ring.ts';
import type { ReasonAt } from '../../../mock-oppo/core/reasons.ts';
import type { DeviceState, Platform, StateCause } from './sessions.ts';

export interface OppoAttempt {
  /** Virtual-clock time of the call. */
  at: number;
  call: 'auth' | 'unicast' | 'unicast_batch';
  url: string;
  /** The form sent, secrets masked (auth_token, sign). The unicast `message` (or the batch's `messages`) is in `request`. */
  form: Record<string, string>;
  httpStatus?: number;
  response?: unknown;
  /** Network error or timeout. */
  error?: string;
  /** Real-time wait before the next attempt, when this one was retried. */
  retryAfterMs?: number;
}

export interface OppoExchange {
  /** The unicast `message` object (no secrets in it). */
  request: Record<string, unknown>;
  attempts: OppoAttempt[];
  /** accepted: code 0; rejected: a non-retryable answer; gave_up: retries exhausted. */
  outcome: 'accepted' | 'rejected' | 'gave_up';
  messageId?: string;
  code?: number;
  message?: string;
}

export interface PushTrace {
  msgKey: string;
  msgTime: number;
  /** Virtual-clock time of the decision. */
  at: number;
  from: string;
  to: string;
  /** Group messages: the group (the push callback carries GroupID instead of MsgKey). */
  groupId?: string;
  device: { deviceId: string; platform: Platform; sessionId: number; state: DeviceState; cause: StateCause } | null;
  decision: 'online' | 'vendor_push' | 'suppressed';
  /** An IM reason of the shared vocabulary (mock-oppo/core/reasons.ts). */
  reason: ReasonAt<'im'>;
  detail?: string;
  /** The notification IM would show (or showed): its title and text, also when it pushed nothing. */
  title: string;
  text: string;
  /** The message also went down the device's open link (foreground or background). */
  onlineDelivered: boolean;
  certificate?: { id: number; version: number; pendingEditEffectiveAt?: number };
  /** The OPPO regId pushed to (not a secret). */
  token?: string;
  oppo?: OppoExchange;
  /** Message fields OPPO cannot honour, dropped or shortened values. */
  ignored: string[];
}

/** A long-running lab forgets the oldest records beyond this many. */
export const TRACE_RETENTION = 50_000;

export class TraceStore {
  private readonly traces = new Ring<PushTrace>(TRACE_RETENTION);

  add(trace: PushTrace): void {
    this.traces.push(trace);
  }

  clear(): void {
    this.traces.clear();
  }

  query(filter: { msgKey?: string; user?: string; groupId?: string } = {}): PushTrace[] {
    return this.traces.toArray().filter(
      (t) => (filter.msgKey === undefined || t.msgKey === filter.msgKey)
        && (filter.user === undefined || t.to === filter.user || t.from === filter.user)
        && (filter.groupId === undefined || t.groupId === filter.groupId),
    );
  }

  byMsgKey(msgKey: string): PushTrace[] {
    return this.query({ msgKey });
  }

  /** Records where the user is the recipient or the sender. */
  byUser(user: string): PushTrace[] {
    return this.query({ user });
  }
}
