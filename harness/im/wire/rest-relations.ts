/** `profile/portrait_set|get` and `sns/black_list_add|delete|check|get`. */
import type { ImCore } from '../core.ts';
import { IM_ERRORS, IM_LIMITS, ImError, type ImErrorName } from '../errors.ts';
import { validUserId } from './rest-accounts.ts';
import type { JsonObject, RestCommand } from './rest.ts';

/** Standard profile tags (Tag_Profile_IM_*); custom ones are Tag_Profile_Custom_<name>. */
const STANDARD_TAGS = new Set([
  'Tag_Profile_IM_Nick', 'Tag_Profile_IM_Gender', 'Tag_Profile_IM_BirthDay', 'Tag_Profile_IM_Location', 'Tag_Profile_IM_SelfSignature',
  'Tag_Profile_IM_AllowType', 'Tag_Profile_IM_Language', 'Tag_Profile_IM_Image', 'Tag_Profile_IM_MsgSettings', 'Tag_Profile_IM_AdminForbidType',
  'Tag_Profile_IM_Level', 'Tag_Profile_IM_Role',
]);

const isKnownTag = (tag: string) => STANDARD_TAGS.has(tag) || /^Tag_Profile_Custom_\w{1,8}$/.test(tag);

function userList(body: JsonObject, key: string, max: number, param: ImErrorName): string[] {
  const v = body[key];
  if (!Array.isArray(v) || v.length === 0 || !v.every(validUserId)) throw new ImError(param, `${key} must be a non-empty array of UserIDs`);
  if (v.length > max) throw new ImError(param, `at most ${max} accounts in ${key}`);
  return v;
}

function fromAccount(core: ImCore, body: JsonObject, param: ImErrorName, missing: ImErrorName): string {
  const from = body.From_Account;
  if (!validUserId(from)) throw new ImError(param, 'From_Account missing');
  if (!core.accounts.has(from)) throw new ImError(missing, from);
  return from;
}

export function relationCommands(core: ImCore): Record<string, RestCommand> {
  const { accounts, blacklists } = core;
  const result = (userId: string, name: ImErrorName | 'OK') => ({ To_Account: userId, ResultCode: IM_ERRORS[name][0], ResultInfo: IM_ERRORS[name][1] });
  return {
    'profile/portrait_set': (body) => {
      const from = fromAccount(core, body, 'PROFILE_PARAM', 'PROFILE_ACCOUNT_MISSING');
      const items = body.ProfileItem;
      if (!Array.isArray(items) || items.length === 0) throw new ImError('PROFILE_PARAM', 'ProfileItem must be a non-empty array');
      const parsed = items.map((item) => {
        const { Tag, Value } = (item ?? {}) as JsonObject;
        if (typeof Tag !== 'string') throw new ImError('PROFILE_PARAM', 'ProfileItem needs a Tag');
        if (!isKnownTag(Tag)) throw new ImError('PROFILE_TAG_UNKNOWN', Tag);
        if (typeof Value !== 'string' && typeof Value !== 'number') throw new ImError('PROFILE_PARAM', `${Tag}: Value must be a string or a number`);
        const value = String(Value);
        if (Buffer.byteLength(value) > IM_LIMITS.profileValueBytes) throw new ImError('PROFILE_VALUE_TOO_LONG', Tag);
        return { tag: Tag, value };
      });
      accounts.setProfile(from, parsed);
      return {};
    },
    'profile/portrait_get': (body) => {
      const ids = userList(body, 'To_Account', IM_LIMITS.profileAccounts, 'PROFILE_PARAM');
      const tags = body.TagList;
      if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => typeof t === 'string')) throw new ImError('PROFILE_PARAM', 'TagList must be a non-empty array of tags');
      const Fail_Account: string[] = [];
      const UserProfileItem = ids.map((userId) => {
        const account = accounts.get(userId);
        if (!account) {
          Fail_Account.push(userId);
          return { ProfileItem: [], ...result(userId, 'PROFILE_ACCOUNT_MISSING') };
        }
        const ProfileItem = (tags as string[]).flatMap((tag) => {
          const value = accounts.profileValue(account, tag);
          return value === undefined ? [] : [{ Tag: tag, Value: value }];
        });
        return { To_Account: userId, ProfileItem, ResultCode: 0, ResultInfo: '' };
      });
      return Fail_Account.length > 0 ? { UserProfileItem, Fail_Account } : { UserProfileItem };
    },
    'sns/black_list_add': (body) => {
      const from = fromAccount(core, body, 'SNS_PARAM', 'SNS_ACCOUNT_MISSING');
      const ids = userList(body, 'To_Account', IM_LIMITS.blacklistBatch, 'SNS_PARAM');
      const Fail_Account: string[] = [];
      const ResultItem = ids.map((userId) => {
        if (!accounts.has(userId) || userId === from) {
          Fail_Account.push(userId);
          return result(userId, accounts.has(userId) ? 'SNS_PARAM' : 'SNS_ACCOUNT_MISSING');
        }
        blacklists.add(from, userId, core.clock.now());
        return result(userId, 'OK');
      });
      return Fail_Account.length > 0 ? { ResultItem, Fail_Account } : { ResultItem };
    },
    'sns/black_list_delete': (body) => {
      const from = fromAccount(core, body, 'SNS_PARAM', 'SNS_ACCOUNT_MISSING');
      const ids = userList(body, 'To_Account', IM_LIMITS.blacklistBatch, 'SNS_PARAM');
      // [uncertain] deleting someone who was not blocked: answered as success, as for a repeated add.
      return { ResultItem: ids.map((userId) => (blacklists.delete(from, userId), result(userId, 'OK'))) };
    },
    'sns/black_list_check': (body) => {
      const from = fromAccount(core, body, 'SNS_PARAM', 'SNS_ACCOUNT_MISSING');
      const ids = userList(body, 'To_Account', IM_LIMITS.blacklistBatch, 'SNS_PARAM');
      const type = body.CheckType;
      if (type !== 'BlackCheckResult_Type_Both' && type !== 'BlackCheckResult_Type_Single') {
        throw new ImError('SNS_PARAM', 'CheckType must be BlackCheckResult_Type_Both or BlackCheckResult_Type_Single');
      }
      return {
        BlackListCheckItem: ids.map((userId) => ({ To_Account: userId, Relation: blacklists.relation(from, userId, type === 'BlackCheckResult_Type_Both'), ResultCode: 0, ResultInfo: '' })),
      };
    },
    'sns/black_list_get': (body) => {
      const from = fromAccount(core, body, 'SNS_PARAM', 'SNS_ACCOUNT_MISSING');
      const items = blacklists.list(from);
      return { BlackListItem: items.map((i) => ({ To_Account: i.userId, AddBlackTimeStamp: Math.floor(i.at / 1000) })), StartIndex: 0, CurruentSequence: items.length };
    },
  };
}
