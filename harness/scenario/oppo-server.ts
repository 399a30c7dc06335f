/**
 * A typed client for the OPPO PUSH server API, as a spec author's backend would call it: form-encoded
 * auth (sign = sha256(app_key + timestamp + master_secret)) and the push endpoints, answers returned
 * as OPPO sends them (`{code, message, data}`; a non-zero code is an answer, not an exception).
 *
 * It signs with the time of `now()`, which the Scenario points at the lab's clock: once a spec moved
 * virtual time, the wall clock falls outside OPPO's 10-minute timestamp window. Every send is
 * recorded (`sent`), so a failed test's report can show where each message went.
 */
import { authSign } from '../../mock-oppo/core/sign.ts';
import { OPPO_CN_BASE_URL } from '../im/push/oppo-client.ts';

/** `message.notification` of unicast (also the fields of save_message_content); snake_case as on the wire. */
export interface OppoNotification {
  title: string;
  content: string;
  sub_title?: string;
  /** 1 standard (default), 2 long text, 3 big picture (broadcast only). */
  style?: 1 | 2 | 3;
  /** 0 open the app (default), 1 an activity by intent action, 2 a URL in the browser, 4 an activity by class, 5 an intent scheme URL. */
  click_action_type?: 0 | 1 | 2 | 4 | 5;
  click_action_activity?: string;
  click_action_url?: string;
  /** A JSON object (or its text): each key becomes a String extra of the opened activity. */
  action_parameters?: string | Record<string, string>;
  show_time_type?: 0 | 1;
  show_start_time?: number;
  show_end_time?: number;
  off_line?: boolean;
  /** Seconds OPPO keeps it for an offline phone (default 3600). */
  off_line_ttl?: number;
  network_type?: 0 | 1;
  call_back_url?: string;
  call_back_parameter?: string;
  channel_id?: string;
  /** Seconds the phone keeps it in the shade (OPPO's default: one day). */
  show_ttl?: number;
  /** A later push with the same notify_id replaces this one (in the shade, or still queued). */
  notify_id?: number;
  category?: string;
  notify_level?: 1 | 2 | 16;
  app_message_id?: string;
  /** Any other documented field; unknown ones are ignored by OPPO. */
  [field: string]: unknown;
}

export interface OppoUnicastMessage {
  /** 2 regId, 5 alias. */
  target_type: 2 | 5;
  target_value: string;
  notification: OppoNotification;
  verify_registration_id?: boolean;
}

export interface OppoReply<T = unknown> {
  code: number;
  message: string;
  data?: T;
}

export interface OppoBatchItem {
  messageId?: string;
  registrationId: string;
  errorCode?: number;
  errorMessage?: string;
}

/** One send this client made: what it addressed and what OPPO answered. */
export interface OppoSend {
  endpoint: 'unicast' | 'unicast_batch' | 'broadcast';
  targets: string[];
  /** The message (broadcast: task) ids OPPO answered with, where it accepted. */
  messageIds: string[];
  code: number;
}

export interface OppoServerClientOptions {
  /** The mock's URL in the lab, else OPPO's CN host. */
  baseUrl?: string;
  appKey: string;
  masterSecret: string;
  /** The time auth signs with (epoch ms): the lab's clock in a Scenario. */
  now: () => number | Promise<number>;
  fetch?: typeof fetch;
  /** Told of every send as it is recorded (a Scenario files it under the running test). */
  onSend?: (send: OppoSend) => void;
}

/** OPPO tokens live 24 h; renew a little earlier (clock time) instead of spending a call on code 11. */
const TOKEN_LIFETIME_MS = 23 * 3_600_000;

export class OppoServerClient {
  readonly sent: OppoSend[] = [];
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private token: { value: string; createdAt: number } | undefined;

  constructor(private readonly options: OppoServerClientOptions) {
    this.base = (options.baseUrl ?? OPPO_CN_BASE_URL).replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** `POST /server/v1/auth` signed at `now()`; the token is cached until shortly before its 24 h end. */
  async auth(): Promise<OppoReply<{ auth_token: string; create_time: number }>> {
    const timestamp = await this.options.now();
    const reply = await this.post<{ auth_token: string; create_time: number }>('auth', {
      app_key: this.options.appKey,
      timestamp: String(timestamp),
      sign: authSign(this.options.appKey, timestamp, this.options.masterSecret),
    });
    if (reply.code === 0 && reply.data) this.token = { value: reply.data.auth_token, createdAt: timestamp };
    return reply;
  }

  async unicast(message: OppoUnicastMessage): Promise<OppoReply<{ messageId: string }>> {
    const reply = await this.authorized<{ messageId: string }>('message/notification/unicast', { message: JSON.stringify(message) });
    this.record('unicast', [message.target_value], reply.code, reply.data?.messageId ? [reply.data.messageId] : []);
    return reply;
  }

  /** Up to 1000 unicasts in one call; `data` has one item per message, in input order. */
  async unicastBatch(messages: OppoUnicastMessage[]): Promise<OppoReply<OppoBatchItem[]>> {
    const reply = await this.authorized<OppoBatchItem[]>('message/notification/unicast_batch', { messages: JSON.stringify(messages) });
    const ids = (reply.data ?? []).flatMap((item) => (item.messageId ? [item.messageId] : []));
    this.record('unicast_batch', messages.map((m) => m.target_value), reply.code, ids);
    return reply;
  }

  /** Saves a notification for broadcast; `data.message_id` names it. */
  async saveMessageContent(notification: OppoNotification): Promise<OppoReply<{ message_id: string }>> {
    const fields = Object.fromEntries(
      Object.entries(notification)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
    );
    return this.authorized('message/notification/save_message_content', fields);
  }

  /** target_type 1 all, 2 regIds (`;`-joined), 5 aliases, 6 a tag expression. */
  async broadcast(b: { message_id: string; target_type: 1 | 2 | 5 | 6; target_value?: string }): Promise<OppoReply<{ message_id: string; task_id: string }>> {
    const form: Record<string, string> = { message_id: b.message_id, target_type: String(b.target_type) };
    if (b.target_value !== undefined) form.target_value = b.target_value;
    const reply = await this.authorized<{ message_id: string; task_id: string }>('message/notification/broadcast', form);
    this.record('broadcast', b.target_value === undefined ? ['all'] : b.target_value.split(';'), reply.code, reply.data?.task_id ? [reply.data.task_id] : []);
    return reply;
  }

  /** The app's regIds OPPO found invalid (uninstalled, unregistered) since the last fetch. */
  fetchInvalidRegIds(): Promise<OppoReply<{ registration_ids: string[]; totalCount: number }>> {
    return this.authorized('feedback/fetch_invalid_regidList', {});
  }

  private record(endpoint: OppoSend['endpoint'], targets: string[], code: number, messageIds: string[]): void {
    const send: OppoSend = { endpoint, targets, messageIds, code };
    this.sent.push(send);
    this.options.onSend?.(send);
  }

  private async authorized<T>(path: string, form: Record<string, string>): Promise<OppoReply<T>> {
    const now = await this.options.now();
    if (!this.token || now - this.token.createdAt > TOKEN_LIFETIME_MS) {
      const auth = await this.auth();
      if (auth.code !== 0) return auth as OppoReply<never>;
    }
    return this.post<T>(path, { auth_token: this.token!.value, ...form });
  }

  private async post<T>(path: string, form: Record<string, string>): Promise<OppoReply<T>> {
    const response = await this.fetchImpl(`${this.base}/server/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const text = await response.text();
    try {
      return JSON.parse(text) as OppoReply<T>;
    } catch {
      throw new Error(`OPPO ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
  }
}
