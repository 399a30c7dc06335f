/**
 * Renders the OPPO unicast `message` for one vendor push: certificate (click action, channel) +
 * message (title, content, Ext, AndroidInfo) + token. Notes what OPPO cannot carry.
 */
import { LIMITS } from '../../../mock-oppo/core/notification.ts';
import { DEFAULT_SETTINGS as OPPO_DEFAULTS } from '../../../mock-oppo/core/settings.ts';
import type { CertificateConfig, ClickAction } from '../rules/certificates.ts';
import { parseExt, type ImMessage } from '../rules/messages.ts';
import type { DefaultTitle } from '../settings.ts';

/** OPPO `target_type` for a registration id. */
const TARGET_REGISTRATION_ID = 2;
/** OPPO `style` 2 = long text, what `AndroidInfo.PushStyle` 1 (big text) asks for. */
const STYLE_LONG_TEXT = 2;

function clickFields(action: ClickAction): Record<string, unknown> {
  switch (action.type) {
    case 'open_app':
      return { click_action_type: 0 };
    case 'intent_action':
      return { click_action_type: 1, click_action_activity: action.action };
    case 'open_url':
      return { click_action_type: 2, click_action_url: action.url };
    case 'open_activity':
      return { click_action_type: 4, click_action_activity: action.activity };
  }
}

/** Cuts to `max` characters (code points, as OPPO counts them) and says so. */
function fit(value: string, max: number, field: string, ignored: string[]): string {
  const chars = [...value];
  if (chars.length <= max) return value;
  ignored.push(`${field} shortened from ${chars.length} to ${max} characters (OPPO limit)`);
  return chars.slice(0, max).join('');
}

export function pushTitle(m: ImMessage, senderNick: string | undefined, rule: DefaultTitle): string {
  if (m.offlinePush?.Title) return m.offlinePush.Title;
  return rule.from === 'fixed' ? rule.text : senderNick || m.from;
}

export function buildOppoUnicast(p: {
  certificate: CertificateConfig;
  token: string;
  message: ImMessage;
  title: string;
  content: string;
}): { message: Record<string, unknown>; ignored: string[] } {
  const ignored: string[] = [];
  const info = p.message.offlinePush;
  const android = info?.AndroidInfo;
  const notification: Record<string, unknown> = {
    title: fit(p.title, LIMITS.title, 'title', ignored),
    content: fit(p.content, OPPO_DEFAULTS.contentMaxStyle1, 'content', ignored),
    ...clickFields(p.certificate.clickAction),
    // MsgKey as OPPO's dedupe key: a retried unicast is shown at most once per device.
    app_message_id: p.message.msgKey,
  };
  const ext = parseExt(info?.Ext);
  if (ext.kind === 'object') notification.action_parameters = ext.text;
  if (ext.kind === 'not_object') ignored.push('Ext dropped: not a JSON object (OPPO takes only a JSON object as action_parameters)');
  const channel = android?.OPPOChannelID || p.certificate.channelId;
  if (channel) notification.channel_id = channel;
  if (android?.OPPOCategory) notification.category = android.OPPOCategory;
  if (typeof android?.OPPONotifyLevel === 'number') notification.notify_level = android.OPPONotifyLevel;
  if (android?.PushStyle === 1) notification.style = STYLE_LONG_TEXT;
  if (android?.Sound) ignored.push('AndroidInfo.Sound ignored: OPPO does not support custom sounds');
  for (const e of p.message.body) {
    if (e.MsgType === 'TIMCustomElem' && e.MsgContent.Sound) ignored.push('TIMCustomElem.Sound ignored: OPPO does not support custom sounds');
  }
  return { message: { target_type: TARGET_REGISTRATION_ID, target_value: p.token, notification }, ignored };
}
