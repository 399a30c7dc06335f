/**
 * The OPPO PUSH platform as plain state and behaviour (no HTTP, no WebSocket): the push API's rules
 * over the platform's parts — apps (app-registry.ts), auth tokens (auth.ts), registrations, aliases
 * and tags (addressing.ts), quotas and flow control (quota.ts), and the delivery state machine with
 * the phones' links (delivery.ts). Everything time-dependent reads the injected clock.
 *
 * All mutable state lives in one PlatformState built by buildState(); reset() builds a new one, so
 * state added to any part later is reset without anyone remembering to clear it.
 */
import { EventEmitter } from 'node:events';
import { Addressing, type Invalidation } from './addressing.ts';
import { AppRegistry } from './app-registry.ts';
import { normalizeApp, type App, type AppConfig } from './apps.ts';
import { Auth } from './auth.ts';
import type { Clock } from './clock.ts';
import { CODES, CODE_MESSAGES, OppoError, type OppoCode } from './codes.ts';
import { Delivery } from './delivery.ts';
import type { TotalsView } from './totals.ts';
import { Faults } from './faults.ts';
import { IdGenerator } from './ids.ts';
import {
  LIMITS,
  PRIVATE_CATEGORIES,
  PUBLIC_CATEGORIES,
  STRONG_REMINDER_LEVEL,
  type NotificationSpec,
} from './notification.ts';
import { canSendPrivate, QuotaCounters, type QuotaStatus } from './quota.ts';
import { Receipts, type ReceiptSender } from './receipts.ts';
import { regionOfRegId, type Region } from './region.ts';
import type { MockSettings } from './settings.ts';
import type {
  BatchItemResult, BroadcastResult, Classification, DeviceSink, MessageRecord, Registration, SavedContent,
  TargetRecord, UnicastInput,
} from './records.ts';
import type { DeviceView } from './views.ts';

// harness/scenario still imports the view types from here (they lived in this module first).
export type { MessageView, TargetView } from './views.ts';

export interface PlatformOptions {
  clock: Clock;
  settings: MockSettings;
  apps: AppConfig[];
  receiptSender: ReceiptSender;
}

/** Everything a reset forgets. */
interface PlatformState {
  ids: IdGenerator;
  apps: AppRegistry;
  auth: Auth;
  addressing: Addressing;
  quotas: QuotaCounters;
  delivery: Delivery;
  /** save_message_content results by message_id. */
  saved: Map<string, SavedContent>;
  /** app_message_id dedupe: unicastDupKey / savedDupKey → the first result. */
  dedupe: Map<string, MessageRecord | SavedContent>;
}

/** A unicast's dedupe key: one app_message_id per app and target. */
function unicastDupKey(appId: string, appMessageId: string, targetValue: string): string {
  return `u\u0000${appId}\u0000${appMessageId}\u0000${targetValue}`;
}

function savedDupKey(appId: string, appMessageId: string): string {
  return `s\u0000${appId}\u0000${appMessageId}`;
}

/**
 * Events: 'target' (every per-target state change: messageId, taskId, registrationId, state,
 * reason, code, at) and 'device' ({ deviceId, connected }) when a phone's link comes or goes.
 */
export interface MessageFilter {
  appId?: string;
  regId?: string;
  appMessageId?: string;
  messageId?: string;
  state?: string;
  reason?: string;
  kind?: string;
  /** createdAt bounds, epoch ms, inclusive. */
  since?: number;
  until?: number;
}

export class OppoPlatform extends EventEmitter {
  readonly clock: Clock;
  readonly settings: MockSettings;
  /** Kept across resets as objects (callers hold them); reset() clears them. */
  readonly faults: Faults;
  readonly receipts: Receipts;
  private readonly initialApps: App[];
  /** The settings the mock started with: a reset undoes what the control API changed. */
  private readonly initialSettings: Readonly<MockSettings>;
  private s: PlatformState;
  /** The wall-clock instant a batch call counts its targets in (flowControlWindow 'real'). */
  private realFlowSecond: number | undefined;

  constructor(options: PlatformOptions) {
    super();
    this.clock = options.clock;
    this.settings = options.settings;
    this.faults = new Faults(options.clock);
    this.receipts = new Receipts(options.clock, this.faults, options.receiptSender, options.settings.receiptLogCapacity);
    this.initialApps = options.apps.map(normalizeApp);
    this.initialSettings = { ...options.settings };
    this.s = this.buildState();
  }

  private buildState(): PlatformState {
    const ids = new IdGenerator(this.settings.seed);
    const apps = new AppRegistry(this.initialApps);
    const quotas = new QuotaCounters(this.settings);
    const delivery = new Delivery(this.clock, this.settings, quotas, this.receipts, this);
    return {
      ids,
      apps,
      auth: new Auth(this.clock, this.settings, ids, apps),
      addressing: new Addressing(this.clock, ids, (reg) => delivery.dropQueued(reg)),
      quotas,
      delivery,
      saved: new Map(),
      dedupe: new Map(),
    };
  }

  /** Changes named settings now (already checked by checkSettings; see START_ONLY_SETTINGS) until the next reset. */
  updateSettings(changes: Partial<MockSettings>): MockSettings {
    Object.assign(this.settings, changes);
    if (changes.messageRetention !== undefined) this.s.delivery.retain(changes.messageRetention);
    return this.settings;
  }

  /**
   * Back to the initial apps and settings with no tokens, registrations, messages, faults or
   * receipts. The clock is not touched.
   */
  reset(): void {
    Object.assign(this.settings, this.initialSettings);
    this.s.delivery.shutdown('mock reset');
    this.faults.clear();
    this.receipts.clear();
    this.s = this.buildState();
  }

  /**
   * The lab's reset between spec files: messages (queued ones too), faults, receipts, quotas and
   * flow-control windows, saved contents and app_message_id memory, the feedback list, settings
   * changed at run time — gone. Apps,
   * auth tokens, registrations (aliases, tags) and device links stay, so phones keep their regIds.
   */
  resetTraffic(): void {
    // Settings changed over the control API are traffic too: they must not leak into the next spec.
    Object.assign(this.settings, this.initialSettings);
    this.faults.clear();
    this.receipts.clear();
    const { delivery, addressing, quotas, saved, dedupe } = this.s;
    delivery.forgetMessages(addressing.all());
    delivery.retain(this.settings.messageRetention);
    addressing.forgetFeedback();
    quotas.clear();
    saved.clear();
    dedupe.clear();
  }

  // ---- apps ---------------------------------------------------------------------------------

  addApp(config: AppConfig): App {
    return this.s.apps.add(config);
  }

  listApps(): App[] {
    return this.s.apps.list();
  }

  appById(appId: string): App | undefined {
    return this.s.apps.byId(appId);
  }

  appByKey(appKey: string): App | undefined {
    return this.s.apps.byKey(appKey);
  }

  // ---- auth ---------------------------------------------------------------------------------

  /** `sign` = sha256(app_key + timestamp + master_secret); the checks run missing-first, then validity. */
  authenticate(region: Region, appKey?: string, timestamp?: string, sign?: string): { authToken: string; createTime: number } {
    return this.s.auth.authenticate(region, appKey, timestamp, sign);
  }

  /** The app a token belongs to: 29 when absent, 11 when unknown, expired or (by setting) from the other region. */
  appForToken(region: Region, token: string | undefined): App {
    return this.s.auth.appForToken(region, token);
  }

  /** Expires every token of the app now, so its next call answers 11 and the client re-authenticates. */
  expireTokens(appId: string): number {
    return this.s.auth.expireTokens(appId);
  }

  // ---- device side --------------------------------------------------------------------------

  /** A phone's push service says hello; queued messages still within their TTL go out at once. */
  connectDevice(deviceId: string, region: Region, sink: DeviceSink): void {
    this.s.delivery.connect(deviceId, region, sink, this.s.addressing.activeOfDevice(deviceId));
  }

  disconnectDevice(deviceId: string, sink: DeviceSink): void {
    this.s.delivery.disconnect(deviceId, sink);
  }

  isConnected(deviceId: string): boolean {
    return this.s.delivery.isConnected(deviceId);
  }

  /**
   * The push service registers an app (AppKey + AppSecret + package). The same device and package
   * keep their regId until unregister/uninstall. [uncertain] client-side codes: 14 unknown AppKey,
   * 16 wrong AppSecret, 41 package not the app's.
   */
  register(deviceId: string, region: Region, appKey: string, appSecret: string, packageName: string): Registration {
    const app = this.s.apps.byKey(appKey);
    if (!app) throw new OppoError(CODES.INVALID_APP_KEY);
    if (app.appSecret !== appSecret) throw new OppoError(CODES.INVALID_SIGNATURE, 'AppSecret does not match the AppKey');
    if (app.packageName !== undefined && app.packageName !== packageName) {
      throw new OppoError(CODES.INVALID_ARGUMENTS, `package ${packageName} is not the app's package ${app.packageName}`);
    }
    return this.registerFor(app, deviceId, region, packageName);
  }

  /** Registration without a device link (control API, tests): the device simply stays offline until it connects. */
  registerFor(app: App, deviceId: string, region: Region, packageName = app.packageName ?? 'com.example.app'): Registration {
    const reg = this.s.addressing.register(app, deviceId, region, packageName);
    this.s.delivery.knowDevice(deviceId, region);
    return reg;
  }

  /** App-side unregister or uninstall: the regId is dead for later sends, queued messages are dropped. */
  unregisterPackage(deviceId: string, packageName: string, how: Invalidation): Registration | undefined {
    const reg = this.s.addressing.activeByDevicePackage(deviceId, packageName);
    if (reg) this.s.addressing.invalidate(reg, how);
    return reg;
  }

  invalidateRegId(regId: string, how: Invalidation): Registration | undefined {
    const reg = this.s.addressing.byId(regId);
    if (!reg || reg.state !== 'active') return undefined;
    this.s.addressing.invalidate(reg, how);
    return reg;
  }

  /** The phone's ack: `push_arrive` receipt and target state acked (with what the phone did with it). */
  ack(deviceId: string, messageId: string, regId: string, displayed: boolean, reason?: string): boolean {
    const reg = this.s.addressing.byId(regId);
    if (!reg || reg.deviceId !== deviceId) return false;
    return this.s.delivery.ack(messageId, reg, displayed, reason);
  }

  // ---- push API -----------------------------------------------------------------------------

  unicast(app: App, region: Region, input: UnicastInput, endpoint = 'unicast'): MessageRecord {
    const classification = this.classify(app, input.spec);
    if (input.targetType === 3 && this.settings.legacyTargetType3 === 'alias') input = { ...input, targetType: 5 };
    if (input.targetType !== 2 && input.targetType !== 5) {
      throw new OppoError(CODES.INVALID_ARGUMENTS, 'target_type must be 2 (registration_id) or 5 (alias)');
    }
    const dupKey = input.spec.appMessageId !== undefined ? unicastDupKey(app.appId, input.spec.appMessageId, input.targetValue) : undefined;
    const dup = dupKey ? this.s.dedupe.get(dupKey) : undefined;
    if (dup) {
      if (this.settings.duplicateAppMessageId === 'reject') throw new OppoError(CODES.DATA_DUPLICATE, 'app_message_id already pushed to this target');
      return dup as MessageRecord;
    }
    // One reading of the clock for the whole call: the message, its target and its first states share the instant.
    const now = this.clock.now();
    this.takeFlow(app, 1, now);
    const messageId = `${app.appId}-1-1-${this.s.ids.objectId(now)}`;
    const message = this.newMessage(app, region, 'unicast', messageId, messageId, input.spec, classification, input.verifyRegistrationId, now);
    const resolved = this.resolveTarget(app, region, input.targetType, input.targetValue, endpoint);
    const target = this.s.delivery.newTarget(message, input.targetType as 2 | 5, input.targetValue);
    if (typeof resolved === 'number') {
      this.s.delivery.setState(target, 'rejected', { reason: 'oppo_rejected', code: resolved, detail: CODE_MESSAGES[resolved] });
      this.store(message);
      throw new OppoError(resolved);
    }
    target.registrationId = resolved.regId;
    target.registration = resolved;
    if (classification === 'public') {
      try {
        this.takeQuota(app, 1, now);
      } catch (err) {
        this.s.delivery.setState(target, 'rejected', { reason: 'oppo_rejected', code: CODES.DAILY_LIMIT, detail: CODE_MESSAGES[CODES.DAILY_LIMIT] });
        this.store(message);
        throw err;
      }
    }
    this.store(message);
    if (dupKey) this.s.dedupe.set(dupKey, message);
    this.s.delivery.dispatch(app, target, resolved, now);
    return message;
  }

  /** Per-item outcomes; an item the wire already refused comes in as its OppoError. */
  unicastBatch(app: App, region: Region, items: Array<UnicastInput | { error: OppoError; targetValue: string }>): BatchItemResult[] {
    // One call counts in one real second, also if the wall clock ticks over while it is processed.
    this.realFlowSecond = Date.now();
    try {
      return this.unicastEach(app, region, items);
    } finally {
      this.realFlowSecond = undefined;
    }
  }

  private unicastEach(app: App, region: Region, items: Array<UnicastInput | { error: OppoError; targetValue: string }>): BatchItemResult[] {
    return items.map((item) => {
      if ('error' in item) return { registrationId: item.targetValue, errorCode: item.error.code, errorMessage: item.error.message };
      try {
        const message = this.unicast(app, region, item, 'unicast_batch');
        return { messageId: message.messageId, registrationId: message.targets[0]!.registrationId ?? item.targetValue };
      } catch (err) {
        if (!(err instanceof OppoError)) throw err;
        return { registrationId: item.targetValue, errorCode: err.code, errorMessage: err.message };
      }
    });
  }

  saveMessageContent(app: App, region: Region, spec: NotificationSpec): SavedContent {
    const classification = this.classify(app, spec);
    const dupKey = spec.appMessageId !== undefined ? savedDupKey(app.appId, spec.appMessageId) : undefined;
    const dup = dupKey ? this.s.dedupe.get(dupKey) : undefined;
    if (dup) {
      if (this.settings.duplicateAppMessageId === 'reject') throw new OppoError(CODES.DATA_DUPLICATE, 'app_message_id already saved');
      return dup as SavedContent;
    }
    const saved: SavedContent = { messageId: this.s.ids.objectId(this.clock.now()), appId: app.appId, region, spec, classification, createdAt: this.clock.now() };
    this.s.saved.set(saved.messageId, saved);
    if (dupKey) this.s.dedupe.set(dupKey, saved);
    return saved;
  }

  broadcast(app: App, region: Region, messageId: string, targetType: number, targetValue: string | undefined): BroadcastResult {
    const content = this.s.saved.get(messageId);
    if (!content || content.appId !== app.appId) throw new OppoError(CODES.DATA_NOT_EXIST, `message_id ${messageId} was not saved by this app`);
    if (targetType === 3 && this.settings.legacyTargetType3 === 'alias') targetType = 5;
    if (![1, 2, 5, 6].includes(targetType)) throw new OppoError(CODES.INVALID_ARGUMENTS, 'target_type must be 1, 2, 5 or 6');
    if (targetType !== 1 && (content.spec.pushTimeType === 1 || content.spec.fixSpeed)) {
      throw new OppoError(CODES.INVALID_ARGUMENTS, 'push_time_type and fix_speed are for broadcast to all users only');
    }
    const invalid: Record<string, string[]> = {};
    const refuse = (code: OppoCode, value: string) => (invalid[code] ??= []).push(value);
    const accepted: Array<{ value: string; reg: Registration }> = [];
    if (targetType === 1) {
      for (const reg of this.s.addressing.active(app, region)) accepted.push({ value: reg.regId, reg });
    } else {
      if (!targetValue) throw new OppoError(CODES.MISSING_ARGUMENTS, 'target_value is required for target_type 2, 5 and 6');
      if (targetType === 6) {
        for (const reg of this.s.addressing.matchTags(app, region, targetValue)) accepted.push({ value: reg.regId, reg });
      } else {
        const values = targetValue.split(';').filter((v) => v.length > 0);
        if (values.length === 0) throw new OppoError(CODES.MISSING_ARGUMENTS, 'target_value is empty');
        if (values.length > LIMITS.targetsPerCall) throw new OppoError(CODES.INVALID_ARGUMENTS, `at most ${LIMITS.targetsPerCall} targets per call`);
        const seen = new Set<string>();
        for (const value of values) {
          if (seen.has(value)) {
            refuse(targetType === 2 ? CODES.REGID_REPEAT : CODES.ALIAS_REPEAT, value);
            continue;
          }
          seen.add(value);
          const resolved = this.resolveTarget(app, region, targetType, value, 'broadcast');
          if (typeof resolved === 'number') refuse(resolved, value);
          else accepted.push({ value, reg: resolved });
        }
      }
    }
    const now = this.clock.now();
    this.takeFlow(app, Math.max(1, accepted.length), now);
    if (content.classification === 'public') this.takeQuota(app, accepted.length, now);
    const taskId = this.s.ids.objectId(now);
    const message = this.newMessage(app, region, 'broadcast', content.messageId, taskId, content.spec, content.classification, false, now);
    message.invalidTargets = invalid;
    for (const [code, values] of Object.entries(invalid)) {
      for (const value of values) this.s.delivery.setState(this.s.delivery.newTarget(message, targetType as 2 | 5, value), 'rejected', { reason: 'oppo_rejected', code: Number(code), detail: CODE_MESSAGES[Number(code) as OppoCode] });
    }
    this.store(message);
    for (const { value, reg } of accepted) {
      const target = this.s.delivery.newTarget(message, targetType as 1 | 2 | 5 | 6, value);
      target.registrationId = reg.regId;
      target.registration = reg;
      this.s.delivery.dispatch(app, target, reg, now);
    }
    return { messageId: content.messageId, taskId, invalid };
  }

  /** Broadcast counters ([uncertain] endpoint; the shape a third-party SDK parses). `openCount` stays 0: phones report no clicks. */
  statistics(app: App, messageId: string, taskId?: string): Record<string, number | string> {
    const message = this.s.delivery.findLast(
      (m) => m.appId === app.appId && m.messageId === messageId && (taskId === undefined || m.taskId === taskId),
    );
    if (!message) throw new OppoError(CODES.DATA_NOT_EXIST, 'no such message_id/task_id');
    const count = (pred: (t: TargetRecord) => boolean) => message.targets.filter(pred).length;
    return {
      message_id: message.messageId,
      task_id: message.taskId,
      targetCount: message.targets.length,
      validCount: count((t) => t.state !== 'rejected'),
      sendCount: count((t) => t.state === 'delivered' || t.state === 'acked'),
      arriveCount: count((t) => t.state === 'acked'),
      showCount: count((t) => t.state === 'acked' && t.displayed === true),
      openCount: 0,
    };
  }

  fetchInvalidRegIds(app: App): string[] {
    return this.s.addressing.invalidRegIds(app, this.settings.feedbackClearsOnFetch);
  }

  // ---- aliases and tags (device host) -------------------------------------------------------
  // `region` is the host the call came in on; in-process callers may leave it out, and then the
  // regId's own region (or, for delete, the first region that holds the alias) is used.

  /** One alias ↔ one regId; the latest binding wins on both sides. */
  setAlias(app: App, regId: string, alias: string, region: Region = regionOfRegId(regId)): void {
    this.s.addressing.setAlias(app, region, regId, alias);
  }

  deleteAlias(app: App, alias: string, region?: Region): void {
    if (region !== undefined) return this.s.addressing.deleteAlias(app, region, alias);
    const holder = (['CN', 'INTL'] as const).find((r) => typeof this.s.addressing.resolveAlias(app, r, alias) !== 'number');
    this.s.addressing.deleteAlias(app, holder ?? 'CN', alias);
  }

  addTags(app: App, names: string[], desc: string, group?: string): void {
    this.s.addressing.addTags(app, names, desc, group);
  }

  /** [uncertain] subscribing to a tag the app never created answers 31 Data Not Exist. */
  subscribeTags(app: App, regId: string, names: string[], subscribe: boolean, region: Region = regionOfRegId(regId)): void {
    this.s.addressing.subscribeTags(app, region, regId, names, subscribe);
  }

  tagsOf(app: App, regId: string, region: Region = regionOfRegId(regId)): string[] {
    return this.s.addressing.tagsOf(app, region, regId);
  }

  // ---- classification, quotas, flow control ------------------------------------------------

  /**
   * Private (Communication & Service) needs a released, approved app and one of its private
   * channels. [uncertain] a private category without that, and a strong reminder (notify_level 16)
   * on a public message, answer 67 rather than silently counting as public.
   */
  classify(app: App, spec: NotificationSpec): Classification {
    const { category, notifyLevel, channelId, showTtl } = spec.notification;
    let privateChannel = false;
    if (channelId !== undefined) {
      for (const c of app.channels) if (c.id === channelId) privateChannel = c.private === true && canSendPrivate(app);
    }
    let classification: Classification;
    if (category !== undefined && PRIVATE_CATEGORIES.has(category)) {
      if (!privateChannel) throw new OppoError(CODES.CATEGORY_ERROR, `category ${category} needs an approved private channel`);
      classification = 'private';
    } else if (category !== undefined && PUBLIC_CATEGORIES.has(category)) {
      classification = 'public';
    } else {
      classification = privateChannel ? 'private' : 'public';
    }
    if (notifyLevel === STRONG_REMINDER_LEVEL && classification === 'public') {
      throw new OppoError(CODES.CATEGORY_ERROR, 'notify_level 16 is for private messages only');
    }
    if (this.settings.showTtlRule === 'new' && showTtl !== undefined && classification === 'public' && showTtl > LIMITS.showTtlPublicMax) {
      throw new OppoError(CODES.INVALID_ARGUMENTS, `show_ttl of a public message must be ≤ ${LIMITS.showTtlPublicMax}`);
    }
    return classification;
  }

  private takeFlow(app: App, targets: number, now: number): void {
    const second = this.settings.flowControlWindow === 'real' ? (this.realFlowSecond ?? Date.now()) : now;
    if (!this.s.quotas.takeFlow(app, targets, second)) throw new OppoError(this.settings.flowControlCode);
  }

  private takeQuota(app: App, targets: number, now: number): void {
    if (!this.s.quotas.takeDailyPublic(app, targets, now)) throw new OppoError(CODES.DAILY_LIMIT);
  }

  /** Exact totals of every target ever accepted, by state and reason (not bounded by retention). */
  totals(): TotalsView {
    return this.s.delivery.totals.view();
  }

  quotaStatus(app: App): QuotaStatus {
    return this.s.quotas.status(app, this.clock.now());
  }

  // ---- targets ------------------------------------------------------------------------------

  private resolveTarget(app: App, region: Region, targetType: number, value: string, endpoint: string): Registration | OppoCode {
    if (targetType === 5) return this.s.addressing.resolveAlias(app, region, value);
    const resolved = this.s.addressing.resolveRegId(app, region, value);
    if (typeof resolved !== 'number' && !this.faults.empty) {
      const fault = this.faults.take(['target'], { endpoint, appId: app.appId, appKey: app.appKey, regIds: [value] });
      if (fault?.code !== undefined) return fault.code;
    }
    return resolved;
  }

  private newMessage(
    app: App, region: Region, kind: 'unicast' | 'broadcast', messageId: string, taskId: string,
    spec: NotificationSpec, classification: Classification, verifyRegistrationId: boolean, now: number,
  ): MessageRecord {
    return {
      messageId, taskId, appId: app.appId, region, kind, appMessageId: spec.appMessageId, classification, createdAt: now, spec,
      verifyRegistrationId, targets: [], invalidTargets: undefined, evicted: undefined,
    };
  }

  /** Kept for inspection; an evicted message's app_message_ids may be used again. */
  private store(message: MessageRecord): void {
    const oldest = this.s.delivery.store(message);
    if (oldest?.appMessageId === undefined) return;
    for (const t of oldest.targets) this.s.dedupe.delete(unicastDupKey(oldest.appId, oldest.appMessageId, t.targetValue));
  }

  // ---- inspection (control API) -------------------------------------------------------------

  findMessage(id: string): MessageRecord | undefined {
    return this.s.delivery.findLast((m) => m.taskId === id) ?? this.s.delivery.findLast((m) => m.messageId === id);
  }

  /** Retained messages, oldest first; `state` and `reason` (a name of the vocabulary, as in the totals) match any target. */
  listMessages(filter: MessageFilter = {}): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (const m of this.s.delivery.allMessages()) {
      if (filter.appId !== undefined && m.appId !== filter.appId) continue;
      if (filter.appMessageId !== undefined && m.appMessageId !== filter.appMessageId) continue;
      if (filter.messageId !== undefined && m.messageId !== filter.messageId) continue;
      if (filter.kind !== undefined && m.kind !== filter.kind) continue;
      if (filter.since !== undefined && m.createdAt < filter.since) continue;
      if (filter.until !== undefined && m.createdAt > filter.until) continue;
      if (filter.regId !== undefined && !m.targets.some((t) => t.registrationId === filter.regId || t.targetValue === filter.regId)) continue;
      if ((filter.state !== undefined || filter.reason !== undefined)
        && !m.targets.some((t) => (filter.state === undefined || t.state === filter.state) && (filter.reason === undefined || t.reason === filter.reason))) continue;
      out.push(m);
    }
    return out;
  }

  listRegistrations(filter: { appId?: string; deviceId?: string; state?: string } = {}): Registration[] {
    return [...this.s.addressing.all()].filter(
      (r) => (filter.appId === undefined || r.appId === filter.appId)
        && (filter.deviceId === undefined || r.deviceId === filter.deviceId)
        && (filter.state === undefined || r.state === filter.state),
    );
  }

  registration(regId: string): Registration | undefined {
    return this.s.addressing.byId(regId);
  }

  listDevices(): DeviceView[] {
    return this.s.delivery.listDevices();
  }
}
