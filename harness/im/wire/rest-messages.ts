/** `openim/sendmsg` and `openim/batchsendmsg`: validation in the real codes, then core.send. */
import type { ImCore } from '../core.ts';
import { IM_ERRORS, IM_LIMITS, ImError } from '../errors.ts';
import { bodyBytes, type AndroidInfo, type MessageDraft, type MsgElement, type OfflinePushInfo } from '../rules/messages.ts';
import type { JsonObject, RestCommand } from './rest.ts';
import { validUserId } from './rest-accounts.ts';

const UINT32_MAX = 4_294_967_295;
const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isUint32 = (v: unknown): v is number => isInt(v) && v >= 0 && v <= UINT32_MAX;

function parseBody(v: unknown): MsgElement[] {
  if (!Array.isArray(v)) throw new ImError('MSGBODY_NOT_ARRAY');
  if (v.length === 0) throw new ImError('MSGBODY_MALFORMED', 'MsgBody is empty');
  return v.map((e, i) => {
    if (!isObject(e) || typeof e.MsgType !== 'string' || !isObject(e.MsgContent)) throw new ImError('MSGBODY_MALFORMED', `element ${i} needs MsgType and an object MsgContent`);
    const c = e.MsgContent;
    if (e.MsgType === 'TIMTextElem' && typeof c.Text !== 'string') throw new ImError('MSGBODY_MALFORMED', `element ${i}: TIMTextElem needs Text`);
    if (e.MsgType === 'TIMCustomElem') {
      for (const k of ['Data', 'Desc', 'Ext', 'Sound']) {
        if (c[k] !== undefined && typeof c[k] !== 'string') throw new ImError('MSGBODY_MALFORMED', `element ${i}: TIMCustomElem.${k} must be a string`);
      }
    }
    return { MsgType: e.MsgType, MsgContent: c };
  });
}

function parseOfflinePushInfo(v: unknown): OfflinePushInfo | undefined {
  if (v === undefined) return undefined;
  const bad = (why: string) => new ImError('OFFLINEPUSHINFO_MALFORMED', why);
  if (!isObject(v)) throw bad('not an object');
  const info: OfflinePushInfo = {};
  if (v.PushFlag !== undefined) {
    if (v.PushFlag !== 0 && v.PushFlag !== 1) throw bad('PushFlag must be 0 or 1');
    info.PushFlag = v.PushFlag;
  }
  for (const k of ['Title', 'Desc', 'Ext'] as const) {
    if (v[k] === undefined) continue;
    if (typeof v[k] !== 'string') throw bad(`${k} must be a string`);
    info[k] = v[k];
  }
  if (v.AndroidInfo !== undefined) {
    if (!isObject(v.AndroidInfo)) throw bad('AndroidInfo must be an object');
    const a = v.AndroidInfo;
    for (const k of ['Sound', 'OPPOChannelID', 'OPPOCategory']) {
      if (a[k] !== undefined && typeof a[k] !== 'string') throw bad(`AndroidInfo.${k} must be a string`);
    }
    for (const k of ['OPPONotifyLevel', 'PushStyle']) {
      if (a[k] !== undefined && !isInt(a[k])) throw bad(`AndroidInfo.${k} must be an integer`);
    }
    info.AndroidInfo = a as AndroidInfo;
  }
  if (v.ApnsInfo !== undefined) {
    if (!isObject(v.ApnsInfo)) throw bad('ApnsInfo must be an object');
    info.ApnsInfo = v.ApnsInfo;
  }
  return info;
}

/** Everything of a send request except the recipients. */
export function parseCommon(core: ImCore, body: JsonObject, identifier: string): Omit<MessageDraft, 'to'> {
  const from = body.From_Account ?? identifier;
  if (!validUserId(from) || !core.accounts.has(from)) throw new ImError('FROM_ACCOUNT_INVALID');
  if (!isUint32(body.MsgRandom)) throw new ImError('MSGRANDOM_INVALID');
  if (body.MsgTimeStamp !== undefined && !isInt(body.MsgTimeStamp)) throw new ImError('MSGTIMESTAMP_INVALID');
  if (body.SyncOtherMachine !== undefined && !isInt(body.SyncOtherMachine)) throw new ImError('SYNCOTHERMACHINE_INVALID');
  const life = body.MsgLifeTime;
  if (life !== undefined && (!isInt(life) || life < 0)) throw new ImError('MSGLIFETIME_INVALID');
  if (isInt(life) && life > IM_LIMITS.maxMsgLifeTimeSeconds) throw new ImError('MSGLIFETIME_TOO_LARGE');
  if (body.MsgSeq !== undefined && !isUint32(body.MsgSeq)) throw new ImError('INVALID_PARAMETER', 'MsgSeq must be a 32-bit unsigned integer');
  if (body.CloudCustomData !== undefined && typeof body.CloudCustomData !== 'string') throw new ImError('INVALID_PARAMETER', 'CloudCustomData must be a string');
  const elements = parseBody(body.MsgBody);
  if (bodyBytes(elements) > IM_LIMITS.msgBodyBytes) throw new ImError('MSGBODY_TOO_LARGE');
  const draft: Omit<MessageDraft, 'to'> = {
    from,
    msgRandom: body.MsgRandom,
    body: elements,
    onlineOnly: life === 0 || body.OnlineOnlyFlag === 1,
    syncToSender: body.SyncOtherMachine === 1,
  };
  if (isUint32(body.MsgSeq)) draft.msgSeq = body.MsgSeq;
  if (typeof body.CloudCustomData === 'string') draft.cloudCustomData = body.CloudCustomData;
  const info = parseOfflinePushInfo(body.OfflinePushInfo);
  if (info) draft.offlinePush = info;
  return draft;
}

export function messageCommands(core: ImCore): Record<string, RestCommand> {
  return {
    'openim/sendmsg': async (body, { identifier }) => {
      const to = body.To_Account;
      if (!validUserId(to)) throw new ImError('TO_ACCOUNT_INVALID');
      const common = parseCommon(core, body, identifier);
      if (!core.accounts.has(to)) throw new ImError('TO_ACCOUNT_NOT_REGISTERED', to);
      if (core.settings.restBlocklist === 'refuse' && core.blacklists.blocks(to, common.from)) throw new ImError('BLACKLISTED', `${to} blocked ${common.from}`);
      const { message } = await core.send({ ...common, to: [to] });
      return { MsgTime: message.msgTime, MsgKey: message.msgKey, MsgId: message.msgId };
    },
    'openim/batchsendmsg': async (body, { identifier }) => {
      const to = body.To_Account;
      if (!Array.isArray(to)) throw new ImError('BATCH_TO_NOT_ARRAY');
      if (to.length === 0) throw new ImError('BATCH_TO_EMPTY');
      if (to.length > IM_LIMITS.sendTargets) throw new ImError('TOO_MANY_TARGETS');
      const common = parseCommon(core, body, identifier);
      const ErrorList: JsonObject[] = [];
      const recipients: string[] = [];
      for (const t of new Set(to)) {
        if (!validUserId(t) || !core.accounts.has(t)) {
          ErrorList.push({ To_Account: t, ErrorCode: IM_ERRORS.ACCOUNT_NOT_IMPORTED[0] });
          continue;
        }
        // Still a recipient: core.send traces it as `blacklisted` and pushes nothing.
        if (core.settings.restBlocklist === 'refuse' && core.blacklists.blocks(t, common.from)) ErrorList.push({ To_Account: t, ErrorCode: IM_ERRORS.BLACKLISTED[0] });
        recipients.push(t);
      }
      const { message } = await core.send({ ...common, to: recipients });
      return { MsgKey: message.msgKey, MsgId: message.msgId, ErrorList };
    },
  };
}
