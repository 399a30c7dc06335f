/**
 * The offline-push decision for one recipient device (reference §5.3): exactly one outcome and
 * one machine-readable reason. Checks run in this order, so the first that applies names the
 * reason: device state → foreground → message flags → content → token → certificate → Ext.
 */
import type { CertificateStore, CertificateConfig } from './certificates.ts';
import { parseExt, type ImMessage } from './messages.ts';
import type { PushToken, Session } from './sessions.ts';

export type SuppressReason =
  /** The recipient never logged in on any device. */
  | 'no_device'
  | 'logged_out'
  /** Kicked by a later login on the same platform (detail login_elsewhere) or REST kick (rest_kick). */
  | 'kicked'
  | 'push_online_lapsed'
  /** MsgLifeTime 0 / OnlineOnlyFlag 1. [inferred] */
  | 'online_only'
  | 'push_flag_off'
  /** Only a custom element and no Desc anywhere. */
  | 'nothing_to_show'
  | 'no_token'
  /** setOfflinePushConfig came before login (21005) and never again after it. */
  | 'token_before_login'
  /** Another user's login on the same phone reported this login's token, which moved to it (detail: that user). */
  | 'token_moved'
  | 'no_certificate'
  /** The certificate was saved less than the activation delay ago and has no earlier version. */
  | 'certificate_inactive'
  /** Only with setting nonObjectExt = 'skip_push'. */
  | 'ext_not_json_object';

export type Decision =
  | { decision: 'online'; reason: 'app_in_foreground' }
  | {
      decision: 'vendor_push';
      /** app_in_background: doBackground was called; push_online: killed or network gone. */
      reason: 'app_in_background' | 'push_online';
      detail?: string;
      certificate: CertificateConfig;
      certificateVersion: number;
      pendingEditEffectiveAt?: number;
      token: PushToken;
    }
  | { decision: 'suppressed'; reason: SuppressReason; detail?: string };

const suppressed = (reason: SuppressReason, detail?: string): Decision => (detail === undefined ? { decision: 'suppressed', reason } : { decision: 'suppressed', reason, detail });

export function decide(s: Session, m: ImMessage, content: string, certificates: CertificateStore, nonObjectExt: 'drop_ext' | 'skip_push'): Decision {
  if (s.state === 'offline') {
    switch (s.cause) {
      case 'kicked_login_elsewhere':
        return suppressed('kicked', 'login_elsewhere');
      case 'kicked_rest':
        return suppressed('kicked', 'rest_kick');
      case 'push_online_lapsed':
        return suppressed('push_online_lapsed');
      default:
        return suppressed('logged_out');
    }
  }
  if (s.state === 'online') return { decision: 'online', reason: 'app_in_foreground' };
  if (m.onlineOnly) return suppressed('online_only');
  if (m.offlinePush?.PushFlag === 1) return suppressed('push_flag_off');
  if (content === '') return suppressed('nothing_to_show');
  if (!s.token && s.tokenMovedTo) return suppressed('token_moved', `to ${s.tokenMovedTo.userId}`);
  if (!s.token) return suppressed(s.tokenReportedBeforeLogin ? 'token_before_login' : 'no_token');
  const cert = certificates.lookup(s.token.businessId);
  if (cert.status === 'missing') return suppressed('no_certificate', `certificate ${s.token.businessId}`);
  if (cert.status === 'inactive') return suppressed('certificate_inactive', `certificate ${s.token.businessId} takes effect at ${new Date(cert.effectiveAt).toISOString()}`);
  if (nonObjectExt === 'skip_push' && parseExt(m.offlinePush?.Ext).kind === 'not_object') return suppressed('ext_not_json_object');
  const decision: Decision = {
    decision: 'vendor_push',
    reason: s.state === 'background' ? 'app_in_background' : 'push_online',
    certificate: cert.config,
    certificateVersion: cert.version,
    token: s.token,
  };
  if (s.state === 'push_online') decision.detail = s.cause;
  // The user logged out on the phone, but the logout never reached the server (lab-only knowledge).
  if (s.logoutNotDeliveredAt !== undefined) decision.detail = 'logout_not_delivered';
  if (cert.pendingEffectiveAt !== undefined) decision.pendingEditEffectiveAt = cert.pendingEffectiveAt;
  return decision;
}
