/**
 * `group_open_http_svc/*`: create/destroy groups, members and their message flag, joined groups,
 * and `send_group_msg` (its OfflinePushInfo feeds the same per-device decision as sendmsg).
 */
import type { ImCore } from '../core.ts';
import { IM_LIMITS, ImError } from '../errors.ts';
import { GROUP_TYPES, MSG_FLAGS, type Group, type GroupMember, type GroupType, type MemberRole, type MsgFlag } from '../rules/groups.ts';
import { validUserId } from './rest-accounts.ts';
import { parseCommon } from './rest-messages.ts';
import type { JsonObject, RestCommand } from './rest.ts';

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

function str(body: JsonObject, key: string, maxBytes?: number): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ImError('GROUP_PARAM', `${key} must be a string`);
  if (maxBytes !== undefined && Buffer.byteLength(v) > maxBytes) throw new ImError('GROUP_PARAM', `${key} is longer than ${maxBytes} bytes`);
  return v;
}

function groupIdOf(body: JsonObject): string {
  const id = body.GroupId;
  if (typeof id !== 'string' || id === '') throw new ImError('GROUP_PARAM', 'GroupId missing');
  return id;
}

/** The accounts must be imported (10019); returns them in order. */
function memberAccounts(core: ImCore, list: unknown, key = 'Member_Account'): Array<JsonObject & { userId: string }> {
  if (!Array.isArray(list) || list.length === 0) throw new ImError('GROUP_PARAM', 'MemberList must be a non-empty array');
  if (list.length > IM_LIMITS.groupMembersPerCall) throw new ImError('GROUP_PARAM', `at most ${IM_LIMITS.groupMembersPerCall} members per call`);
  return list.map((item) => {
    const userId = isObject(item) ? item[key] : undefined;
    if (!validUserId(userId)) throw new ImError('GROUP_PARAM', `${key} must be a UserID`);
    if (!core.accounts.has(userId)) throw new ImError('GROUP_ACCOUNT_MISSING', userId);
    return { ...(item as JsonObject), userId };
  });
}

function role(v: unknown, allowed: readonly MemberRole[]): MemberRole | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new ImError('GROUP_PARAM', `Role must be one of ${allowed.join(', ')}`);
  return v as MemberRole;
}

function msgFlag(v: unknown): MsgFlag | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(MSG_FLAGS as readonly string[]).includes(v)) throw new ImError('GROUP_PARAM', `MsgFlag must be one of ${MSG_FLAGS.join(', ')}`);
  return v as MsgFlag;
}

function memberView(m: GroupMember): JsonObject {
  return { Member_Account: m.userId, Role: m.role, JoinTime: m.joinTime, MsgFlag: m.msgFlag, NameCard: m.nameCard ?? '', ShutUpUntil: m.mutedUntil === undefined ? 0 : Math.floor(m.mutedUntil / 1000) };
}

function groupView(g: Group, withMembers: boolean): JsonObject {
  const view: JsonObject = {
    GroupId: g.groupId, Type: g.type, Name: g.name, Introduction: g.introduction ?? '', Notification: g.notification ?? '', FaceUrl: g.faceUrl ?? '',
    Owner_Account: g.owner ?? '', CreateTime: g.createTime, InfoSeq: g.infoSeq, LastInfoTime: g.createTime, LastMsgTime: g.lastMsgTime,
    NextMsgSeq: g.nextMsgSeq, MemberNum: g.members.size, MaxMemberNum: g.maxMemberCount, ApplyJoinOption: g.applyJoinOption,
  };
  if (withMembers) view.MemberList = [...g.members.values()].map(memberView);
  return view;
}

export function groupCommands(core: ImCore): Record<string, RestCommand> {
  const { groups } = core;
  return {
    'group_open_http_svc/create_group': (body) => {
      const type = body.Type;
      if (typeof type !== 'string' || !(GROUP_TYPES as readonly string[]).includes(type)) throw new ImError('GROUP_PARAM', `Type must be one of ${GROUP_TYPES.join(', ')}`);
      const name = str(body, 'Name', IM_LIMITS.groupNameBytes);
      if (name === undefined || name === '') throw new ImError('GROUP_PARAM', 'Name missing');
      const groupId = str(body, 'GroupId', IM_LIMITS.groupIdBytes);
      const owner = body.Owner_Account;
      if (owner !== undefined && (!validUserId(owner) || !core.accounts.has(owner))) throw new ImError('GROUP_ACCOUNT_MISSING', String(owner));
      const max = body.MaxMemberCount;
      if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1)) throw new ImError('GROUP_PARAM', 'MaxMemberCount must be a positive integer');
      const members = body.MemberList === undefined ? [] : memberAccounts(core, body.MemberList);
      const input: Parameters<typeof groups.create>[0] = {
        type: type as GroupType,
        name,
        members: members.map((m) => {
          const r = role(m.Role, ['Admin', 'Member']);
          const f = msgFlag(m.MsgFlag);
          return { userId: m.userId, ...(r ? { role: r } : {}), ...(f ? { msgFlag: f } : {}) };
        }),
      };
      if (groupId !== undefined) input.groupId = groupId;
      if (typeof owner === 'string') input.owner = owner;
      if (typeof max === 'number') input.maxMemberCount = max;
      for (const [k, key, bytes] of [['introduction', 'Introduction', 240], ['notification', 'Notification', 300], ['faceUrl', 'FaceUrl', 100], ['applyJoinOption', 'ApplyJoinOption', 32]] as const) {
        const v = str(body, key, bytes);
        if (v !== undefined) input[k] = v;
      }
      return { GroupId: groups.create(input).groupId };
    },
    'group_open_http_svc/get_group_info': (body) => {
      const ids = body.GroupIdList;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 50) throw new ImError('GROUP_PARAM', 'GroupIdList must hold 1-50 GroupIds');
      // Per-group results, as the service answers: an unknown group is an entry with its code, not a failed call.
      return {
        GroupInfo: ids.map((id) => {
          try {
            if (typeof id !== 'string') throw new ImError('GROUP_ID_INVALID');
            return { ...groupView(groups.get(id), true), ErrorCode: 0, ErrorInfo: '' };
          } catch (err) {
            if (!(err instanceof ImError)) throw err;
            return { GroupId: id, ErrorCode: err.code, ErrorInfo: err.message };
          }
        }),
      };
    },
    'group_open_http_svc/add_group_member': (body) => {
      const groupId = groupIdOf(body);
      groups.get(groupId);
      const members = memberAccounts(core, body.MemberList);
      return { MemberList: groups.addMembers(groupId, members).map((r) => ({ Member_Account: r.userId, Result: r.result })) };
    },
    'group_open_http_svc/import_group_member': (body) => {
      const groupId = groupIdOf(body);
      groups.get(groupId);
      const members = memberAccounts(core, body.MemberList).map((m) => {
        const r = role(m.Role, ['Admin']);
        const join = m.JoinTime;
        if (join !== undefined && !Number.isInteger(join)) throw new ImError('GROUP_PARAM', 'JoinTime must be an integer');
        return { userId: m.userId, ...(r ? { role: r } : {}), ...(typeof join === 'number' ? { joinTime: join } : {}) };
      });
      return { MemberList: groups.addMembers(groupId, members).map((r) => ({ Member_Account: r.userId, Result: r.result })) };
    },
    'group_open_http_svc/delete_group_member': (body) => {
      const groupId = groupIdOf(body);
      const ids = body.MemberToDel_Account;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every(validUserId)) throw new ImError('GROUP_PARAM', 'MemberToDel_Account must be a non-empty array of UserIDs');
      groups.deleteMembers(groupId, ids);
      return {};
    },
    'group_open_http_svc/destroy_group': (body) => {
      groups.destroy(groupIdOf(body));
      return {};
    },
    'group_open_http_svc/get_joined_group_list': (body) => {
      const userId = body.Member_Account;
      if (!validUserId(userId)) throw new ImError('GROUP_PARAM', 'Member_Account missing');
      if (!core.accounts.has(userId)) throw new ImError('GROUP_ACCOUNT_MISSING', userId);
      const joined = groups.joinedBy(userId);
      const offset = Number.isInteger(body.Offset) ? (body.Offset as number) : 0;
      const limit = Number.isInteger(body.Limit) ? (body.Limit as number) : joined.length;
      return {
        TotalCount: joined.length,
        GroupIdList: joined.slice(offset, offset + limit).map((g) => ({ ...groupView(g, false), SelfInfo: memberView(g.members.get(userId)!) })),
      };
    },
    'group_open_http_svc/modify_group_member_info': (body) => {
      const groupId = groupIdOf(body);
      const userId = body.Member_Account;
      if (!validUserId(userId)) throw new ImError('GROUP_PARAM', 'Member_Account missing');
      const member = groups.member(groupId, userId);
      const flag = msgFlag(body.MsgFlag);
      const r = role(body.Role, ['Admin', 'Member']);
      const card = str(body, 'NameCard', 50);
      const shutUp = body.ShutUpTime;
      if (shutUp !== undefined && (!Number.isInteger(shutUp) || (shutUp as number) < 0)) throw new ImError('GROUP_PARAM', 'ShutUpTime must be a non-negative integer');
      if (flag) member.msgFlag = flag;
      if (r && member.role !== 'Owner') member.role = r;
      if (card !== undefined) member.nameCard = card;
      if (typeof shutUp === 'number') {
        if (shutUp === 0) delete member.mutedUntil;
        else member.mutedUntil = core.clock.now() + shutUp * 1000;
      }
      return {};
    },
    'group_open_http_svc/send_group_msg': async (body, { identifier }) => {
      const groupId = groupIdOf(body);
      groups.get(groupId);
      // Random, not MsgRandom, in the group API; the rest of the fields are sendmsg's.
      const common = parseCommon(core, { ...body, MsgRandom: body.Random }, identifier);
      const { message } = await core.sendGroup(groupId, common);
      return { MsgTime: message.msgTime, MsgSeq: message.group!.msgSeq };
    },
  };
}
