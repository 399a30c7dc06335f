/**
 * The one vocabulary of why a push went where it went: every "not delivered", "dropped",
 * "expired", "replaced" and "removed from the shade" of the whole lab — IM's decision, OPPO's
 * platform, the phone and the scenario layer — names one of these reasons and may add a free
 * `detail` (never parsed back). It lives in mock-oppo because mock-oppo ships alone and must not
 * import from harness/; everything else imports it from here. The README's reason table is
 * rendered from this object (`reasonTable()`), and a test keeps the two equal.
 */

/** Which hop gives the reason. */
export type ReasonLayer = 'im' | 'oppo' | 'phone';

/**
 * passed: the hop handed the message on; online: delivered inside the running app, so no
 * notification; pending: still on its way; lost: it stops here; removed: it was shown and then
 * left the shade.
 */
export type ReasonKind = 'passed' | 'online' | 'pending' | 'lost' | 'removed';

export interface ReasonInfo {
  layer: ReasonLayer;
  kind: ReasonKind;
  /** What happened, in one sentence. */
  meaning: string;
  /** What to do about it (for `passed`: nothing to do, what to expect next). */
  fix: string;
}

export const REASONS = {
  // ---- IM: the offline-push decision per recipient device
  app_in_foreground: {
    layer: 'im',
    kind: 'online',
    meaning: 'The app was in the foreground: IM delivered the message over its connection, no vendor push.',
    fix: 'Expected. To test a push, kill the app or send it to the background first.',
  },
  app_in_background: {
    layer: 'im',
    kind: 'passed',
    meaning: 'The app was in the background (doBackground): IM delivered online and sent a vendor push.',
    fix: 'Nothing; follow the OPPO hop.',
  },
  push_online: {
    layer: 'im',
    kind: 'passed',
    meaning: 'The app was killed or lost its network without logging out (PushOnline): IM sent a vendor push (detail logout_not_delivered: the user did log out, offline, and the server never heard).',
    fix: 'Nothing; follow the OPPO hop.',
  },
  no_device: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The recipient has never logged in on any device, so IM knows no device to push to.',
    fix: 'Log the recipient in on the phone before sending.',
  },
  logged_out: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The recipient logged out on this device: no online and no offline push.',
    fix: 'Expected after logout. If the user did not log out, check the app does not call logout when it closes.',
  },
  kicked: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The device was kicked (detail login_elsewhere: a later login on the same platform; rest_kick: the REST kick API).',
    fix: 'Expected after a forced logout. Log in again on this device, or allow more instances per platform.',
  },
  push_online_lapsed: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The device stayed PushOnline longer than IM keeps it (7 days) and now reads Offline.',
    fix: 'Open the app (log in again) to renew the session.',
  },
  online_only: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The message was online-only (OnlineOnlyFlag 1 or MsgLifeTime 0): never pushed offline.',
    fix: 'Send without OnlineOnlyFlag and with a MsgLifeTime above 0.',
  },
  push_flag_off: {
    layer: 'im',
    kind: 'lost',
    meaning: 'OfflinePushInfo.PushFlag was 1: the sender asked for no offline push.',
    fix: 'Send with PushFlag 0 (or without it).',
  },
  nothing_to_show: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The message has nothing to show in a notification (only a custom element, no Desc).',
    fix: 'Give OfflinePushInfo.Desc or a custom element Desc.',
  },
  no_token: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The device never reported an OPPO push token (regId) to IM, or IM refused the report.',
    fix: 'Call HeytapPushManager.register, then setOfflinePushConfig with the regId and the console certificate ID after login; check its result code (22001: unknown certificate ID).',
  },
  token_before_login: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The app reported the token before IM login (refused with 21005) and never again after login.',
    fix: 'Report the token (setOfflinePushConfig) in the login success callback.',
  },
  token_moved: {
    layer: 'im',
    kind: 'lost',
    meaning: "Another user's login on the same phone reported this login's push token, which moved to that user (detail: that user).",
    fix: 'Expected after switching accounts on one phone: log the user in again to report the token for them.',
  },
  no_certificate: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The certificate ID the token was reported with has no OPPO certificate in the IM console.',
    fix: 'Add the OPPO certificate in the IM console, or report the token with the console certificate ID.',
  },
  certificate_inactive: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The certificate was saved less than 10 minutes ago and has no earlier active version.',
    fix: 'Wait until the certificate takes effect (10 minutes after saving).',
  },
  ext_not_json_object: {
    layer: 'im',
    kind: 'lost',
    meaning: 'OfflinePushInfo.Ext is not a JSON object and IM is set to skip such pushes.',
    fix: 'Send Ext as a JSON object string.',
  },
  group_muted: {
    layer: 'im',
    kind: 'lost',
    meaning: 'Group message: the member set the group to "receive but do not notify" (MsgFlag AcceptNotNotify), so it is delivered online only.',
    fix: 'Expected for a muted group. To get the push, set the member\'s MsgFlag to AcceptAndNotify (modify_group_member_info).',
  },
  group_discarded: {
    layer: 'im',
    kind: 'lost',
    meaning: 'Group message: the member\'s MsgFlag is Discard, so the message is not even delivered online.',
    fix: 'Set the member\'s MsgFlag to AcceptAndNotify (modify_group_member_info).',
  },
  not_a_member: {
    layer: 'im',
    kind: 'lost',
    meaning: 'Group message: the user was removed from the group before it was sent (detail: when).',
    fix: 'Expected after delete_group_member. Add the user back to the group if they should get it.',
  },
  account_deleted: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The recipient\'s account was deleted (account_delete): its logins ended and its token was unbound.',
    fix: 'Expected after account_delete; the account cannot be imported again.',
  },
  blacklisted: {
    layer: 'im',
    kind: 'lost',
    meaning: 'The recipient blocked the sender (black_list_add): the message is refused (20007) and not pushed.',
    fix: 'Remove the sender from the recipient\'s blocklist (black_list_delete), or set restBlocklist to ignore.',
  },

  // ---- OPPO: the server API's answer and the platform's queue
  oppo_rejected: {
    layer: 'oppo',
    kind: 'lost',
    meaning: "OPPO refused the push with a return code (the code and OPPO's text are in the detail).",
    fix: 'Look the code up: 11/14/16 wrong AppKey, MasterSecret or clock; 33 daily quota spent; 10000 unknown regId; 67 category or channel level invalid.',
  },
  oppo_unreachable: {
    layer: 'oppo',
    kind: 'lost',
    meaning: 'IM gave up on OPPO after its retries (network errors, HTTP 5xx, -1 unavailable, -2 flow control).',
    fix: 'Send fewer messages per second (flow control) or retry later; check the network path to OPPO.',
  },
  not_at_oppo: {
    layer: 'oppo',
    kind: 'pending',
    meaning: 'IM says OPPO accepted the push, but the platform has no record of it (yet, or any more).',
    fix: 'Wait a moment; if it stays, the platform forgot it (message retention).',
  },
  device_offline: {
    layer: 'oppo',
    kind: 'pending',
    meaning: "OPPO queued the message: the phone's push service is not connected.",
    fix: 'Bring the phone online before the offline TTL (off_line_ttl) runs out.',
  },
  waiting_show_window: {
    layer: 'oppo',
    kind: 'pending',
    meaning: "OPPO holds the message until its show window (show_time_type / show_start_time) opens.",
    fix: 'Expected; move the clock into the show window.',
  },
  awaiting_ack: {
    layer: 'oppo',
    kind: 'pending',
    meaning: 'OPPO handed the message to the phone, which has not acknowledged it yet.',
    fix: 'Wait a moment; if it stays, the phone lost its connection mid-delivery.',
  },
  off_line_ttl: {
    layer: 'oppo',
    kind: 'lost',
    meaning: 'The phone stayed offline longer than the offline TTL (off_line_ttl): the message expired.',
    fix: 'Bring the phone online sooner, or send with a longer off_line_ttl.',
  },
  show_window_passed: {
    layer: 'oppo',
    kind: 'lost',
    meaning: "The message's show window closed before it could be shown.",
    fix: 'Send with a later show_end_time, or none.',
  },
  device_offline_and_off_line_false: {
    layer: 'oppo',
    kind: 'lost',
    meaning: 'The phone was offline and the message was sent with off_line false, so OPPO did not keep it.',
    fix: 'Send with off_line true to have OPPO keep it for an offline phone.',
  },
  replaced: {
    layer: 'oppo',
    kind: 'lost',
    meaning: 'A newer message with the same notify_id replaced it while it waited in the queue (detail: the newer messageId).',
    fix: 'Expected for updates; give each message its own notify_id to keep both.',
  },
  user_daily_limit: {
    layer: 'oppo',
    kind: 'lost',
    meaning: "The device already got its daily number of public (operational) messages from this app.",
    fix: 'Send chat messages as private (IM) messages with the private channel, or send fewer public ones.',
  },
  regid_invalid: {
    layer: 'oppo',
    kind: 'lost',
    meaning: 'The regId was unregistered or the app uninstalled: OPPO will not deliver to it.',
    fix: 'Have the app register again and report its new regId to IM.',
  },
  evicted: {
    layer: 'oppo',
    kind: 'lost',
    meaning: 'The platform forgot the message (past its message retention) while it was still queued.',
    fix: 'Raise the mock setting messageRetention for long runs.',
  },

  // ---- the phone: push service, notification manager, shade
  displayed: {
    layer: 'phone',
    kind: 'passed',
    meaning: 'The phone showed the notification in the shade.',
    fix: 'Nothing; tap it to check the click action and the extras.',
  },
  notification_permission_off: {
    layer: 'phone',
    kind: 'lost',
    meaning: "The app's notification permission is off (ColorOS ships apps with it off): the phone dropped it.",
    fix: 'Ask for the notification permission (Android 13+: POST_NOTIFICATIONS; ColorOS: requestNotificationPermission) or switch it on in Settings.',
  },
  channel_missing: {
    layer: 'phone',
    kind: 'lost',
    meaning: 'On Android 8+ the push named a notification channel the app never created: the phone dropped it.',
    fix: 'Create the channel (NotificationChannel with the ChannelID of the IM certificate) when the app starts.',
  },
  registration_id_mismatch: {
    layer: 'phone',
    kind: 'lost',
    meaning: 'The push was for a regId the phone no longer holds for the app: the phone dropped it.',
    fix: 'Report the current regId to IM after every onRegister.',
  },
  app_not_installed: {
    layer: 'phone',
    kind: 'lost',
    meaning: 'The app the push was for is not installed on the phone.',
    fix: 'Install the app (and let it register) before sending.',
  },
  not_displayed: {
    layer: 'phone',
    kind: 'lost',
    meaning: 'The phone acknowledged the push without showing it and gave no reason of this table (its words are in the detail).',
    fix: "Read the phone's logcat around the push.",
  },
  click: {
    layer: 'phone',
    kind: 'removed',
    meaning: 'The user tapped the notification: it ran its click action and left the shade.',
    fix: 'Nothing; check the activity and the extras.',
  },
  show_ttl: {
    layer: 'phone',
    kind: 'removed',
    meaning: "The notification's show TTL (show_ttl; one day when the sender gave none) ran out and the phone dismissed it.",
    fix: 'Send with a longer show_ttl if it must stay longer.',
  },
  force_stop: {
    layer: 'phone',
    kind: 'removed',
    meaning: "The app was force-stopped, which cleared its notifications.",
    fix: 'Kill the app before the push, not after; or kill by process death, which keeps them.',
  },
  uninstall: {
    layer: 'phone',
    kind: 'removed',
    meaning: 'The app was uninstalled, which removed its notifications.',
    fix: 'Keep the app installed.',
  },
  cancel: {
    layer: 'phone',
    kind: 'removed',
    meaning: 'The notification was cancelled (Clear all, or the app cancelled it).',
    fix: 'Nothing, unless nobody should have cleared it.',
  },
  swipe: {
    layer: 'phone',
    kind: 'removed',
    meaning: "The user swiped the row away (Android's REASON_CANCEL from the shade).",
    fix: 'Nothing, unless the test expected it to stay.',
  },
} as const satisfies Record<string, ReasonInfo>;

export type Reason = keyof typeof REASONS;

/** The reasons one layer gives with one kind, e.g. `ReasonAt<'im', 'lost'>`. */
export type ReasonAt<L extends ReasonLayer, K extends ReasonKind = ReasonKind> = {
  [R in Reason]: (typeof REASONS)[R] extends { layer: L; kind: K } ? R : never;
}[Reason];

/** A reason with what only this case knows (an OPPO code, the newer messageId, a certificate). */
export interface Because<R extends Reason = Reason> {
  reason: R;
  /** Free text for people; nothing parses it. */
  detail?: string;
  /** The OPPO return code, for `oppo_rejected`. */
  code?: number;
}

export function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && Object.hasOwn(REASONS, value);
}

export function reasonInfo(reason: Reason): ReasonInfo {
  return REASONS[reason];
}

/** A reason, its detail and code as one short phrase: `oppo_rejected (code 33: …)`. */
export function describeBecause(b: Because): string {
  const extra = [b.code !== undefined ? `code ${b.code}` : undefined, b.detail].filter(Boolean).join(': ');
  return extra ? `${b.reason} (${extra})` : b.reason;
}

/** The README's table: reason, layer, meaning, what to do. */
export function reasonTable(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = (Object.entries(REASONS) as Array<[Reason, ReasonInfo]>).map(([r, i]) => `| \`${r}\` | ${i.layer} | ${i.kind} | ${cell(i.meaning)} | ${cell(i.fix)} |`);
  return ['| reason | layer | kind | meaning | what to do |', '|---|---|---|---|---|', ...rows].join('\n');
}
