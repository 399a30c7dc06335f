/**
 * The offline-push decision for one recipient device (reference §5.3): exactly one outcome and
 * one machine-readable reason. Checks run in this order, so the first that applies names the
 * reason: device state → foreground → the member's group flag → message flags → content → token
 * → certificate → Ext.
 */
import type { ReasonAt } from '../../../mock-oppo/core/reasons.ts';
import type { CertificateStore, CertificateConfig } from './certificates.ts';
import { parseExt, type ImMessage } from './messages.ts';
import type { PushToken, Session } from './sessions.ts';

/**
 * Why IM pushed nothing to a device: the IM reasons of the shared vocabulary (mock-oppo/core/reasons.ts,
 * where each has its meaning and fix). `kicked` carries detail login_elsewhere or rest_kick.
 */
export type SuppressReason = ReasonAt<'im', 'lost'>;

export type Decision =
  | { decision: 'online'; reason: ReasonAt<'im', 'online'> }
  | {
      decision: 'vendor_push';
      /** app_in_background: doBackground was called; push_online: killed or network gone. */
      reason: ReasonAt<'im', 'passed'>;
      detail?: string;
      certificate: CertificateConfig;
      certificateVersion: number;
      pendingEditEffectiveAt?: number;
      token: PushToken;
    }
  | { decision: 'suppressed'; reason: SuppressReason; detail?: string };

const suppressed = (reason: SuppressReason, detail?: string): Decision => (detail === undefined ? { decision: 'suppressed', reason } : { decision: 'suppressed', reason, detail });

/** `muted`: a group member with MsgFlag AcceptNotNotify (gets the message online, never a push). */
export function decide(s: Session, m: ImMessage, content: string, certificates: CertificateStore, nonObjectExt: 'drop_ext' | 'skip_push', muted = false): Decision {
  if (s.state === 'offline') {
    switch (s.cause) {
      case 'kicked_login_elsewhere':
        return suppressed('kicked', 'login_elsewhere');
      case 'kicked_rest':
        return suppressed('kicked', 'rest_kick');
      case 'push_online_lapsed':
        return suppressed('push_online_lapsed');
      case 'account_deleted':
        return suppressed('account_deleted');
      default:
        return suppressed('logged_out');
    }
  }
  if (s.state === 'online') return { decision: 'online', reason: 'app_in_foreground' };
  if (muted) return suppressed('group_muted', m.group?.groupId);
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
