/** Messages as the server stores them, their MsgKey, and the text a push shows. */
import type { LinkMessage } from '../client-link/protocol.ts';

export interface MsgElement {
  MsgType: string;
  MsgContent: Record<string, unknown>;
}

export interface AndroidInfo {
  Sound?: string;
  OPPOChannelID?: string;
  OPPOCategory?: string;
  OPPONotifyLevel?: number;
  PushStyle?: number;
  [vendorField: string]: unknown;
}

export interface OfflinePushInfo {
  /** 0 push (default), 1 no offline push. */
  PushFlag?: number;
  Title?: string;
  Desc?: string;
  /** Pass-through; must be a JSON object string to reach an OPPO phone as intent extras. */
  Ext?: string;
  AndroidInfo?: AndroidInfo;
  ApnsInfo?: Record<string, unknown>;
}

export interface ImMessage {
  /** C2C: `<seq>_<random>_<time>`; group: `<GroupId>_<group MsgSeq>` (group pushes carry no MsgKey, see groups). */
  msgKey: string;
  /** The client-side message id the REST answers carry since 2024-12 (`MsgId`). */
  msgId: string;
  /** Set for send_group_msg: the group and its per-group sequence number. */
  group?: { groupId: string; name: string; msgSeq: number };
  /** Set for all_member_push/im_push: the task id (also the MsgKey). */
  taskId?: string;
  /** Unix seconds. */
  msgTime: number;
  msgSeq: number;
  msgRandom: number;
  from: string;
  to: string[];
  body: MsgElement[];
  cloudCustomData?: string;
  offlinePush?: OfflinePushInfo;
  /** MsgLifeTime 0 or OnlineOnlyFlag 1: delivered to online devices only, never pushed. [inferred] */
  onlineOnly: boolean;
  /** SyncOtherMachine 1: the sender's other online devices get it too. */
  syncToSender: boolean;
}

export type MessageDraft = Omit<ImMessage, 'msgKey' | 'msgId' | 'msgTime' | 'msgSeq'> & { msgSeq?: number };

/**
 * Placeholders for elements without text. Tencent localizes them and does not publish the exact
 * strings; these English forms are our choice. [uncertain]
 */
const ELEMENT_PLACEHOLDERS: Readonly<Record<string, string>> = {
  TIMLocationElem: '[Location]',
  TIMFaceElem: '[Face]',
  TIMImageElem: '[Image]',
  TIMSoundElem: '[Voice]',
  TIMFileElem: '[File]',
  TIMVideoFileElem: '[Video]',
  TIMRelayElem: '[Chat History]',
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The notification body: `OfflinePushInfo.Desc`, else the elements' texts concatenated without
 * separators (text → Text, custom → Desc, others → placeholder). '' means nothing to show.
 */
export function pushText(body: MsgElement[], info?: OfflinePushInfo): string {
  if (info?.Desc) return info.Desc;
  return body
    .map((e) => {
      if (e.MsgType === 'TIMTextElem') return str(e.MsgContent.Text);
      if (e.MsgType === 'TIMCustomElem') return str(e.MsgContent.Desc);
      return ELEMENT_PLACEHOLDERS[e.MsgType] ?? '';
    })
    .join('');
}

/** `Ext` read as OPPO needs it: absent, a JSON object, or not usable. */
export function parseExt(ext: string | undefined): { kind: 'absent' } | { kind: 'object'; text: string } | { kind: 'not_object' } {
  if (ext === undefined || ext === '') return { kind: 'absent' };
  try {
    const parsed: unknown = JSON.parse(ext);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { kind: 'object', text: ext } : { kind: 'not_object' };
  } catch {
    return { kind: 'not_object' };
  }
}

/** The frame a connected client receives for this message. */
export function toLinkMessage(m: ImMessage, to: string): LinkMessage {
  const link: LinkMessage = { msgKey: m.msgKey, msgTime: m.msgTime, msgSeq: m.msgSeq, msgRandom: m.msgRandom, from: m.from, to, body: m.body };
  if (m.cloudCustomData !== undefined) link.cloudCustomData = m.cloudCustomData;
  if (m.group) link.groupId = m.group.groupId;
  return link;
}

/**
 * `MsgId` (the client-side message id the answers carry since 2024-12). [uncertain] its exact
 * format is not published; we use `<sender number>-<MsgTime>-<MsgRandom>` with a stable 18-digit
 * number derived from the UserID, so it is unique per sender, second and random.
 */
export function messageId(from: string, msgTime: number, msgRandom: number): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(from, 'utf8')) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return `${144115200000000000n + (h % 100000000000n)}-${msgTime}-${msgRandom}`;
}

/** The serialized `MsgBody` size the 12 KB message limit counts (80002). */
export function bodyBytes(body: MsgElement[]): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}

/** A long-running lab forgets the oldest messages beyond this many. */
export const MESSAGE_RETENTION = 50_000;

/** Assigns MsgTime and a unique MsgKey `<seq>_<random>_<time>` (the shape of every published sample). */
export class MessageLog {
  private readonly messages = new Map<string, ImMessage>();
  private seq = 0;

  /**
   * The key's seq is the server's own counter, so keys stay unique even though clients reuse
   * MsgRandom (e.g. a constant 99999999) and MsgSeq; the caller's MsgSeq is kept as msgSeq.
   */
  store(draft: MessageDraft, nowMs: number): ImMessage {
    const serverSeq = ++this.seq;
    const msgTime = Math.floor(nowMs / 1000);
    const msgKey = draft.taskId ?? (draft.group ? `${draft.group.groupId}_${draft.group.msgSeq}` : `${serverSeq}_${draft.msgRandom}_${msgTime}`);
    const message: ImMessage = { ...draft, msgSeq: draft.msgSeq ?? serverSeq, msgTime, msgKey, msgId: messageId(draft.from, msgTime, draft.msgRandom) };
    this.messages.set(message.msgKey, message);
    // Maps iterate in insertion order: the first key is the oldest message.
    if (this.messages.size > MESSAGE_RETENTION) this.messages.delete(this.messages.keys().next().value!);
    return message;
  }

  get(msgKey: string): ImMessage | undefined {
    return this.messages.get(msgKey);
  }

  /** Forgets every message; the server's seq keeps counting, so no MsgKey is ever handed out twice. */
  clear(): void {
    this.messages.clear();
  }
}
