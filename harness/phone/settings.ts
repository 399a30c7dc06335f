/**
 * Per-phone switches for behaviour the references leave open. Each default is the most plausible
 * reading; the alternatives exist so a spec can pin the behaviour it depends on.
 */
import { parseDuration, type Duration } from '../../mock-oppo/core/clock.ts';

export interface PhoneSettings {
  /**
   * A push whose `channel_id` the app never created, on Android 8+. Stock Android drops it; no OPPO
   * source says whether ColorOS falls back to its default channel [uncertain], so: `drop` (default,
   * ack reason `channel_missing`) or `fallback_default_channel` (shown on `Heytap PUSH`).
   */
  missingChannel: 'drop' | 'fallback_default_channel';
  /** Whether click type 0 (open the launcher activity) also carries `action_parameters` as extras [uncertain]. */
  launcherClickExtras: boolean;
  /** Stock Android cancels a package's notifications on `am force-stop`; assumed for ColorOS too [uncertain]. */
  forceStopCancelsNotifications: boolean;
  /**
   * A logout while the phone has no network. The IM SDK cannot reach the server then; whether it tells
   * the server later is not published [uncertain]. `retry_on_reconnect` (default, the plausible
   * reading of a "logout" callback that succeeds offline): the SDK sends the logout once its link is
   * back, and the server ends the session then. `lost`: the server is never told, keeps the session
   * and the token (PushOnline after the heartbeat timeout), and the user's messages keep being pushed —
   * their traces say `logout_not_delivered`.
   */
  offlineLogout: 'retry_on_reconnect' | 'lost';
  /** Lines the logcat ring buffer keeps. */
  logcatCapacity: number;
  /** IM SDK heartbeat period on the virtual clock (the server's dead-peer timeout is 400 s). */
  imHeartbeatInterval: Duration;
  region: 'CN' | 'INTL';
}

export const DEFAULT_PHONE_SETTINGS: PhoneSettings = {
  missingChannel: 'drop',
  launcherClickExtras: true,
  forceStopCancelsNotifications: true,
  offlineLogout: 'retry_on_reconnect',
  logcatCapacity: 5000,
  imHeartbeatInterval: '2m',
  region: 'CN',
};

export function resolveSettings(overrides: Partial<PhoneSettings> = {}): PhoneSettings {
  const settings = { ...DEFAULT_PHONE_SETTINGS, ...overrides };
  if (!['drop', 'fallback_default_channel'].includes(settings.missingChannel)) {
    throw new RangeError(`settings.missingChannel must be 'drop' or 'fallback_default_channel', got '${settings.missingChannel}'`);
  }
  if (!['retry_on_reconnect', 'lost'].includes(settings.offlineLogout)) {
    throw new RangeError(`settings.offlineLogout must be 'retry_on_reconnect' or 'lost', got '${settings.offlineLogout}'`);
  }
  if (!Number.isInteger(settings.logcatCapacity) || settings.logcatCapacity < 10) {
    throw new RangeError(`settings.logcatCapacity must be an integer >= 10, got ${settings.logcatCapacity}`);
  }
  let heartbeatMs: number;
  try {
    heartbeatMs = parseDuration(settings.imHeartbeatInterval);
  } catch (e) {
    throw new RangeError(`settings.imHeartbeatInterval: ${(e as Error).message}`);
  }
  if (heartbeatMs < 1000) throw new RangeError(`settings.imHeartbeatInterval must be at least 1s, got ${String(settings.imHeartbeatInterval)}`);
  return settings;
}
