/**
 * Behaviour knobs of the fake IM server. Where the reference marks a behaviour [uncertain], the
 * default is the most plausible reading and the setting lets a spec pick the other one.
 */
import { parseDuration, type Duration } from '../../mock-oppo/core/clock.ts';

export type DefaultTitle =
  /** The sender's Nick, else its UserID (what the scenario suite expects). */
  | { from: 'sender' }
  /** A fixed text, e.g. "a new message" as one Tencent vendor guide says. [uncertain] */
  | { from: 'fixed'; text: string };

export interface MultiTerminalPolicy {
  /**
   * Logged-in instances allowed per platform before the oldest is kicked (Tencent default 1;
   * Ultimate edition can raise it).
   */
  instancesPerPlatform: number;
  /**
   * true: Android, iPhone, iPad, Windows and Mac share one pool (console "single platform"
   * policy); Web always has its own. false (default): each platform is its own pool.
   */
  singlePlatform: boolean;
}

export interface ImSettings {
  /** Console certificate edits take effect after this much virtual time ("within 10 minutes"). */
  certificateActivationDelay: Duration;
  /** Silence on a logged-in link for this long makes the device PushOnline. */
  heartbeatTimeout: Duration;
  /** A PushOnline device without a new login turns Offline after this long. */
  pushOnlineLapse: Duration;
  multiTerminal: MultiTerminalPolicy;
  /**
   * Real-time waits before each retry of a retryable OPPO answer (-1, -2, HTTP 5xx, network
   * error, timeout); the number of entries bounds the retries. Real time because it paces I/O,
   * not platform rules.
   */
  oppoRetryDelays: Duration[];
  /** Real-time limit for one OPPO HTTP call before it counts as a (retryable) timeout. */
  oppoRequestTimeout: Duration;
  /** Title of the OPPO notification when `OfflinePushInfo.Title` is empty. [uncertain] */
  defaultTitle: DefaultTitle;
  /**
   * `Ext` that is not a JSON object: 'drop_ext' (default) pushes without `action_parameters` and
   * notes it in the trace; 'skip_push' suppresses the push (reason `ext_not_json_object`).
   * The real server's behaviour is unpublished. [uncertain]
   */
  nonObjectExt: 'drop_ext' | 'skip_push';
  /**
   * Code for a UserSig issued before a REST `kick` of its user. 70052 ("UserSig invalidated") is
   * the documented code whose wording fits; Tencent does not publish the rule. [uncertain]
   */
  kickedUserSigCode: number;
  /** How far in the future a UserSig's TLS.time may be (frozen lab clocks lag real time). [uncertain] */
  userSigFutureSkew: Duration;
  /** A valid UserSig for an unknown UserID imports the account at login, as the SDK login does. */
  autoImportOnLogin: boolean;
  /**
   * `POST /_im/v1/usersig` (the lab signs a UserSig for anyone who asks): 'auto' (default) serves it
   * only while the app's secret key is the fixtures' test key, 'on' always, 'off' never. A real
   * app's key would let any caller of the control API mint tickets the real Tencent IM accepts.
   */
  userSigEndpoint: 'auto' | 'on' | 'off';
  /**
   * A REST sendmsg/batchsendmsg from a sender the recipient blocked: 'refuse' answers 20007 and
   * pushes nothing (the error table of sendmsg lists 20007); 'ignore' delivers it anyway (the
   * reference also quotes "the API does not check friendship, blocklist or mute"). [uncertain]
   */
  restBlocklist: 'refuse' | 'ignore';
  /**
   * The app backend's callback URL (console "callback configuration"): `State.StateChange` is
   * POSTed there on login, logout and disconnect. Absent: no callbacks.
   */
  callbackUrl?: string;
  /**
   * A push token (OPPO regId) reported by a user while another user's login still holds it — a
   * second user on the same phone after a logout the server never got. Unpublished [uncertain:
   * tencent-im.md §6.2, "probably the token is moved"]. `move_to_reporter` (default): the token now
   * belongs to the reporting login only; the earlier one loses it and its pushes are suppressed with
   * reason `token_moved`. `keep_both`: both logins push to the same phone (the earlier user's
   * messages show on the phone the new user holds).
   */
  tokenReportedByAnotherUser: 'move_to_reporter' | 'keep_both';
}

export const DEFAULT_IM_SETTINGS: ImSettings = {
  certificateActivationDelay: '10m',
  heartbeatTimeout: '400s',
  pushOnlineLapse: '7d',
  multiTerminal: { instancesPerPlatform: 1, singlePlatform: false },
  oppoRetryDelays: ['100ms', '300ms', '1s'],
  oppoRequestTimeout: '5s',
  defaultTitle: { from: 'sender' },
  nonObjectExt: 'drop_ext',
  kickedUserSigCode: 70052,
  userSigFutureSkew: '1d',
  autoImportOnLogin: true,
  userSigEndpoint: 'auto',
  restBlocklist: 'refuse',
  tokenReportedByAnotherUser: 'move_to_reporter',
};

/** Settings with durations resolved to milliseconds, as the rules read them. */
export interface ResolvedImSettings extends Omit<ImSettings, 'certificateActivationDelay' | 'heartbeatTimeout' | 'pushOnlineLapse' | 'oppoRetryDelays' | 'oppoRequestTimeout' | 'userSigFutureSkew'> {
  certificateActivationDelayMs: number;
  heartbeatTimeoutMs: number;
  pushOnlineLapseMs: number;
  oppoRetryDelaysMs: number[];
  oppoRequestTimeoutMs: number;
  userSigFutureSkewMs: number;
}

export function resolveSettings(overrides: Partial<ImSettings> = {}): ResolvedImSettings {
  const s = { ...DEFAULT_IM_SETTINGS, ...overrides };
  const { certificateActivationDelay, heartbeatTimeout, pushOnlineLapse, oppoRetryDelays, oppoRequestTimeout, userSigFutureSkew, ...rest } = s;
  if (!['move_to_reporter', 'keep_both'].includes(s.tokenReportedByAnotherUser)) {
    throw new RangeError(`tokenReportedByAnotherUser must be 'move_to_reporter' or 'keep_both', got '${s.tokenReportedByAnotherUser}'`);
  }
  if (!Number.isInteger(s.multiTerminal.instancesPerPlatform) || s.multiTerminal.instancesPerPlatform < 1) {
    throw new RangeError('multiTerminal.instancesPerPlatform must be an integer >= 1');
  }
  return {
    ...rest,
    certificateActivationDelayMs: parseDuration(certificateActivationDelay),
    heartbeatTimeoutMs: parseDuration(heartbeatTimeout),
    pushOnlineLapseMs: parseDuration(pushOnlineLapse),
    oppoRetryDelaysMs: oppoRetryDelays.map(parseDuration),
    oppoRequestTimeoutMs: parseDuration(oppoRequestTimeout),
    userSigFutureSkewMs: parseDuration(userSigFutureSkew),
  };
}
