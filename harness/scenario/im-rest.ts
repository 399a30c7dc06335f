/**
 * A typed client for the Tencent IM server REST API, exactly as a customer's backend calls it
 * (tencent-im.md §1, §3): `POST <base>/v4/<service>/<command>?sdkappid&identifier&usersig&random&contenttype=json`,
 * JSON body, HTTP 200 with `ActionStatus`/`ErrorCode`/`ErrorInfo`. It talks to the lab's fake and to
 * the real service alike; only the base URL and the credentials differ.
 */

export interface ImEnvelope {
  ActionStatus: 'OK' | 'FAIL';
  ErrorCode: number;
  ErrorInfo: string;
  [field: string]: unknown;
}

export class ImRestError extends Error {
  constructor(
    readonly command: string,
    readonly code: number,
    readonly info: string,
    readonly response: ImEnvelope,
  ) {
    super(`IM ${command} failed: ${code} ${info}`.trim());
    this.name = 'ImRestError';
  }
}

export type MsgElement =
  | { MsgType: 'TIMTextElem'; MsgContent: { Text: string } }
  | { MsgType: 'TIMCustomElem'; MsgContent: { Data: string; Desc?: string; Ext?: string; Sound?: string } }
  | { MsgType: string; MsgContent: Record<string, unknown> };

/** `OfflinePushInfo` (tencent-im.md §4.2–4.3); field names are the wire's. */
export interface OfflinePushInfo {
  PushFlag?: 0 | 1;
  Title?: string;
  Desc?: string;
  /** Must be a JSON object text for OPPO; each top-level key becomes an intent extra. */
  Ext?: string;
  AndroidInfo?: {
    Sound?: string;
    OPPOChannelID?: string;
    OPPOCategory?: string;
    OPPONotifyLevel?: number;
    [field: string]: unknown;
  };
  ApnsInfo?: Record<string, unknown>;
}

export interface SendMsgRequest {
  From_Account?: string;
  To_Account: string;
  MsgBody: MsgElement[];
  OfflinePushInfo?: OfflinePushInfo;
  MsgLifeTime?: number;
  SyncOtherMachine?: 1 | 2;
  OnlineOnlyFlag?: 0 | 1;
  CloudCustomData?: string;
  /** Filled by the client (seeded) unless given. */
  MsgRandom?: number;
}

export interface SendMsgResult {
  MsgKey: string;
  MsgTime: number;
}

/** `batchsendmsg`: `To_Account` is a list (at most 500). */
export interface BatchSendMsgRequest extends Omit<SendMsgRequest, 'To_Account'> {
  To_Account: string[];
}

/** `send_group_msg`: sendmsg's fields with `GroupId` instead of `To_Account`, and `Random` (not `MsgRandom`). */
export interface SendGroupMsgRequest extends Omit<SendMsgRequest, 'To_Account' | 'MsgRandom' | 'SyncOtherMachine'> {
  GroupId: string;
  /** Filled by the client (seeded) unless given. */
  Random?: number;
}

export interface BatchSendMsgResult extends SendMsgResult {
  /** Recipients the message did not go to, with the reason (70107: account not imported). */
  ErrorList: Array<{ To_Account: string; ErrorCode: number }>;
}

/**
 * The send time a MsgKey carries: the last of its `<seq>_<random>_<time>` parts (the shape of every
 * published sample). batchsendmsg answers no MsgTime, but `within` checks need it.
 */
export function msgTimeOf(msgKey: string): number {
  const time = Number(msgKey.split('_').at(-1));
  if (!Number.isInteger(time)) throw new Error(`MsgKey '${msgKey}' does not end in a send time (<seq>_<random>_<time>)`);
  return time;
}

export type OnlineState = 'Online' | 'PushOnline' | 'Offline';

export interface OnlineStatus {
  To_Account: string;
  /** Doc samples name it `State`, the OpenAPI spec `Status`; the client reads whichever is there. */
  State: OnlineState;
  Detail?: Array<{ Platform: string; Status: OnlineState }>;
}

export interface ImRestClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:41235` (lab) or `https://console.tim.qq.com` (live). */
  baseUrl: string;
  sdkAppId: number;
  /** An app admin account (`identifier`). */
  admin: string;
  /** The admin's UserSig; called per request so a long run can renew it. */
  userSig: () => string;
  /** Seed for `random` and `MsgRandom` (deterministic runs). */
  seed?: number;
  fetch?: typeof fetch;
}

/** mulberry32: small, seeded, good enough for request nonces. */
function seededUint32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export class ImRestClient {
  private readonly nextRandom: () => number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ImRestClientOptions) {
    this.nextRandom = seededUint32(options.seed ?? 0x5eed);
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The request URL for `service/command`, with the admin credentials in the query. */
  url(service: string, command: string): string {
    const query = new URLSearchParams({
      sdkappid: String(this.options.sdkAppId),
      identifier: this.options.admin,
      usersig: this.options.userSig(),
      random: String(this.nextRandom()),
      contenttype: 'json',
    });
    return `${this.options.baseUrl.replace(/\/+$/, '')}/v4/${service}/${command}?${query}`;
  }

  /** One raw call: the envelope as the server sent it, failures included. */
  async call(service: string, command: string, body: unknown): Promise<ImEnvelope> {
    const response = await this.fetchImpl(this.url(service, command), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`IM ${service}/${command}: HTTP ${response.status} ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text) as ImEnvelope;
    } catch {
      throw new Error(`IM ${service}/${command}: the reply is not JSON: ${text.slice(0, 200)}`);
    }
  }

  /** A call that must succeed; clients in the wild treat either field as failure (§1.2). */
  async ok(service: string, command: string, body: unknown): Promise<ImEnvelope> {
    const reply = await this.call(service, command, body);
    if (reply.ActionStatus !== 'OK' || reply.ErrorCode !== 0) {
      throw new ImRestError(`${service}/${command}`, reply.ErrorCode, reply.ErrorInfo, reply);
    }
    return reply;
  }

  async importAccount(userId: string, nick?: string): Promise<void> {
    await this.ok('im_open_login_svc', 'account_import', { UserID: userId, ...(nick ? { Nick: nick } : {}) });
  }

  async sendMsg(request: SendMsgRequest): Promise<SendMsgResult> {
    const body = { SyncOtherMachine: 2, MsgRandom: this.nextRandom(), ...request };
    const reply = await this.ok('openim', 'sendmsg', body);
    return { MsgKey: String(reply.MsgKey), MsgTime: Number(reply.MsgTime) };
  }

  /** One message to many users (`openim/batchsendmsg`); MsgTime comes from the MsgKey when the reply has none. */
  async batchSendMsg(request: BatchSendMsgRequest): Promise<BatchSendMsgResult> {
    const body = { SyncOtherMachine: 2, MsgRandom: this.nextRandom(), ...request };
    const reply = await this.ok('openim', 'batchsendmsg', body);
    const MsgKey = String(reply.MsgKey);
    const MsgTime = reply.MsgTime === undefined ? msgTimeOf(MsgKey) : Number(reply.MsgTime);
    return { MsgKey, MsgTime, ErrorList: (reply.ErrorList ?? []) as BatchSendMsgResult['ErrorList'] };
  }

  /** A text to many users through batchsendmsg. */
  batchSendText(from: string, to: string[], text: string, push?: OfflinePushInfo): Promise<BatchSendMsgResult> {
    return this.batchSendMsg({
      From_Account: from,
      To_Account: to,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
      ...(push ? { OfflinePushInfo: push } : {}),
    });
  }

  /** A C2C text message; `push` is the `OfflinePushInfo` (absent: the server's defaults). */
  sendText(from: string, to: string, text: string, push?: OfflinePushInfo): Promise<SendMsgResult> {
    return this.sendMsg({
      From_Account: from,
      To_Account: to,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
      ...(push ? { OfflinePushInfo: push } : {}),
    });
  }

  /** A C2C custom message (`Data` is never pushed; `Desc` is the push text). */
  sendCustom(from: string, to: string, content: { Data: string; Desc?: string; Ext?: string; Sound?: string }, push?: OfflinePushInfo): Promise<SendMsgResult> {
    return this.sendMsg({
      From_Account: from,
      To_Account: to,
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: content }],
      ...(push ? { OfflinePushInfo: push } : {}),
    });
  }

  /** `group_open_http_svc/create_group`; returns the GroupId (the given one, or the server's `@TGS#…`). */
  async createGroup(group: { name: string; owner?: string; members?: string[]; groupId?: string; type?: string }): Promise<string> {
    const reply = await this.ok('group_open_http_svc', 'create_group', {
      Type: group.type ?? 'Work',
      Name: group.name,
      ...(group.groupId ? { GroupId: group.groupId } : {}),
      ...(group.owner ? { Owner_Account: group.owner } : {}),
      ...(group.members ? { MemberList: group.members.map((Member_Account) => ({ Member_Account })) } : {}),
    });
    return String(reply.GroupId);
  }

  async addGroupMembers(groupId: string, members: string[]): Promise<void> {
    await this.ok('group_open_http_svc', 'add_group_member', { GroupId: groupId, MemberList: members.map((Member_Account) => ({ Member_Account })) });
  }

  async deleteGroupMembers(groupId: string, members: string[]): Promise<void> {
    await this.ok('group_open_http_svc', 'delete_group_member', { GroupId: groupId, MemberToDel_Account: members });
  }

  /** The member's message flag: `AcceptNotNotify` is "receive but don't notify" (a muted group). */
  async setGroupMsgFlag(groupId: string, member: string, flag: 'AcceptAndNotify' | 'AcceptNotNotify' | 'Discard'): Promise<void> {
    await this.ok('group_open_http_svc', 'modify_group_member_info', { GroupId: groupId, Member_Account: member, MsgFlag: flag });
  }

  /** The group's members (`get_group_info` with its MemberList); an unknown group fails with 10010. */
  async groupMembers(groupId: string): Promise<string[]> {
    const reply = await this.ok('group_open_http_svc', 'get_group_info', { GroupIdList: [groupId] });
    const [info] = (reply.GroupInfo ?? []) as Array<{ ErrorCode: number; ErrorInfo?: string; MemberList?: Array<{ Member_Account: string }> }>;
    if (!info || info.ErrorCode !== 0) throw new ImRestError('group_open_http_svc/get_group_info', info?.ErrorCode ?? -1, info?.ErrorInfo ?? 'no GroupInfo', reply);
    return (info.MemberList ?? []).map((m) => m.Member_Account);
  }

  /**
   * A group message (`send_group_msg`). Group messages have no MsgKey on the wire; the result's
   * `MsgKey` is `<GroupId>_<MsgSeq>`, the key the lab's traces and OPPO's app_message_id use for it.
   */
  async sendGroupMsg(request: SendGroupMsgRequest): Promise<SendMsgResult> {
    const reply = await this.ok('group_open_http_svc', 'send_group_msg', { Random: this.nextRandom(), ...request });
    return { MsgKey: `${request.GroupId}_${Number(reply.MsgSeq)}`, MsgTime: Number(reply.MsgTime) };
  }

  /** A group text message; `push` is the `OfflinePushInfo`. */
  sendGroupText(from: string, groupId: string, text: string, push?: OfflinePushInfo): Promise<SendMsgResult> {
    return this.sendGroupMsg({
      GroupId: groupId,
      From_Account: from,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
      ...(push ? { OfflinePushInfo: push } : {}),
    });
  }

  /** Invalidates the user's login state (`im_open_login_svc/kick`). */
  async kick(userId: string): Promise<void> {
    await this.ok('im_open_login_svc', 'kick', { UserID: userId });
  }

  async queryOnlineStatus(userIds: string[], detail = true): Promise<OnlineStatus[]> {
    const reply = await this.ok('openim', 'query_online_status', { To_Account: userIds, IsNeedDetail: detail ? 1 : 0 });
    const results = (reply.QueryResult ?? []) as Array<Record<string, unknown>>;
    return results.map((r) => ({
      To_Account: String(r.To_Account),
      State: (r.State ?? r.Status) as OnlineState,
      ...(Array.isArray(r.Detail) ? { Detail: r.Detail as OnlineStatus['Detail'] } : {}),
    }));
  }

  async onlineState(userId: string): Promise<OnlineState> {
    const [status] = await this.queryOnlineStatus([userId], false);
    if (!status) throw new Error(`IM query_online_status returned nothing for '${userId}'`);
    return status.State;
  }
}
