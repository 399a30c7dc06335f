/**
 * The client link: the WebSocket the app's IM SDK keeps open to the fake IM server
 * (the real SDK speaks a private binary protocol; this is our stand-in, JSON text frames).
 * Served at `/_client/v1/link` on the IM server.
 *
 * Requests carry an `id` echoed by their `result`; `code` 0 is success, otherwise the IM error code
 * the real SDK would surface (e.g. 6206/70001 expired UserSig, 21005, 22001, 22003, 22004, 6014).
 * `sync` is a barrier: the server answers `synced` once every earlier frame was processed.
 * Closing the socket without `logout` is what a killed process looks like (state PushOnline).
 *
 * Keep-alive: over a socket the client sends `heartbeat` every period (the server drops a link silent
 * for `heartbeatTimeout`). Over an in-process wire (phones in the lab process, which report a cut
 * network) one `heartbeat` with `every` (ms, below the timeout) is a lease instead: the server treats
 * the link as beating on every multiple of `every` ms of the clock (the grid the socket SDK beats on)
 * until it closes or goes silent, when the dead-peer timer starts from the last beat the lease implies. Same outcome at the same virtual instant, without an event per
 * beat — so advancing ten years costs what happens in them, not 2.6 million heartbeats a phone.
 */

export interface LinkMessage {
  msgKey: string;
  msgTime: number;
  msgSeq: number;
  msgRandom: number;
  from: string;
  to: string;
  /** The IM `MsgBody` elements, as sent. */
  body: Array<{ MsgType: string; MsgContent: Record<string, unknown> }>;
  cloudCustomData?: string;
  /** A group message: the group it was sent to. */
  groupId?: string;
}

export type ClientToServer =
  | {
      op: 'login';
      id: string;
      userId: string;
      userSig: string;
      platform: 'Android' | 'iPhone' | 'iPad' | 'Windows' | 'Mac' | 'Web';
      deviceId: string;
      sdkVersion: string;
    }
  /**
   * Logs out the link's session. With `userId`, `userSig` and `deviceId` on a link that is not logged
   * in, it ends that device's earlier login instead: the SDK delivering a logout it made while the
   * network was down, on the next connection.
   */
  | { op: 'logout'; id: string; userId?: string; userSig?: string; deviceId?: string }
  | { op: 'set_offline_push_config'; id: string; businessId: number; token: string }
  | { op: 'do_background'; id: string; unreadCount: number }
  | { op: 'do_foreground'; id: string }
  | { op: 'heartbeat'; id?: string; every?: number }
  | { op: 'sync'; id: string };

export type ServerToClient =
  | { op: 'result'; id: string; code: number; message: string }
  | { op: 'message'; message: LinkMessage }
  | { op: 'kicked_offline'; reason: 'login_elsewhere' | 'rest_kick' }
  | { op: 'user_sig_expired' }
  | { op: 'synced'; id: string }
  | { op: 'heartbeat_ack'; id?: string; serverTime: number };

export const CLIENT_LINK_PATH = '/_client/v1/link';
