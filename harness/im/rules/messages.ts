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
  msgKey: string;
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

export type MessageDraft = Omit<ImMessage, 'msgKey' | 'msgTime' | 'msgSeq'> & { msgSeq?: number };

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
  return link;
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
    const message: ImMessage = { ...draft, msgSeq: draft.msgSeq ?? serverSeq, msgTime, msgKey: `${serverSeq}_${draft.msgRandom}_${msgTime}` };
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
