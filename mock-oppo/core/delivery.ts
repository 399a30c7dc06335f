/**
 * The delivery state machine of a target: accepted → queued (offline, or before its show window)
 * → delivered (handed to the phone's link) → acked, or expired / dropped / rejected with a reason.
 * Owns the phones' links, the messages kept for inspection and the deadlines of queued targets.
 */
import type { EventEmitter } from 'node:events';
import type { App } from './apps.ts';
import type { Clock } from './clock.ts';
import { Deadlines } from './deadlines.ts';
import type { QuotaCounters } from './quota.ts';
import { isReason, REASONS, type Because, type Reason } from './reasons.ts';
import type { MockSettings } from './settings.ts';
import type { ReceiptEvent, Receipts } from './receipts.ts';
import { Ring } from './ring.ts';
import { Totals } from './totals.ts';
import type { Region } from './region.ts';
import type { DeviceSink, MessageRecord, Registration, StateChange, TargetRecord, TargetState } from './records.ts';
import type { DeviceView } from './views.ts';

interface Device {
  deviceId: string;
  region: Region;
  sink?: DeviceSink;
  connectedAt?: number;
  lastSeen: number;
}

/** Key of `awaitingAck`: acks name the message and the regId, not the task. */
function ackKey(messageId: string, regId: string | undefined): string {
  return `${messageId}\u0000${regId}`;
}

/** When a message's offline TTL runs out (epoch ms). */
function offlineExpiry(message: MessageRecord): number {
  return message.createdAt + message.spec.offLineTtl * 1000;
}


/** What the phone said when it acked without showing: a phone reason of the vocabulary, or not_displayed with its words. */
function phoneDrop(said: string | undefined): Because {
  if (isReason(said) && REASONS[said].layer === 'phone' && REASONS[said].kind === 'lost') return { reason: said };
  return said === undefined ? { reason: 'not_displayed' } : { reason: 'not_displayed', detail: said };
}

export class Delivery {
  private readonly devices = new Map<string, Device>();
  /** Delivered, not yet acked: ackKey(messageId, regId) → target. */
  private readonly awaitingAck = new Map<string, TargetRecord>();
  /** The newest `retention` messages, oldest first (no id index: lookups are for inspection, not the request path). */
  private readonly messages: Ring<MessageRecord>;
  private readonly deadlines: Deadlines;
  private notifySeq = 0;
  /** Every target ever accepted, by state and reason (outlives retention). */
  readonly totals = new Totals();

  constructor(
    private readonly clock: Clock,
    private readonly settings: Pick<MockSettings, 'messageRetention' | 'defaultShowTtl'>,
    private readonly quotas: QuotaCounters,
    private readonly receipts: Receipts,
    /** Gets 'target' and 'device' events. */
    private readonly events: EventEmitter,
  ) {
    this.messages = new Ring(Math.max(1, settings.messageRetention));
    this.deadlines = new Deadlines(clock);
  }

  /** Ends what outlives a reset: the phones' links and the armed deadlines. */
  shutdown(reason: string): void {
    for (const device of this.devices.values()) device.sink?.close(reason);
    this.deadlines.clear();
  }

  /** Every message, queued target, pending ack and deadline forgotten (no receipts); the links stay. */
  forgetMessages(registrations: Iterable<Registration>): void {
    this.deadlines.clear();
    this.awaitingAck.clear();
    this.messages.clear();
    for (const reg of registrations) {
      reg.queue = [];
      reg.queuedCount = 0;
      reg.queuedByNotifyId.clear();
    }
  }

  // ---- phones -------------------------------------------------------------------------------

  /** A device known before it ever connects (a registration made over the control API). */
  knowDevice(deviceId: string, region: Region): void {
    if (!this.devices.has(deviceId)) this.devices.set(deviceId, { deviceId, region, lastSeen: this.clock.now() });
  }

  /** A phone's push service says hello; queued messages still within their TTL go out at once. */
  connect(deviceId: string, region: Region, sink: DeviceSink, registrations: Iterable<Registration>): void {
    const now = this.clock.now();
    let device = this.devices.get(deviceId);
    if (!device) {
      device = { deviceId, region, lastSeen: now };
      this.devices.set(deviceId, device);
    }
    if (device.sink && device.sink !== sink) device.sink.close('replaced by a newer connection of the same device');
    device.sink = sink;
    device.region = region;
    device.connectedAt = now;
    device.lastSeen = now;
    this.events.emit('device', { deviceId, connected: true });
    for (const reg of registrations) this.flushQueue(reg);
  }

  disconnect(deviceId: string, sink: DeviceSink): void {
    const device = this.devices.get(deviceId);
    if (!device || device.sink !== sink) return;
    device.sink = undefined;
    device.lastSeen = this.clock.now();
    this.events.emit('device', { deviceId, connected: false });
  }

  isConnected(deviceId: string): boolean {
    return this.devices.get(deviceId)?.sink !== undefined;
  }

  listDevices(): DeviceView[] {
    return [...this.devices.values()].map((d) => ({
      deviceId: d.deviceId, region: d.region, connected: d.sink !== undefined,
      ...(d.connectedAt !== undefined ? { connectedAt: d.connectedAt } : {}), lastSeen: d.lastSeen,
    }));
  }

  /** The phone's ack: `push_arrive` receipt and target state acked (with what the phone did with it). */
  ack(messageId: string, reg: Registration, displayed: boolean, reason?: string): boolean {
    const key = ackKey(messageId, reg.regId);
    const target = this.awaitingAck.get(key);
    if (!target) return false;
    this.awaitingAck.delete(key);
    target.displayed = displayed;
    this.setState(target, 'acked', displayed ? { reason: 'displayed' } : phoneDrop(reason));
    this.sendReceipt(target, 'push_arrive');
    return true;
  }

  /** A registration died: what was queued for it is dropped with a `regid_invalid` receipt. */
  dropQueued(reg: Registration): void {
    const queued = reg.queue;
    reg.queue = [];
    for (const target of queued) {
      if (target.state !== 'queued') continue;
      this.finish(target, 'dropped', 'regid_invalid');
      this.sendReceipt(target, 'regid_invalid');
    }
  }

  // ---- messages -----------------------------------------------------------------------------

  newTarget(message: MessageRecord, targetType: 1 | 2 | 5 | 6, targetValue: string): TargetRecord {
    // Every field present from the start: one object shape for all targets (they are made per request).
    const target: TargetRecord = {
      targetType, targetValue, registrationId: undefined, registration: undefined, state: 'accepted', reason: undefined, detail: undefined, code: undefined,
      displayed: undefined, history: [{ at: message.createdAt, state: 'accepted' }],
      notifyId: message.spec.notification.notifyId ?? ++this.notifySeq, message, deadline: undefined,
    };
    // Literal arrays for the first entries: a pushed-to empty array reserves 16 slots, and up to
    // `messageRetention` messages stay in memory.
    if (message.targets.length === 0) message.targets = [target];
    else message.targets.push(target);
    this.totals.accept();
    if (this.events.listenerCount('target') > 0) this.events.emit('target', { messageId: message.messageId, taskId: message.taskId, targetValue, ...target.history[0] });
    return target;
  }

  /**
   * Keeps the newest `messageRetention` messages; evicted ones still queued are dropped (reason
   * `evicted`) and never delivered. Returns the evicted message, if any.
   */
  store(message: MessageRecord): MessageRecord | undefined {
    this.totals.messageStored();
    const oldest = this.messages.push(message);
    if (oldest) this.forget(oldest);
    return oldest;
  }

  /** A new `messageRetention` (the control API may change it): a smaller one forgets the oldest at once. */
  retain(retention: number): void {
    for (const m of this.messages.resize(retention)) this.forget(m);
  }

  private forget(oldest: MessageRecord): void {
    oldest.evicted = true;
    this.totals.messageForgotten();
    for (const t of oldest.targets) {
      if (t.state === 'queued') {
        // No history entry: the record itself is being forgotten.
        t.deadline?.cancel();
        this.countQueued(t, false);
        this.totals.move(t.state, t.reason, 'dropped', 'evicted');
        t.state = 'dropped';
        t.reason = 'evicted';
      }
      if (t.state === 'delivered') this.awaitingAck.delete(ackKey(oldest.messageId, t.registrationId));
    }
  }

  findLast(pred: (m: MessageRecord) => boolean): MessageRecord | undefined {
    return this.messages.findLast(pred);
  }

  allMessages(): MessageRecord[] {
    return this.messages.toArray();
  }

  // ---- the state machine --------------------------------------------------------------------

  dispatch(app: App, target: TargetRecord, reg: Registration, now: number): void {
    const message = target.message;
    if (message.classification === 'public' && !this.quotas.takeDevicePublic(app, reg.regId, now)) {
      this.finish(target, 'dropped', 'user_daily_limit');
      this.sendReceipt(target, 'user_daily_limit');
      return;
    }
    const device = this.devices.get(reg.deviceId);
    if (!device?.sink && !message.spec.offLine) {
      this.finish(target, 'dropped', 'device_offline_and_off_line_false');
      return;
    }
    // notify_id replacement: a newer message with the same notify_id supersedes one still waiting.
    const superseded = reg.queuedByNotifyId.get(target.notifyId);
    if (superseded) this.finish(superseded, 'dropped', 'replaced', message.messageId);
    if (device?.sink && this.tryDeliver(target, reg, device.sink)) return;
    this.enqueue(target, reg, now);
  }

  setState(target: TargetRecord, state: TargetState, because?: Because, now = this.clock.now()): void {
    const was = target.state;
    if ((was === 'queued') !== (state === 'queued')) this.countQueued(target, state === 'queued');
    this.totals.move(was, target.reason, state, because?.reason);
    target.state = state;
    target.reason = because?.reason;
    target.detail = because?.detail;
    if (because?.code !== undefined) target.code = because.code;
    const change: StateChange = { at: now, state };
    if (because) {
      change.reason = because.reason;
      if (because.detail !== undefined) change.detail = because.detail;
      if (because.code !== undefined) change.code = because.code;
    }
    if (target.history.length < 4) target.history = [...target.history, change];
    else target.history.push(change);
    if (this.events.listenerCount('target') > 0) {
      this.events.emit('target', { messageId: target.message.messageId, taskId: target.message.taskId, registrationId: target.registrationId, targetValue: target.targetValue, ...change });
    }
  }

  private enqueue(target: TargetRecord, reg: Registration, now: number): void {
    const { spec } = target.message;
    if (spec.showTimeType === 1 && now > spec.notification.showEndTime!) {
      this.finish(target, 'expired', 'show_window_passed');
      return;
    }
    const waitingWindow = spec.showTimeType === 1 && now < spec.notification.showStartTime!;
    this.setState(target, 'queued', { reason: waitingWindow ? 'waiting_show_window' : 'device_offline' }, now);
    reg.queue.push(target);
    if (reg.queue.length > 64 && reg.queue.length > 2 * reg.queuedCount) reg.queue = reg.queue.filter((t) => t.state === 'queued');
    const expiresAt = offlineExpiry(target.message);
    if (waitingWindow) {
      const start = spec.notification.showStartTime!;
      target.deadline = this.deadlines.at(Math.min(start, expiresAt), this.onShowWindowOpen, target);
    } else {
      target.deadline = this.deadlines.batched(expiresAt, this.onOfflineTtl, target);
    }
  }

  private readonly onShowWindowOpen = (target: TargetRecord): void => {
    target.deadline = undefined;
    const reg = target.registration!;
    if (target.state !== 'queued' || target.message.evicted) return;
    const sink = this.devices.get(reg.deviceId)?.sink;
    if (sink && this.tryDeliver(target, reg, sink)) return;
    const expiresAt = offlineExpiry(target.message);
    if (this.clock.now() >= expiresAt) {
      this.finish(target, 'expired', 'off_line_ttl');
      return;
    }
    this.setState(target, 'queued', { reason: 'device_offline' });
    target.deadline = this.deadlines.batched(expiresAt, this.onOfflineTtl, target);
  };

  private readonly onOfflineTtl = (target: TargetRecord): void => {
    target.deadline = undefined;
    if (target.state === 'queued') this.finish(target, 'expired', 'off_line_ttl');
  };

  /** Hands the target to the phone unless its show window is still ahead (false) or already over (expired). */
  private tryDeliver(target: TargetRecord, reg: Registration, sink: DeviceSink): boolean {
    const { spec } = target.message;
    const now = this.clock.now();
    if (spec.showTimeType === 1) {
      if (now < spec.notification.showStartTime!) return false;
      if (now > spec.notification.showEndTime!) {
        this.finish(target, 'expired', 'show_window_passed');
        return true;
      }
    }
    if (now > offlineExpiry(target.message) && target.state === 'queued') {
      this.finish(target, 'expired', 'off_line_ttl');
      return true;
    }
    target.deadline?.cancel();
    target.deadline = undefined;
    sink.send({
      op: 'notification',
      messageId: target.message.messageId,
      taskId: target.message.taskId,
      registrationId: reg.regId,
      packageName: reg.packageName,
      verifyRegistrationId: target.message.verifyRegistrationId,
      notification: {
        ...spec.notification,
        notifyId: target.notifyId,
        // The sender gave none: the phone keeps it for OPPO's default time (one day).
        ...(spec.notification.showTtl === undefined && this.settings.defaultShowTtl > 0 ? { showTtl: this.settings.defaultShowTtl } : {}),
      },
    });
    this.setState(target, 'delivered');
    this.awaitingAck.set(ackKey(target.message.messageId, reg.regId), target);
    return true;
  }

  private flushQueue(reg: Registration): void {
    const sink = this.devices.get(reg.deviceId)?.sink;
    if (!sink) return;
    const waiting = reg.queue;
    reg.queue = [];
    for (const target of waiting) {
      if (target.state !== 'queued' || target.message.evicted) continue;
      if (!this.tryDeliver(target, reg, sink)) reg.queue.push(target);
    }
  }

  private finish(target: TargetRecord, state: TargetState, reason: Reason, detail?: string): void {
    target.deadline?.cancel();
    target.deadline = undefined;
    this.setState(target, state, detail === undefined ? { reason } : { reason, detail });
  }

  private countQueued(target: TargetRecord, entering: boolean): void {
    const reg = target.registration;
    if (!reg) return;
    // Only a notify_id from the request can repeat; generated ones are unique, so they stay out of the index.
    const indexed = target.message.spec.notification.notifyId !== undefined;
    if (entering) {
      reg.queuedCount++;
      if (indexed) reg.queuedByNotifyId.set(target.notifyId, target);
    } else {
      reg.queuedCount--;
      if (indexed && reg.queuedByNotifyId.get(target.notifyId) === target) reg.queuedByNotifyId.delete(target.notifyId);
    }
  }

  /** Receipts go only to regId-addressed targets of messages with a `call_back_url`. */
  private sendReceipt(target: TargetRecord, eventType: ReceiptEvent): void {
    const { message } = target;
    const url = message.spec.callBackUrl;
    if (url === undefined || target.targetType !== 2 || target.registrationId === undefined) return;
    this.receipts.emit(url, {
      messageId: message.messageId,
      appId: message.appId,
      taskId: message.taskId,
      registrationIds: target.registrationId,
      eventTime: String(this.clock.now()),
      param: message.spec.callBackParameter ?? '',
      eventType,
    });
  }
}
