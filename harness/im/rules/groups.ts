/**
 * Groups (group_open_http_svc): members with their message flag, and the per-group message
 * sequence. Shapes and codes from Tencent's REST API (OpenAPI description) and the group error
 * table; limits not published for the trial edition are named in IM_LIMITS.
 */
import type { Clock } from '../../../mock-oppo/core/clock.ts';
import { ImError } from '../errors.ts';

/** Work/Public/Meeting/AVChatRoom/Community, plus the older names Private (Work) and ChatRoom (Meeting). */
export const GROUP_TYPES = ['Private', 'Public', 'ChatRoom', 'AVChatRoom', 'Community', 'Work', 'Meeting'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

/** AcceptAndNotify: normal; AcceptNotNotify: "receive but don't notify" (no offline push); Discard: not received at all. */
export const MSG_FLAGS = ['AcceptAndNotify', 'AcceptNotNotify', 'Discard'] as const;
export type MsgFlag = (typeof MSG_FLAGS)[number];

export type MemberRole = 'Owner' | 'Admin' | 'Member';

export interface GroupMember {
  userId: string;
  role: MemberRole;
  /** Unix seconds. */
  joinTime: number;
  msgFlag: MsgFlag;
  nameCard?: string;
  /** Epoch ms until which the member may not send (ShutUpTime). */
  mutedUntil?: number;
}

/** What create_group says about a group and get_group_info shows back. */
export interface GroupProfile {
  type: GroupType;
  name: string;
  owner?: string;
  introduction?: string;
  notification?: string;
  faceUrl?: string;
}

export interface Group extends GroupProfile {
  groupId: string;
  /** Unix seconds. */
  createTime: number;
  maxMemberCount: number;
  applyJoinOption: string;
  members: Map<string, GroupMember>;
  /** Users removed from the group, with when (epoch ms): a later group message names them `not_a_member`. */
  removed: Map<string, number>;
  nextMsgSeq: number;
  lastMsgTime: number;
  infoSeq: number;
}

export interface CreateGroupInput extends GroupProfile {
  groupId?: string;
  maxMemberCount?: number;
  applyJoinOption?: string;
  members: Array<{ userId: string; role?: MemberRole; msgFlag?: MsgFlag; nameCard?: string }>;
}

/** Trial-edition default when create_group has no MaxMemberCount. [uncertain] paid editions differ. */
export const DEFAULT_MAX_MEMBERS = 200;

const seconds = (ms: number) => Math.floor(ms / 1000);

export class GroupStore {
  private readonly groups = new Map<string, Group>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  create(input: CreateGroupInput): Group {
    if (input.groupId !== undefined) {
      if (input.groupId.startsWith('@TGS#')) throw new ImError('GROUP_ID_INVALID', 'a custom GroupId may not start with @TGS#');
      if (this.groups.has(input.groupId)) throw new ImError('GROUP_ID_TAKEN', input.groupId);
    }
    const now = this.clock.now();
    const groupId = input.groupId ?? this.newGroupId();
    const group: Group = {
      groupId,
      type: input.type,
      name: input.name,
      createTime: seconds(now),
      maxMemberCount: input.maxMemberCount ?? DEFAULT_MAX_MEMBERS,
      applyJoinOption: input.applyJoinOption ?? 'NeedPermission',
      members: new Map(),
      removed: new Map(),
      nextMsgSeq: 1,
      lastMsgTime: 0,
      infoSeq: 1,
    };
    for (const k of ['owner', 'introduction', 'notification', 'faceUrl'] as const) if (input[k] !== undefined) group[k] = input[k];
    if (input.owner !== undefined) this.putMember(group, { userId: input.owner, role: 'Owner' }, now);
    for (const m of input.members) {
      if (group.members.has(m.userId)) continue;
      this.putMember(group, m, now);
    }
    if (group.members.size > group.maxMemberCount) throw new ImError('GROUP_FULL');
    this.groups.set(groupId, group);
    return group;
  }

  /** No groups; generated ids start again. */
  clear(): void {
    this.groups.clear();
    this.seq = 0;
  }

  /** The group or 10010. */
  get(groupId: string): Group {
    const group = this.groups.get(groupId);
    if (!group) throw new ImError('GROUP_NOT_FOUND', groupId);
    return group;
  }

  list(): Group[] {
    return [...this.groups.values()];
  }

  /** Result per account: 1 added, 2 already a member (add_group_member / import_group_member). */
  addMembers(groupId: string, members: Array<{ userId: string; role?: MemberRole; joinTime?: number }>): Array<{ userId: string; result: 1 | 2 }> {
    const group = this.get(groupId);
    const fresh = members.filter((m) => !group.members.has(m.userId));
    if (group.members.size + new Set(fresh.map((m) => m.userId)).size > group.maxMemberCount) throw new ImError('GROUP_FULL');
    const now = this.clock.now();
    return members.map((m) => {
      if (group.members.has(m.userId)) return { userId: m.userId, result: 2 };
      this.putMember(group, m, now);
      return { userId: m.userId, result: 1 };
    });
  }

  /** Non-members in the list are ignored, as the service does. */
  deleteMembers(groupId: string, userIds: string[]): void {
    const group = this.get(groupId);
    const now = this.clock.now();
    for (const userId of userIds) {
      if (!group.members.delete(userId)) continue;
      group.removed.set(userId, now);
      if (group.owner === userId) delete group.owner;
    }
  }

  destroy(groupId: string): void {
    this.get(groupId);
    this.groups.delete(groupId);
  }

  joinedBy(userId: string): Group[] {
    return this.list().filter((g) => g.members.has(userId));
  }

  member(groupId: string, userId: string): GroupMember {
    const member = this.get(groupId).members.get(userId);
    if (!member) throw new ImError('GROUP_PARAM', `${userId} is not a member of ${groupId}`);
    return member;
  }

  /** The next message's sequence number (from 1 per group); the send stamps the group's last message time. */
  takeMsgSeq(group: Group): number {
    group.lastMsgTime = seconds(this.clock.now());
    return group.nextMsgSeq++;
  }

  private putMember(group: Group, m: { userId: string; role?: MemberRole; msgFlag?: MsgFlag; nameCard?: string; joinTime?: number }, now: number): void {
    const member: GroupMember = { userId: m.userId, role: m.role ?? 'Member', joinTime: m.joinTime ?? seconds(now), msgFlag: m.msgFlag ?? 'AcceptAndNotify' };
    if (m.nameCard !== undefined) member.nameCard = m.nameCard;
    group.members.set(m.userId, member);
    group.removed.delete(m.userId);
    if (member.role === 'Owner') group.owner = m.userId;
  }

  /** `@TGS#` + 9 characters, the shape of the service's generated ids. */
  private newGroupId(): string {
    const n = ++this.seq;
    return `@TGS#${(0x2a0000000 + n * 7919).toString(36).toUpperCase().padStart(9, 'A').slice(-9)}`;
  }
}
