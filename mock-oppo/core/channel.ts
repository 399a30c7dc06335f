/**
 * Delivery channels: another way than the device link for the platform to hand a notification to a
 * phone. A phone with no usable OPPO push service (a stock emulator, a non-OPPO phone, an OPPO phone
 * registered to the real OPPO) can still be a target: whoever can show a notification there — an
 * agent posting it over adb, say — binds a channel to a registration, and the platform treats it
 * like a connected phone: it delivers, the channel shows (or not) and the outcome is the ack.
 *
 * The platform knows nothing of how a channel shows a notification; a channel knows nothing of
 * queues, TTLs or quotas. Deliveries to one binding run one after another, in the order the
 * platform sent them, so a later notification with the same notify_id replaces an earlier one.
 */
import type { DeliveredNotification, MockToPhone } from '../device-link/protocol.ts';
import type { DeviceSink } from './records.ts';
import type { Reason } from './reasons.ts';

/** One notification for one registration, as the platform hands it to a channel. */
export interface ChannelDelivery {
  messageId: string;
  taskId: string;
  registrationId: string;
  packageName: string;
  notification: DeliveredNotification;
}

/** What happened on the phone: the ack the platform records (`displayed`, or a reason why not). */
export interface DeliveryOutcome {
  displayed: boolean;
  reason?: string;
}

export interface DeliveryChannel {
  /** Shows the notification on the phone. A rejection counts as not displayed (`channel_error`). */
  deliver(delivery: ChannelDelivery): Promise<DeliveryOutcome>;
  /** The platform let go of the channel (a full reset, or a newer binding for the same device). */
  closed?(reason: string): void;
}

/** The reason recorded when a channel's deliver() rejects. */
export const CHANNEL_ERROR = 'channel_error' satisfies Reason;

export interface ChannelBinding {
  /** The registration the channel receives for. */
  readonly regId: string;
  /** Resolves once every delivery handed to the channel so far has its outcome recorded. */
  idle(): Promise<void>;
  /** Disconnects the channel: later pushes queue for the device (offline), as for a phone that left. */
  unbind(): void;
}

/**
 * A DeviceSink over a channel: notification frames become deliver() calls, in order, and each
 * outcome becomes an ack through `ack`.
 */
export function channelSink(
  channel: DeliveryChannel,
  ack: (messageId: string, regId: string, outcome: DeliveryOutcome) => void,
): DeviceSink & { idle(): Promise<void> } {
  let tail: Promise<void> = Promise.resolve();
  return {
    send(frame: MockToPhone) {
      if (frame.op !== 'notification') return;
      const { messageId, taskId, registrationId, packageName, notification } = frame;
      tail = tail.then(async () => {
        let outcome: DeliveryOutcome;
        try {
          outcome = await channel.deliver({ messageId, taskId, registrationId, packageName, notification });
        } catch {
          // The channel keeps its own record of what went wrong; the platform keeps a reason it can name.
          outcome = { displayed: false, reason: CHANNEL_ERROR };
        }
        ack(messageId, registrationId, outcome);
      });
    },
    close(reason: string) {
      channel.closed?.(reason);
    },
    idle: () => tail,
  };
}
