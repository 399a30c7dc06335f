/**
 * Reads a notification from the wire (a `message.notification` JSON object, or the flattened
 * form of save_message_content) and checks every field against its documented limit.
 * Real clients send numbers as strings, booleans as "true"/"false", and empty strings or zeros
 * for unset fields (reference §3); all of that is accepted. Unknown fields are ignored.
 */
import { CODES, OppoError } from '../core/codes.ts';
import { LIMITS, NOTIFY_LEVELS, PRIVATE_CATEGORIES, PUBLIC_CATEGORIES, type NotificationSpec } from '../core/notification.ts';
import type { MockSettings } from '../core/settings.ts';
import type { Form } from './form.ts';

/** Reads one field by its snake_case name; form and JSON sources both fit. */
export interface FieldSource {
  get(name: string): unknown;
  /** Every field as received (for the journal). */
  entries(): Array<[string, unknown]>;
}

const CLICK_ACTION_TYPES = new Set([0, 1, 2, 4, 5]);

function missing(field: string): OppoError {
  return new OppoError(CODES.MISSING_ARGUMENTS, `${field} is required`);
}

function invalid(field: string, why: string): OppoError {
  return new OppoError(CODES.INVALID_ARGUMENTS, `${field} ${why}`);
}

/** Characters as OPPO counts them: every code point (CJK, emoji) is one. */
function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export function readString(get: FieldSource, field: string, max?: number): string | undefined {
  const value = get.get(field);
  if (isUnset(value)) return undefined;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else throw invalid(field, 'must be a string');
  // Code points never outnumber UTF-16 units, so only a long text needs counting.
  if (max !== undefined && text.length > max && (text.length > max * 2 || charLength(text) > max)) throw invalid(field, `exceeds ${max} characters`);
  return text;
}

/** Integers arrive as numbers or decimal strings; 0 is kept (the caller decides whether 0 means unset). */
export function readInt(get: FieldSource, field: string, min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = get.get(field);
  if (isUnset(value)) return undefined;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())) n = Number(value.trim());
  else throw invalid(field, 'must be an integer');
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid(field, `must be an integer in ${min}..${max}`);
  return n;
}

export function readBool(get: FieldSource, field: string): boolean | undefined {
  const value = get.get(field);
  if (isUnset(value)) return undefined;
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  throw invalid(field, 'must be true or false');
}

/** `action_parameters`: a JSON object serialised to text (some clients send the object itself). */
function readActionParameters(get: FieldSource): Record<string, string> {
  const value = get.get('action_parameters');
  if (isUnset(value)) return {};
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'object' && !Array.isArray(value)) text = JSON.stringify(value);
  else throw invalid('action_parameters', 'must be a JSON object text');
  if (text.length > LIMITS.actionParameters) throw invalid('action_parameters', `exceeds ${LIMITS.actionParameters} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('action_parameters', 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('action_parameters', 'must be a JSON object');
  const out: Record<string, string> = {};
  for (const key of Object.keys(parsed)) {
    const v = (parsed as Record<string, unknown>)[key];
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    // `__proto__` must become an own key, not the prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
    else out[key] = text;
  }
  return out;
}

function readUrl(get: FieldSource, field: string, max: number): string | undefined {
  const url = readString(get, field, max);
  if (url === undefined) return undefined;
  if (!URL.canParse(url)) throw invalid(field, 'is not a URL');
  return url;
}

export interface NotificationContext {
  /** save_message_content (broadcast) allows style 3, fix_speed and scheduled pushes. */
  broadcast: boolean;
  settings: MockSettings;
}

export function readNotification(get: FieldSource, ctx: NotificationContext): NotificationSpec {
  const { settings } = ctx;
  const title = readString(get, 'title', LIMITS.title);
  if (title === undefined) throw missing('title');
  const subTitle = readString(get, 'sub_title', LIMITS.subTitle);

  const style = readInt(get, 'style', 0, 100) || 1;
  if (style === 4 || style === 5) throw invalid('style', `${style} needs the paid value-added API`);
  if (style < 1 || style > 3) throw invalid('style', 'must be 1, 2 or 3');
  if (style === 3 && !ctx.broadcast) throw invalid('style', '3 (big picture) is for broadcast only');
  const contentMax = style === 1 ? settings.contentMaxStyle1 : style === 2 ? LIMITS.contentStyle2 : LIMITS.contentStyle3;
  const content = readString(get, 'content', contentMax);
  if (content === undefined) throw missing('content');
  const bigPictureId = readString(get, 'big_picture_id');
  if (style === 3 && bigPictureId === undefined) throw missing('big_picture_id');
  const smallPictureId = readString(get, 'small_picture_id');

  const clickActionType = readInt(get, 'click_action_type', 0, 100) ?? 0;
  if (!CLICK_ACTION_TYPES.has(clickActionType)) throw invalid('click_action_type', 'must be 0, 1, 2, 4 or 5');
  const clickActionActivity = readString(get, 'click_action_activity', LIMITS.clickActionActivity);
  const clickActionUrl = readString(get, 'click_action_url', LIMITS.clickActionUrl);
  if ((clickActionType === 1 || clickActionType === 4) && clickActionActivity === undefined) throw missing('click_action_activity');
  if ((clickActionType === 2 || clickActionType === 5) && clickActionUrl === undefined) throw missing('click_action_url');
  const actionParameters = readActionParameters(get);

  const showTimeType = readInt(get, 'show_time_type', 0, 1) ?? 0;
  const showStart = readInt(get, 'show_start_time', 0) || undefined;
  const showEnd = readInt(get, 'show_end_time', 0) || undefined;
  if (showTimeType === 1) {
    if (showStart === undefined) throw missing('show_start_time');
    if (showEnd === undefined) throw missing('show_end_time');
    if (showStart >= showEnd) throw invalid('show_start_time', 'must be before show_end_time');
  }

  const offLine = readBool(get, 'off_line') ?? true;
  // 0 reads as unset: one Go client sends every field, zeros included.
  let offLineTtl = readInt(get, 'off_line_ttl', 0) || LIMITS.offLineTtlDefault;
  if (offLineTtl > LIMITS.offLineTtlMax) {
    if (settings.offlineTtlOverMax === 'reject') throw invalid('off_line_ttl', `exceeds ${LIMITS.offLineTtlMax} s`);
    offLineTtl = LIMITS.offLineTtlMax;
  }

  const pushTimeType = readInt(get, 'push_time_type', 0, 1) ?? 0;
  const pushStartTime = readInt(get, 'push_start_time', 0) || undefined;
  if (pushTimeType === 1 && !ctx.broadcast) throw invalid('push_time_type', 'scheduled push is for broadcast to all users only');
  if (pushTimeType === 1 && pushStartTime === undefined) throw missing('push_start_time');
  const fixSpeed = readBool(get, 'fix_speed') ?? false;
  if (fixSpeed && !ctx.broadcast) throw invalid('fix_speed', 'is for broadcast only');
  const fixSpeedRate = readInt(get, 'fix_speed_rate', 0) || undefined;
  if (fixSpeed && (fixSpeedRate === undefined || fixSpeedRate < LIMITS.fixSpeedRateMin || fixSpeedRate > LIMITS.fixSpeedRateMax)) {
    throw invalid('fix_speed_rate', `must be ${LIMITS.fixSpeedRateMin}–${LIMITS.fixSpeedRateMax} with fix_speed`);
  }
  const timeZone = readString(get, 'time_zone', 64) ?? 'GMT+08:00';

  const networkType = readInt(get, 'network_type', 0, 100) ?? 0;
  if (networkType !== 0 && networkType !== 1) throw invalid('network_type', 'must be 0 or 1');
  const callBackUrl = readUrl(get, 'call_back_url', LIMITS.callBackUrl);
  const callBackParameter = readString(get, 'call_back_parameter', LIMITS.callBackParameter);
  const channelId = readString(get, 'channel_id', 200);

  const showTtl = readInt(get, 'show_ttl', 0) || undefined;
  if (showTtl !== undefined) {
    if (settings.showTtlRule === 'legacy' && (showTtl < LIMITS.showTtlLegacyMin || showTtl > LIMITS.showTtlLegacyMax)) {
      throw invalid('show_ttl', `must be ${LIMITS.showTtlLegacyMin}–${LIMITS.showTtlLegacyMax} s`);
    }
    if (settings.showTtlRule === 'new' && showTtl > LIMITS.showTtlPrivateMax) throw invalid('show_ttl', `must be ≤ ${LIMITS.showTtlPrivateMax} s`);
  }
  const notifyId = readInt(get, 'notify_id', 0, 2_147_483_647) || undefined;

  const category = readString(get, 'category', 64);
  if (category !== undefined && !PRIVATE_CATEGORIES.has(category) && !PUBLIC_CATEGORIES.has(category)) {
    throw new OppoError(CODES.CATEGORY_ERROR, `unknown category ${category}`);
  }
  let notifyLevel: number | undefined;
  try {
    notifyLevel = readInt(get, 'notify_level', 0, 1000) || undefined;
  } catch {
    throw new OppoError(CODES.CATEGORY_ERROR, 'notify_level must be 1, 2 or 16');
  }
  if (notifyLevel !== undefined && !NOTIFY_LEVELS.has(notifyLevel)) throw new OppoError(CODES.CATEGORY_ERROR, 'notify_level must be 1, 2 or 16');
  const appMessageId = readString(get, 'app_message_id', 200);

  // Built field by field (not with conditional spreads): this runs once per pushed message.
  const notification: NotificationSpec['notification'] = { title, content, style, clickActionType: clickActionType as 0 | 1 | 2 | 4 | 5, actionParameters, networkType: networkType as 0 | 1 };
  if (subTitle !== undefined) notification.subTitle = subTitle;
  if (clickActionActivity !== undefined) notification.clickActionActivity = clickActionActivity;
  if (clickActionUrl !== undefined) notification.clickActionUrl = clickActionUrl;
  if (channelId !== undefined) notification.channelId = channelId;
  if (notifyId !== undefined) notification.notifyId = notifyId;
  if (showTtl !== undefined) notification.showTtl = showTtl;
  if (showTimeType === 1) {
    notification.showStartTime = showStart;
    notification.showEndTime = showEnd;
  }
  if (category !== undefined) notification.category = category;
  if (notifyLevel !== undefined) notification.notifyLevel = notifyLevel;
  if (smallPictureId !== undefined) notification.smallPictureId = smallPictureId;
  if (bigPictureId !== undefined) notification.bigPictureId = bigPictureId;
  const spec: NotificationSpec = { notification, offLine, offLineTtl, showTimeType: showTimeType as 0 | 1, pushTimeType: pushTimeType as 0 | 1, fixSpeed, timeZone };
  if (appMessageId !== undefined) spec.appMessageId = appMessageId;
  if (callBackUrl !== undefined) spec.callBackUrl = callBackUrl;
  if (callBackParameter !== undefined) spec.callBackParameter = callBackParameter;
  if (pushStartTime !== undefined) spec.pushStartTime = pushStartTime;
  if (fixSpeedRate !== undefined) spec.fixSpeedRate = fixSpeedRate;
  return spec;
}

/** Field reader over a parsed JSON object: own properties only, so `__proto__`/`constructor` never leak in. */
class JsonFields implements FieldSource {
  constructor(private readonly obj: Record<string, unknown>) {}

  get(name: string): unknown {
    const value = this.obj[name];
    // Most fields are absent: check ownership only for a value that might be inherited.
    return value !== undefined && Object.hasOwn(this.obj, name) ? value : undefined;
  }

  entries(): Array<[string, unknown]> {
    return Object.entries(this.obj);
  }
}

export function jsonFields(obj: Record<string, unknown>): FieldSource {
  return new JsonFields(obj);
}

/** Field reader over a form body, then the query string (as a servlet's getParameter). */
export class FormFields implements FieldSource {
  constructor(
    private readonly form: Form,
    private readonly query: Form,
  ) {}

  get(name: string): unknown {
    return this.form[name] ?? this.query[name];
  }

  entries(): Array<[string, unknown]> {
    return [...Object.entries(this.query), ...Object.entries(this.form)];
  }
}
