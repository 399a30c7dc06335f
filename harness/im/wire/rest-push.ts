/**
 * `all_member_push/*`: attribute names, user attributes and tags, and `im_push` (push to all
 * users or to a tag/attribute audience) through the same per-device decision as sendmsg.
 */
import type { ImCore } from '../core.ts';
import { IM_LIMITS, ImError } from '../errors.ts';
import type { PushCondition } from '../rules/push-audience.ts';
import { validUserId } from './rest-accounts.ts';
import { parseCommon } from './rest-messages.ts';
import type { JsonObject, RestCommand } from './rest.ts';

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function accounts(core: ImCore, v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every(validUserId)) throw new ImError('INVALID_PARAMETER', 'To_Account must be a non-empty array of UserIDs');
  if (v.length > IM_LIMITS.sendTargets) throw new ImError('ACCOUNTS_TOO_MANY');
  for (const u of v) if (!core.accounts.has(u)) throw new ImError('ACCOUNT_NOT_IMPORTED', u);
  return v;
}

/** `{"UserAttrs":[{To_Account, Attrs}]}` (the docs) or one `{To_Account, Attrs}` (the OpenAPI description). */
function perUser<T>(core: ImCore, body: JsonObject, listKey: string, valueKey: string, check: (v: unknown) => v is T): Array<{ userId: string; value: T }> {
  const items = Array.isArray(body[listKey]) ? (body[listKey] as unknown[]) : [body];
  if (items.length === 0 || items.length > IM_LIMITS.sendTargets) throw new ImError('ACCOUNTS_TOO_MANY');
  return items.map((item) => {
    if (!isObject(item) || !validUserId(item.To_Account)) throw new ImError('INVALID_PARAMETER', `${listKey} entries need To_Account`);
    if (!core.accounts.has(item.To_Account)) throw new ImError('ACCOUNT_NOT_IMPORTED', item.To_Account);
    if (!check(item[valueKey])) throw new ImError('INVALID_PARAMETER', `${valueKey} has the wrong type`);
    return { userId: item.To_Account, value: item[valueKey] as T };
  });
}

const isStringMap = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === 'string');

function condition(v: unknown): PushCondition | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw new ImError('INVALID_PARAMETER', 'Condition must be an object');
  const c: PushCondition = {};
  for (const [key, field] of [['TagsAnd', 'tagsAnd'], ['TagsOr', 'tagsOr']] as const) {
    if (v[key] === undefined) continue;
    if (!isStringArray(v[key])) throw new ImError('INVALID_PARAMETER', `${key} must be an array of tags`);
    c[field] = v[key];
  }
  for (const [key, field] of [['AttrsAnd', 'attrsAnd'], ['AttrsOr', 'attrsOr']] as const) {
    if (v[key] === undefined) continue;
    if (!isStringMap(v[key])) throw new ImError('PUSH_ATTR_INVALID', `${key} must map attribute names to strings`);
    c[field] = v[key];
  }
  return c;
}

export function pushCommands(core: ImCore): Record<string, RestCommand> {
  const { audience } = core;
  return {
    'all_member_push/im_set_attr_name': (body) => {
      const names = body.AttrNames;
      if (!isStringMap(names) || !Object.keys(names).every((k) => /^[0-9]$/.test(k))) throw new ImError('PUSH_ATTR_INVALID', 'AttrNames maps "0".."9" to names');
      audience.setAttrNames(names);
      return {};
    },
    'all_member_push/im_get_attr_name': () => ({ AttrNames: audience.getAttrNames() }),
    'all_member_push/im_set_attr': (body) => {
      const items = perUser(core, body, 'UserAttrs', 'Attrs', isStringMap);
      for (const { userId, value } of items) audience.setAttrs(userId, value);
      return {};
    },
    'all_member_push/im_get_attr': (body) => ({ UserAttrs: accounts(core, body.To_Account).map((u) => ({ To_Account: u, Attrs: audience.attrsOf(u) })) }),
    'all_member_push/im_remove_attr': (body) => {
      for (const { userId, value } of perUser(core, body, 'UserAttrs', 'Attrs', isStringArray)) audience.removeAttrs(userId, value);
      return {};
    },
    'all_member_push/im_add_tag': (body) => {
      for (const { userId, value } of perUser(core, body, 'UserTags', 'Tags', isStringArray)) audience.addTags(userId, value);
      return {};
    },
    'all_member_push/im_get_tag': (body) => ({ UserTags: accounts(core, body.To_Account).map((u) => ({ To_Account: u, Tags: audience.tagsOf(u) })) }),
    'all_member_push/im_remove_tag': (body) => {
      for (const { userId, value } of perUser(core, body, 'UserTags', 'Tags', isStringArray)) audience.removeTags(userId, value);
      return {};
    },
    'all_member_push/im_remove_all_tags': (body) => {
      for (const u of accounts(core, body.To_Account)) audience.removeAllTags(u);
      return {};
    },
    'all_member_push/im_push': async (body, { identifier }) => {
      if (Buffer.byteLength(JSON.stringify(body)) > IM_LIMITS.pushBodyBytes) throw new ImError('PUSH_TOO_LARGE');
      const c = condition(body.Condition);
      const common = parseCommon(core, body, identifier);
      // MsgLifeTime defaults to 0 here ("not stored, online users only", per the API reference).
      const lifeTime = body.MsgLifeTime ?? 0;
      const { message } = await core.pushToAll({ ...common, onlineOnly: lifeTime === 0 }, c);
      return { TaskId: message.taskId };
    },
  };
}
