/**
 * The device link: the WebSocket a phone's HeyTap push service keeps open to mock-oppo
 * (the real service uses a private long connection; this is our stand-in, JSON text frames).
 * Served at `/_device/v1/link` on the mock's HTTP server.
 *
 * Every request from the phone that expects an answer carries an `id` echoed in the reply.
 * `sync` is a barrier: the mock answers `synced` after every frame sent before it was processed,
 * so a lab can step its virtual clock and know the link has settled.
 */

/** The notification as the phone's push service receives it: validated, defaults applied. */
export interface DeliveredNotification {
  title: string;
  subTitle?: string;
  content: string;
  style: number;
  clickActionType: 0 | 1 | 2 | 4 | 5;
  clickActionActivity?: string;
  clickActionUrl?: string;
  /** `action_parameters` parsed: every top-level key with its value as a string. */
  actionParameters: Record<string, string>;
  channelId?: string;
  notifyId: number;
  /** Seconds the shown notification lives before auto-dismiss (absent: until dismissed). */
  showTtl?: number;
  showStartTime?: number;
  showEndTime?: number;
  category?: string;
  notifyLevel?: number;
  networkType: 0 | 1;
  smallPictureId?: string;
  bigPictureId?: string;
}

export type PhoneToMock =
  | { op: 'hello'; deviceId: string; region?: 'CN' | 'INTL' }
  | { op: 'register'; id: string; appKey: string; appSecret: string; packageName: string }
  | { op: 'unregister'; id: string; packageName: string }
  | { op: 'uninstall'; id: string; packageName: string }
  | {
      op: 'ack';
      messageId: string;
      registrationId: string;
      /** Whether the notification manager showed it, and if not, why (e.g. `channel_missing`). */
      displayed: boolean;
      reason?: string;
    }
  | { op: 'sync'; id: string }
  | { op: 'ping'; id?: string };

export type MockToPhone =
  | { op: 'welcome'; deviceId: string; serverTime: number }
  | { op: 'register_result'; id: string; code: number; message: string; registrationId?: string }
  | { op: 'unregister_result'; id: string; code: number; message: string }
  | { op: 'uninstall_result'; id: string; code: number; message: string }
  | {
      op: 'notification';
      messageId: string;
      taskId: string;
      registrationId: string;
      packageName: string;
      verifyRegistrationId: boolean;
      notification: DeliveredNotification;
    }
  | { op: 'synced'; id: string }
  | { op: 'pong'; id?: string; serverTime: number }
  | { op: 'error'; id?: string; code: number; message: string };

export const DEVICE_LINK_PATH = '/_device/v1/link';
