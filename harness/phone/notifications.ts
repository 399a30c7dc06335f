/**
 * The phone's notification manager: channels and the notification permission per package, the
 * shade's active entries (keyed like Android, `0|pkg|id|tag|uid`), what was removed and why, and
 * what never showed and why. Plain state driven by the injected clock (show_ttl).
 */
import type { Clock, TimerHandle } from '../../mock-oppo/core/clock.ts';
import type { ReasonAt } from '../../mock-oppo/core/reasons.ts';
import { Ring } from '../../mock-oppo/core/ring.ts';
import type { StatusBarNotification } from './api.ts';
import type { ChannelSpec } from './profiles.ts';
import type { ClickTarget } from './intent.ts';

/** The default channel HeytapPushManager.init creates and the push service falls back to. */
export const HEYTAP_DEFAULT_CHANNEL: ChannelSpec = { id: 'Heytap PUSH', name: 'System Default Channel', importance: 3 };

/** How many dropped and removed records the phone remembers (oldest go first). */
export const HISTORY_LIMIT = 1000;

/** Appends, keeping the newest HISTORY_LIMIT; returns what fell off. */
function remember<T>(list: T[], item: T): T[] {
  list.push(item);
  return list.length > HISTORY_LIMIT ? list.splice(0, list.length - HISTORY_LIMIT) : [];
}

/** Why the phone did not show a push, and why an entry left the shade: the phone's reasons of the shared vocabulary (mock-oppo/core/reasons.ts). */
export type DropReason = Exclude<ReasonAt<'phone', 'lost'>, 'not_displayed'>;

export type RemoveReason = ReasonAt<'phone', 'removed'>;

export interface ShadeEntry {
  key: string;
  packageName: string;
  id: number;
  tag: string | null;
  uid: number;
  channelId: string;
  title: string;
  text: string;
  subText?: string;
  /** Long-text style (OPPO style 2): the full text the expanded row shows. */
  bigText?: string;
  /** A foreground service's notification: not clearable, and "Clear all" leaves it. */
  ongoing?: boolean;
  postTime: number;
  /** Extras the click hands to the app (OPPO `action_parameters`, or `--es` of `cmd notification post`). */
  extras: Record<string, string>;
  /** null: no content intent (tapping does nothing). */
  click: ClickTarget | null;
  /** OPPO message id when the push service posted it. */
  messageId?: string;
  /** Absolute time of the show_ttl auto-dismiss. */
  dismissAt?: number;
}

export interface DroppedNotification {
  time: number;
  packageName: string;
  messageId: string;
  registrationId: string;
  title: string;
  channelId?: string;
  reason: DropReason;
}

/**
 * One thing the phone did with an OPPO push, keyed by its messageId: the phone's hops of the lab's
 * joined trace (received → shown or dropped → removed → tapped → activity started → extras).
 */
export interface PhonePushEvent {
  at: number;
  messageId: string;
  packageName: string;
  event: 'received' | 'shown' | 'dropped' | 'removed' | 'tapped' | 'activity' | 'extras';
  /** dropped and removed only. */
  reason?: DropReason | RemoveReason;
  detail?: string;
  title?: string;
  text?: string;
  channelId?: string;
  /** activity: the component the tap started (`pkg/.Activity`). */
  component?: string;
  /** extras: what the activity received. */
  extras?: Record<string, string>;
}

/** How many push events the phone remembers (the oldest go first). */
export const PUSH_EVENT_LIMIT = 10_000;

export interface RemovedNotification {
  time: number;
  reason: RemoveReason;
  entry: ShadeEntry;
}

export class NotificationManager {
  private readonly active = new Map<string, ShadeEntry>();
  private readonly ttl = new Map<string, TimerHandle>();
  private readonly channelsByPkg = new Map<string, Map<string, ChannelSpec>>();
  private readonly enabledByPkg = new Map<string, boolean>();
  readonly dropped: DroppedNotification[] = [];
  readonly removed: RemovedNotification[] = [];
  /** What happened to each OPPO push on this phone, oldest first. */
  readonly pushEvents = new Ring<PhonePushEvent>(PUSH_EVENT_LIMIT);
  /**
   * Post order, so "newest first" holds on a frozen clock where post times tie: of the entries in
   * the shade and in `removed`, pruned as they leave both (a Map, not a WeakMap: WeakMap entries are
   * ephemerons, which every full garbage collection traces apart, and a fleet posts one per push).
   */
  private readonly order = new Map<ShadeEntry, number>();
  private posts = 0;

  constructor(private readonly clock: Clock) {}

  /** How many entries the shade holds (without copying them, for a fleet-wide count). */
  get count(): number {
    return this.active.size;
  }

  /** Active entries, newest first (the shade's order). */
  get entries(): ShadeEntry[] {
    return [...this.active.values()].reverse();
  }

  createChannel(pkg: string, channel: ChannelSpec): void {
    let channels = this.channelsByPkg.get(pkg);
    if (!channels) this.channelsByPkg.set(pkg, (channels = new Map()));
    if (!channels.has(channel.id)) channels.set(channel.id, { ...channel });
  }

  channel(pkg: string, id: string): ChannelSpec | undefined {
    return this.channelsByPkg.get(pkg)?.get(id);
  }

  channels(pkg: string): ChannelSpec[] {
    return [...(this.channelsByPkg.get(pkg)?.values() ?? [])];
  }

  /** ColorOS ships apps with notifications off until the user allows them. */
  areNotificationsEnabled(pkg: string): boolean {
    return this.enabledByPkg.get(pkg) ?? false;
  }

  setNotificationsEnabled(pkg: string, enabled: boolean): void {
    this.enabledByPkg.set(pkg, enabled);
  }

  /** Adds one hop of a push to the phone's journal. */
  note(event: Omit<PhonePushEvent, 'at'>): void {
    this.pushEvents.push({ at: this.clock.now(), ...event });
  }

  /** The journal of the pushes with these OPPO message ids. */
  eventsOf(messageIds: ReadonlySet<string>): PhonePushEvent[] {
    return this.pushEvents.toArray().filter((e) => messageIds.has(e.messageId));
  }

  drop(record: Omit<DroppedNotification, 'time'>): DroppedNotification {
    const dropped = { time: this.clock.now(), ...record };
    remember(this.dropped, dropped);
    this.note({ messageId: record.messageId, packageName: record.packageName, event: 'dropped', reason: record.reason, title: record.title, ...(record.channelId ? { channelId: record.channelId } : {}) });
    return dropped;
  }

  /** Posts or, for the same key (same package and id/notify_id, same tag), replaces in place. */
  post(entry: Omit<ShadeEntry, 'postTime' | 'dismissAt'>, showTtlSeconds?: number): ShadeEntry {
    this.ttl.get(entry.key)?.cancel();
    this.ttl.delete(entry.key);
    const posted: ShadeEntry = { ...entry, postTime: this.clock.now() };
    const replaced = this.active.get(entry.key);
    if (replaced) this.order.delete(replaced);
    this.order.set(posted, this.posts++);
    if (showTtlSeconds !== undefined && showTtlSeconds > 0) {
      posted.dismissAt = posted.postTime + showTtlSeconds * 1000;
      this.ttl.set(entry.key, this.clock.setTimer(showTtlSeconds * 1000, () => this.cancel(entry.key, 'show_ttl')));
    }
    // Re-inserting moves a replaced entry to the top, as an update does in the shade.
    this.active.delete(entry.key);
    this.active.set(entry.key, posted);
    if (posted.messageId) this.note({ messageId: posted.messageId, packageName: posted.packageName, event: 'shown', title: posted.title, text: posted.text, channelId: posted.channelId });
    return posted;
  }

  get(key: string): ShadeEntry | undefined {
    return this.active.get(key);
  }

  cancel(key: string, reason: RemoveReason): ShadeEntry | undefined {
    const entry = this.active.get(key);
    if (!entry) return undefined;
    this.active.delete(key);
    this.ttl.get(key)?.cancel();
    this.ttl.delete(key);
    for (const gone of remember(this.removed, { time: this.clock.now(), reason, entry })) this.order.delete(gone.entry);
    if (entry.messageId) this.note({ messageId: entry.messageId, packageName: entry.packageName, event: 'removed', reason });
    return entry;
  }

  cancelPackage(pkg: string, reason: RemoveReason): void {
    for (const entry of this.entries) if (entry.packageName === pkg) this.cancel(entry.key, reason);
  }

  /** The shade's "Clear all" (ongoing notifications stay). */
  clearAll(): void {
    for (const entry of this.entries) if (!entry.ongoing) this.cancel(entry.key, 'cancel');
  }

  forgetPackage(pkg: string): void {
    this.cancelPackage(pkg, 'uninstall');
    this.channelsByPkg.delete(pkg);
    this.enabledByPkg.delete(pkg);
  }

  dispose(): void {
    for (const t of this.ttl.values()) t.cancel();
    this.ttl.clear();
  }

  /**
   * As on a freshly booted phone: no entries, no history of removed or dropped ones, no channels,
   * every package's permission back to ColorOS's default (off until the app asks at its first start).
   */
  reset(): void {
    this.dispose();
    this.active.clear();
    this.order.clear();
    this.channelsByPkg.clear();
    this.enabledByPkg.clear();
    this.dropped.length = 0;
    this.removed.length = 0;
  }

  /**
   * `mobile: getNotifications`: what Appium's listener saw, newest first, removed ones flagged,
   * at most 100.
   */
  statusBarNotifications(): StatusBarNotification[] {
    const seen = [
      ...this.removed.map((r) => ({ entry: r.entry, removed: true })),
      ...[...this.active.values()].map((e) => ({ entry: e, removed: false })),
    ];
    return seen
      .sort((a, b) => this.order.get(b.entry)! - this.order.get(a.entry)!)
      .slice(0, 100)
      .map(({ entry, removed }) => toStatusBarNotification(entry, removed));
  }
}

function toStatusBarNotification(e: ShadeEntry, isRemoved: boolean): StatusBarNotification {
  return {
    isGroup: false,
    packageName: e.packageName,
    isClearable: !e.ongoing,
    isOngoing: e.ongoing ?? false,
    id: e.id,
    tag: e.tag,
    notification: {
      title: e.title,
      bigTitle: null,
      text: e.text,
      bigText: e.bigText ?? null,
      tickerText: null,
      subText: e.subText ?? null,
      infoText: null,
      template: e.bigText === undefined ? null : 'android.app.Notification$BigTextStyle',
    },
    userHandle: 0,
    groupKey: e.key,
    overrideGroupKey: null,
    postTime: e.postTime,
    key: e.key,
    isRemoved,
  };
}

export function notificationKey(pkg: string, id: number, tag: string | null, uid: number): string {
  return `0|${pkg}|${id}|${tag ?? 'null'}|${uid}`;
}
