/** `im_open_login_svc/*`: account_import, multiaccount_import, account_check, account_delete, kick. */
import type { ImCore } from '../core.ts';
import { IM_ERRORS, IM_LIMITS, ImError } from '../errors.ts';
import type { JsonObject, RestCommand } from './rest.ts';

/** `UserID` (current docs) or `Identifier` (older docs, most third-party clients). */
export function readUserId(body: JsonObject): string {
  const v = body.UserID ?? body.Identifier;
  if (v === undefined) throw new ImError('INVALID_PARAMETER', 'UserID missing');
  if (typeof v !== 'string') throw new ImError('USERID_NOT_STRING');
  if (!validUserId(v)) throw new ImError('INVALID_PARAMETER', `UserID must be 1-${IM_LIMITS.userIdBytes} bytes`);
  return v;
}

export function validUserId(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && Buffer.byteLength(v) <= IM_LIMITS.userIdBytes;
}

function optionalString(body: JsonObject, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ImError('INVALID_PARAMETER', `${key} must be a string`);
  return v;
}

function batch(body: JsonObject, key: string, max: number): unknown[] {
  const v = body[key];
  if (!Array.isArray(v) || v.length === 0) throw new ImError('INVALID_PARAMETER', `${key} must be a non-empty array`);
  if (v.length > max) throw new ImError('BAD_BATCH_COUNT', `at most ${max} per call`);
  return v;
}

export function accountCommands(core: ImCore): Record<string, RestCommand> {
  const { accounts } = core;
  return {
    'im_open_login_svc/account_import': (body) => {
      const userId = readUserId(body);
      const profile: { nick?: string; faceUrl?: string } = {};
      const nick = optionalString(body, 'Nick');
      const faceUrl = optionalString(body, 'FaceUrl');
      if (nick !== undefined) profile.nick = nick;
      if (faceUrl !== undefined) profile.faceUrl = faceUrl;
      accounts.import(userId, profile);
      return {};
    },
    'im_open_login_svc/multiaccount_import': (body) => {
      const FailAccounts: unknown[] = [];
      for (const id of batch(body, 'Accounts', IM_LIMITS.importBatch)) {
        if (validUserId(id) && !accounts.isDeleted(id)) accounts.import(id);
        else FailAccounts.push(id);
      }
      return { FailAccounts };
    },
    'im_open_login_svc/account_check': (body) => {
      const ResultItem = batch(body, 'CheckItem', IM_LIMITS.checkBatch).map((item) => {
        const userId = (item as { UserID?: unknown } | null)?.UserID;
        if (typeof userId !== 'string') return { UserID: userId ?? null, ResultCode: IM_ERRORS.USERID_NOT_STRING[0], ResultInfo: IM_ERRORS.USERID_NOT_STRING[1] };
        return { UserID: userId, ResultCode: 0, ResultInfo: '', AccountStatus: accounts.has(userId) ? 'Imported' : 'NotImported' };
      });
      return { ResultItem };
    },
    'im_open_login_svc/account_delete': (body) => {
      const ResultItem = batch(body, 'DeleteItem', IM_LIMITS.deleteBatch).map((item) => {
        const userId = (item as { UserID?: unknown } | null)?.UserID;
        if (typeof userId !== 'string') return { UserID: userId ?? null, ResultCode: IM_ERRORS.USERID_NOT_STRING[0], ResultInfo: IM_ERRORS.USERID_NOT_STRING[1] };
        if (!core.deleteAccount(userId)) return { UserID: userId, ResultCode: IM_ERRORS.ACCOUNT_NOT_IMPORTED[0], ResultInfo: IM_ERRORS.ACCOUNT_NOT_IMPORTED[1] };
        return { UserID: userId, ResultCode: 0, ResultInfo: '' };
      });
      return { ResultItem };
    },
    'im_open_login_svc/kick': (body) => {
      const userId = readUserId(body);
      if (!accounts.has(userId)) throw new ImError('ACCOUNT_NOT_IMPORTED', userId);
      accounts.markKicked(userId);
      core.sessions.kickUser(userId);
      return {};
    },
  };
}
